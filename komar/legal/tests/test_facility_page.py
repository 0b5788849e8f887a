"""A facility's legal page: month by month over the last twelve months, the women screened,
the measures proposed, the applications filed, granted and refused, counted over the women in
the reader's scope only, as a table and an SVG bar chart. Figures checked against records made
through the actions and counted by hand."""

from __future__ import annotations

import datetime as dt
import uuid
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.urls import reverse

from komar.accounts.models import Role, User
from komar.audit.models import AuditEntry
from komar.cases.models import Mother
from komar.conftest import child_inside, client_for, make_user, register
from komar.facilities.models import Facility
from komar.legal import work_views
from komar.legal.models import Application
from komar.legal.tests.test_work import application, decide, screen

TODAY = dt.date(2026, 6, 15)
SVG = "{http://www.w3.org/2000/svg}"
JS = "judicial_supervision"


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(dt.datetime(2026, 6, 15, 3, tzinfo=dt.UTC), tick=False)


def page_url(facility: Facility) -> str:
    return reverse("legal:facility_page", args=[facility.code])


def held(actor: User, facility: Facility, name: str, admitted: dt.date) -> Mother:
    """A woman held before trial since `admitted`, with her baby inside: one to screen."""
    return register(
        actor,
        facility,
        name_latin=name,
        admission_date=admitted,
        children=[child_inside(born=min(dt.date(2025, 1, 15), admitted), since=admitted)],
    )


@pytest.fixture
def records(sokha, outsider, siem_reap, battambang, sophea) -> dict[str, Mother]:
    """Screenings and applications over the year, as the hand counts in the tests say.

    In the facility (Siem Reap), of the NGO's women:
    - Sophea: screened 3 Feb (judicial supervision); applied 10 Feb, refused 5 Mar.
    - Kanha: screened 3 Apr (judicial supervision, drug treatment) and again 20 Apr (judicial
      supervision); applied for release 25 Apr, waiting.
    - Nary: screened 2 May (nothing chosen); applied 5 May, granted 20 May (released).
    - Bopha: screened May 2025 and applied 10 Jun 2025, before the twelve months; refused
      2 Jul 2025, inside them.
    Outside the counts of the NGO's supervisor: Rany, another NGO's woman held there (screened
    10 Apr), and Davy, an NGO woman held in Battambang (screened 5 Apr)."""
    kanha = held(sokha, siem_reap, "Chan Kanha", dt.date(2026, 3, 1))
    nary = held(sokha, siem_reap, "Chan Nary", dt.date(2026, 4, 1))
    bopha = held(sokha, siem_reap, "Chan Bopha", dt.date(2025, 1, 1))
    rany = held(outsider, siem_reap, "Chan Rany", dt.date(2026, 3, 1))
    davy = held(sokha, battambang, "Chan Davy", dt.date(2026, 3, 1))

    screen(sophea, sokha, dt.date(2026, 2, 3), [JS])
    screen(kanha, sokha, dt.date(2026, 4, 3), [JS, "drug_treatment"])
    screen(kanha, sokha, dt.date(2026, 4, 20), [JS])
    screen(nary, sokha, dt.date(2026, 5, 2))
    screen(bopha, sokha, dt.date(2025, 5, 1), [JS])
    screen(rany, outsider, dt.date(2026, 4, 10), [JS])
    screen(davy, sokha, dt.date(2026, 4, 5), [JS])

    refused = application(sophea, sokha, dt.date(2026, 2, 10))
    decide(refused, sokha, Application.Outcome.REFUSED, dt.date(2026, 3, 5))
    application(kanha, sokha, dt.date(2026, 4, 25), Application.Kind.RELEASE)
    granted = application(nary, sokha, dt.date(2026, 5, 5))
    decide(granted, sokha, Application.Outcome.GRANTED, dt.date(2026, 5, 20))
    old = application(bopha, sokha, dt.date(2025, 6, 10))
    decide(old, sokha, Application.Outcome.REFUSED, dt.date(2025, 7, 2))
    application(rany, outsider, dt.date(2026, 4, 12))
    application(davy, sokha, dt.date(2026, 4, 12))
    return {"kanha": kanha, "nary": nary, "bopha": bopha, "rany": rany, "davy": davy}


def months(response: Any) -> dict[str, tuple[int, ...]]:
    """Each month's row of the table: screened, proposed, filed, granted, refused."""
    return {
        (month.strftime("%Y-%m") if month else "total"): tuple(c.value for c in cells)
        for month, cells in response.context["months"]
    }


def measures(response: Any) -> dict[str, tuple[list[int], int]]:
    return {
        str(label): ([c.value for c in cells], total.value)
        for label, cells, total in response.context["measures"]
    }


# The figures.


def test_the_figures_are_those_counted_by_hand(dara, siem_reap, records) -> None:
    response = client_for(dara).get(page_url(siem_reap))
    assert response.status_code == 200
    rows = months(response)
    assert list(rows)[:12] == [
        "2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12",
        "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06",
    ]  # fmt: skip
    # screened, proposed, filed, granted, refused
    assert rows["2025-07"] == (0, 0, 0, 0, 1)  # Bopha's refusal; filed before the months
    assert rows["2026-02"] == (1, 1, 1, 0, 0)  # Sophea
    assert rows["2026-03"] == (0, 0, 0, 0, 1)
    assert rows["2026-04"] == (1, 3, 1, 0, 0)  # Kanha, screened twice: one woman, 3 measures
    assert rows["2026-05"] == (1, 0, 1, 1, 0)  # Nary
    for month in ("2025-08", "2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-06"):
        assert rows[month] == (0, 0, 0, 0, 0)
    assert rows["total"] == (3, 4, 3, 1, 2)
    by_measure = measures(response)
    assert by_measure["Release under judicial supervision"] == (
        [0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 0, 0],
        3,
    )
    assert by_measure["Referral to community drug treatment"][1] == 1
    assert by_measure["Pardon request"] == ([0] * 12, 0)


def test_a_monitor_counts_every_woman_held_there(monitor, siem_reap, sophea, records) -> None:
    """A facility monitor opens no file, but the page is counts only: she counts every woman
    held or last held in her facilities, whatever her organisation (the other NGO's woman
    too), and the page names none of them and links to no file."""
    response = client_for(monitor).get(page_url(siem_reap))
    assert response.status_code == 200
    rows = months(response)
    assert rows["2026-04"] == (2, 4, 2, 0, 0)
    assert rows["total"] == (4, 5, 4, 1, 2)
    html = response.content.decode()
    for mother in [sophea, *records.values()]:
        assert mother.name_latin not in html
        assert mother.name_km not in html
        assert str(mother.code) not in html
    assert reverse("tasks:my_work") not in html  # she has no "My work" (a 403 to her)
    entry = AuditEntry.objects.filter(actor=monitor).latest("pk")
    assert entry.object_code == f"legal:facility:{siem_reap.pk}"
    assert entry.fields == ["shown=5"]  # Sophea, Kanha, Nary, Bopha, Rany


def test_a_monitor_stops_counting_a_woman_moved_to_another_prison(
    monitor, sokha, siem_reap, battambang, records
) -> None:
    """Her facilities' women are those held or last held there, as for the prison department's
    staff: Kanha, moved to Battambang, leaves the Siem Reap monitor's figures."""
    from komar.cases.actions import do_transfer_mother

    do_transfer_mother(
        records["kanha"], to_facility=battambang, on=dt.date(2026, 6, 1), actor=sokha
    )
    rows = months(client_for(monitor).get(page_url(siem_reap)))
    assert rows["2026-04"] == (1, 1, 1, 0, 0)  # Rany alone


def test_a_supervisor_of_another_organisation_counts_only_her_own(
    other_ngo, siem_reap, records
) -> None:
    supervisor = make_user("rith", other_ngo, Role.SUPERVISOR, [siem_reap])
    response = client_for(supervisor).get(page_url(siem_reap))
    rows = months(response)
    assert rows["total"] == (1, 1, 1, 0, 0)  # Rany alone
    assert rows["2026-04"] == (1, 1, 1, 0, 0)
    assert "Only the women whose files you can see are counted" in response.content.decode()


def test_the_page_names_nobody(dara, siem_reap, sophea, records) -> None:
    html = client_for(dara).get(page_url(siem_reap)).content.decode()
    for mother in [sophea, *records.values()]:
        assert mother.name_latin not in html
        assert mother.name_km not in html
        assert str(mother.code) not in html


def test_small_counts_are_shown_and_marked(dara, sokha, siem_reap, records) -> None:
    for i in range(5):
        mother = held(sokha, siem_reap, f"Sok Woman{'x' * i}", dt.date(2026, 5, 1))
        screen(mother, sokha, dt.date(2026, 6, 2 + i))
    response = client_for(dara).get(page_url(siem_reap))
    cells = dict(response.context["months"])
    june = cells[dt.date(2026, 6, 1)]
    assert (june[0].value, june[0].small) == (5, False)
    may = cells[dt.date(2026, 5, 1)]
    assert (may[0].value, may[0].small) == (1, True)
    assert (may[1].value, may[1].small) == (0, False)  # nothing is not a small number
    html = response.content.decode()
    assert '<td aria-describedby="small-meaning">1<span aria-hidden="true">*</span></td>' in html
    assert "<td>5</td>" in html
    assert '<span id="small-meaning">* Fewer than 5: a small number.</span>' in html


# The chart.


def chart(html: str) -> ET.Element:
    start = html.index("<svg", html.index('id="chart"'))
    end = html.index("</svg>", start) + len("</svg>")
    return ET.fromstring(html[start:end])  # noqa: S314 (our own page)


def test_the_chart_is_an_accessible_svg_with_a_bar_for_each_count(dara, siem_reap, records) -> None:
    html = client_for(dara).get(page_url(siem_reap)).content.decode()
    svg = chart(html)
    assert svg.get("role") == "img"
    title = svg.find(f"{SVG}title")
    desc = svg.find(f"{SVG}desc")
    assert title is not None and "Women screened" in (title.text or "")
    assert desc is not None and "table" in (desc.text or "")
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    bars = svg.findall(f"{SVG}rect")
    # Screened: Feb, Apr, May; filed: Feb, Apr, May; granted: May; refused: Jul, Mar.
    assert len(bars) == 9
    colours = {s.key: s.colour for s in work_views.SERIES}
    assert sorted(b.get("fill", "") for b in bars) == sorted(
        [colours["screened"]] * 3 + [colours["filed"]] * 3 + [colours["granted"]]
        + [colours["refused"]] * 2
    )  # fmt: skip
    full = work_views.CHART_WIDTH - work_views.LABEL_WIDTH - work_views.RIGHT_MARGIN
    assert {float(b.get("width", 0)) for b in bars} == {float(full)}  # every count is 1 of 1
    titles = [b.find(f"{SVG}title") for b in bars]
    assert any(t is not None and t.text == "May 2026 · Granted: 1" for t in titles)
    assert "<script" not in html


def test_the_bars_are_as_long_as_their_counts(dara, sokha, siem_reap, records) -> None:
    for i in range(5):
        mother = held(sokha, siem_reap, f"Sok Woman{'x' * i}", dt.date(2026, 5, 1))
        screen(mother, sokha, dt.date(2026, 6, 2 + i))
    svg = chart(client_for(dara).get(page_url(siem_reap)).content.decode())
    widths = sorted(float(b.get("width", 0)) for b in svg.findall(f"{SVG}rect"))
    full = work_views.CHART_WIDTH - work_views.LABEL_WIDTH - work_views.RIGHT_MARGIN
    assert widths[-1] == full  # June: 5 screened, the axis's end
    assert widths[0] == round(full / 5, 1)
    ticks = [t.text for t in svg.findall(f"{SVG}text") if t.get("text-anchor") == "middle"]
    assert ticks == ["0", "1", "2", "3", "4", "5"]


def test_a_year_without_legal_work_has_no_chart(dara, siem_reap) -> None:
    html = client_for(dara).get(page_url(siem_reap)).content.decode()
    assert "No screening and no application in these twelve months." in html
    assert "<svg" not in html[html.index('id="chart"') : html.index('id="by-month"')]


@pytest.mark.parametrize(
    ("largest", "top", "step"),
    [(0, 1, 1), (1, 1, 1), (5, 5, 1), (6, 6, 2), (7, 8, 2), (23, 25, 5), (120, 150, 50)],
)
def test_the_value_axis_ends_on_a_round_tick(largest, top, step) -> None:
    assert work_views.nice_top(largest) == (top, step)


# Access, the audit, the query count.


def test_opening_the_page_is_audited_as_a_list_view(dara, siem_reap, records) -> None:
    client_for(dara).get(page_url(siem_reap))
    entry = AuditEntry.objects.filter(actor=dara).latest("pk")
    assert (entry.action, entry.object_type) == ("view", "list")
    assert entry.object_code == f"legal:facility:{siem_reap.pk}"
    assert entry.mother_id is None
    assert entry.fields == ["shown=4"]  # Sophea, Kanha, Nary, Bopha


def test_the_page_reads_in_a_fixed_number_of_queries(
    dara, sokha, siem_reap, records, django_assert_max_num_queries
) -> None:
    client = client_for(dara)
    with django_assert_max_num_queries(12) as before:
        assert client.get(page_url(siem_reap)).status_code == 200
    for i in range(4):
        mother = held(sokha, siem_reap, f"Sok Woman{'x' * i}", dt.date(2026, 5, 1))
        screen(mother, sokha, dt.date(2026, 6, 2 + i), [JS])
        application(mother, sokha, dt.date(2026, 6, 10))
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(page_url(siem_reap)).status_code == 200


def test_it_reads_in_khmer(dara, siem_reap, records) -> None:
    dara.language = "km"
    dara.save(update_fields=["language"])
    response = client_for(dara).get(page_url(siem_reap))
    assert response.status_code == 200
    assert '<html lang="km">' in response.content.decode()


class TestAccess:
    def test_anonymous_is_sent_to_login(self, client, siem_reap) -> None:
        assert client.get(page_url(siem_reap)).status_code == 302
        assert client.get(reverse("legal:facility_choice")).status_code == 302

    def test_a_researcher_is_refused(self, researcher, siem_reap) -> None:
        assert client_for(researcher).get(page_url(siem_reap)).status_code == 403

    @pytest.mark.parametrize("who", ["sokha", "vicheka", "outsider"])
    def test_social_workers_and_legal_officers_are_refused(self, who, request, siem_reap) -> None:
        user = request.getfixturevalue(who)
        assert client_for(user).get(page_url(siem_reap)).status_code == 403
        assert client_for(user).get(reverse("legal:facility_choice")).status_code == 403

    def test_a_facility_she_does_not_work_in_is_404(
        self, other_ngo, monitor, battambang, siem_reap
    ):
        supervisor = make_user("rith", other_ngo, Role.SUPERVISOR, [battambang])
        assert client_for(supervisor).get(page_url(siem_reap)).status_code == 404
        assert client_for(supervisor).get(page_url(battambang)).status_code == 200
        assert client_for(monitor).get(page_url(battambang)).status_code == 404

    def test_an_unknown_facility_is_404(self, dara) -> None:
        url = reverse("legal:facility_page", args=[uuid.uuid4()])
        assert client_for(dara).get(url).status_code == 404

    def test_wrong_method(self, dara, siem_reap) -> None:
        assert client_for(dara).post(page_url(siem_reap)).status_code == 405
        assert client_for(dara).post(reverse("legal:facility_choice")).status_code == 405

    def test_supervisors_monitors_and_administrators_read_it(
        self, dara, monitor, admin_user, siem_reap, sokha
    ) -> None:
        for user in (dara, monitor, admin_user):  # the NGO works in Siem Reap (sokha's)
            assert client_for(user).get(page_url(siem_reap)).status_code == 200

    def test_the_choice_goes_straight_to_her_only_facility(self, dara, siem_reap) -> None:
        response = client_for(dara).get(reverse("legal:facility_choice"))
        assert response.status_code == 302
        assert response.url == page_url(siem_reap)

    def test_the_choice_lists_her_facilities(self, monitor, siem_reap, battambang) -> None:
        monitor.facilities.add(battambang)
        html = client_for(monitor).get(reverse("legal:facility_choice")).content.decode()
        assert page_url(siem_reap) in html and page_url(battambang) in html
        page = client_for(monitor).get(page_url(siem_reap)).content.decode()
        assert page_url(battambang) in page  # the other facility, one click away
