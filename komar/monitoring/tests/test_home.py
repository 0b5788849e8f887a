"""The monitor's home and a facility's page (counts, charts, no names), the minimal view of a
child (audited), and the lists on "My work"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from komar.audit.models import AuditEntry
from komar.cases import findings
from komar.conftest import child_inside, client_for, register
from komar.lib.work import lists_for
from komar.monitoring import actions
from komar.monitoring.tests.helpers import LAST_MONTH, NOW, TODAY, checklist, snapshot, take


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(NOW, tick=False)


def _complete_last_month(siem_reap, monitor):
    draft = snapshot(siem_reap, monitor)
    return actions.do_change_snapshot(draft, {}, expected_version=1, complete=True, actor=monitor)


def test_the_home_shows_her_facilities_snapshots_checklists_and_health(
    monitor, siem_reap, sophea
) -> None:
    _complete_last_month(siem_reap, monitor)
    started = checklist(siem_reap, monitor)
    actions.do_change_checklist(started, {}, expected_version=1, complete=True, actor=monitor)
    response = client_for(monitor).get("/monitoring/")
    assert response.status_code == 200
    (row,) = response.context["rows"]
    assert row["overview"].facility == siem_reap
    assert row["last_month"].women == 1 and row["overview"].children_inside == 1
    assert row["health"].children_inside == 1
    page = response.content.decode()
    assert "Srey Sophea" not in page and "Sok Vichet" not in page
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in page
    chart = response.context["children_chart"]
    assert [c.value for g in chart.groups for c in g.columns] == [1, 1]  # February only


def test_the_home_reads_a_fixed_number_of_queries(monitor, sokha, siem_reap, cc2, sophea) -> None:
    _complete_last_month(siem_reap, monitor)
    checklist(siem_reap, monitor)
    client = client_for(monitor)
    counts = []
    for n in range(2):
        client.get("/monitoring/")
        with CaptureQueriesContext(connection) as home:
            client.get("/monitoring/")
        with CaptureQueriesContext(connection) as facility:
            client.get(f"/monitoring/facilities/{siem_reap.code}/")
        counts.append((len(home), len(facility)))
        for i in range(3):
            register(sokha, siem_reap, name_latin=f"W{n}{i}", children=[child_inside()])
        monitor.facilities.add(cc2)
        snapshot(cc2 if n == 0 else siem_reap, monitor, dt.date(2025, 12 - n, 1))
        checklist(siem_reap, monitor, dt.date(2025, 10 - 3 * n, 1))
    assert counts[0] == counts[1], [q["sql"][:80] for q in home.captured_queries]


def test_the_facility_page_lists_children_with_a_flag_by_case_number_only(
    monitor, sokha, siem_reap
) -> None:
    woman = register(
        sokha,
        siem_reap,
        name_latin="Keo Nary",
        children=[child_inside(born=dt.date(2023, 4, 1), name_latin="Keo Mony")],
    )
    findings.refresh_for(woman)
    child = woman.children.get()
    page = client_for(monitor).get(f"/monitoring/facilities/{siem_reap.code}/")
    text = page.content.decode()
    assert f"Child of case {woman.case_number}" in text
    assert "Keo" not in text
    assert "Within 90 days of the stay limit" in text or "stay limit" in text.lower()
    assert f"/monitoring/children/{child.code}/" in text
    entry = AuditEntry.objects.filter(object_type="list").latest("at")
    assert entry.object_code == f"monitoring:facility:{siem_reap.pk}"


def test_the_minimal_view_shows_case_number_age_facility_flags_and_is_audited(
    monitor, sokha, siem_reap
) -> None:
    woman = register(
        sokha,
        siem_reap,
        name_latin="Keo Nary",
        children=[child_inside(born=dt.date(2023, 4, 1), name_latin="Keo Mony")],
    )
    findings.refresh_for(woman)
    child = woman.children.get()
    response = client_for(monitor).get(f"/monitoring/children/{child.code}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert woman.case_number in text
    assert "35 months" in text  # born 1 April 2023, on 20 March 2026
    assert str(siem_reap) in text
    assert "near_limit" in {f.rule_code for f, _r in response.context["flags"]}
    for private in (
        "Keo",
        "Nary",
        "Mony",
        "2023",
        woman.get_absolute_url(),
        child.get_absolute_url(),
    ):
        assert private not in text, private
    entry = AuditEntry.objects.get(object_code=str(child.code), action="view")
    assert (entry.action, entry.actor, entry.mother) == ("view", monitor, woman)


def test_a_child_who_left_the_facility_is_no_longer_in_the_minimal_view(
    monitor, outsider, sophea, battambang
) -> None:
    outside = sophea.children.get(name_latin="Sok Dara")  # with her grandmother
    assert client_for(monitor).get(f"/monitoring/children/{outside.code}/").status_code == 404
    inside = sophea.children.get(name_latin="Sok Vichet")
    assert client_for(outsider).get(f"/monitoring/children/{inside.code}/").status_code == 404


def test_my_work_lists_todays_register_until_it_is_taken(sokha, siem_reap, sophea) -> None:
    child = sophea.children.get(name_latin="Sok Vichet")
    (work,) = [w for w in lists_for(sokha, TODAY, 10) if w.key == "attendance"]
    (row,) = work.rows
    assert row.url == f"/monitoring/register/{siem_reap.code}/"
    take(siem_reap, sokha, {child: "1"}, [child])
    assert not [w for w in lists_for(sokha, TODAY, 10) if w.key == "attendance"]


def test_my_work_lists_last_months_snapshot_until_it_is_completed(monitor, siem_reap) -> None:
    def rows():
        (work,) = [w for w in lists_for(monitor, TODAY, 10) if w.key == "snapshots"]
        return work.rows

    (row,) = rows()
    assert row.urgent and row.note == "not started"
    assert row.url == f"/monitoring/snapshots/{siem_reap.code}/2026/2/"
    draft = snapshot(siem_reap, monitor, LAST_MONTH)
    (row,) = rows()
    assert not row.urgent and row.note == "draft started"
    actions.do_change_snapshot(draft, {}, expected_version=1, complete=True, actor=monitor)
    assert rows() == []
    page = client_for(monitor).get("/monitoring/").content.decode()
    assert "Every snapshot of last month is completed." in page


def test_a_child_without_an_open_flag_is_not_listed(
    monitor, sophea, siem_reap, time_machine, settings
) -> None:
    from django.utils import timezone

    from komar.cases.models import Finding

    findings.refresh_for(sophea)
    child = sophea.children.get(name_latin="Sok Vichet")
    assert Finding.objects.filter(child=child, resolved_at__isnull=True).exists()
    page = client_for(monitor).get(f"/monitoring/facilities/{siem_reap.code}/")
    assert [r.child for r, _rules in page.context["followed"]] == [child]
    Finding.objects.filter(child=child).update(resolved_at=timezone.now())
    page = client_for(monitor).get(f"/monitoring/facilities/{siem_reap.code}/")
    assert page.context["followed"] == []  # the list is read as it is
    # The counts, as counted within the last few minutes, then again.
    assert page.context["overview"].flagged_children == 1
    settings.KOMAR_FIGURES_RECENT_MINUTES = 10
    time_machine.move_to(NOW + dt.timedelta(minutes=11), tick=False)
    page = client_for(monitor).get(f"/monitoring/facilities/{siem_reap.code}/")
    assert page.context["overview"].flagged_children == 0
    assert page.context["overview"].children_inside == 1


def test_my_work_page_shows_the_register_list_and_the_home_every_snapshot_due(
    sokha, monitor, siem_reap, cc2, sophea
) -> None:
    page = client_for(sokha).get("/work/").content.decode()
    assert 'id="work-attendance"' in page
    assert f"/monitoring/register/{siem_reap.code}/" in page
    monitor.facilities.add(cc2)
    home = client_for(monitor).get("/monitoring/").content.decode()
    assert home.count("Complete the snapshot of February 2026") == 2


def test_a_facility_page_lists_the_most_urgent_children_and_says_how_many_more(
    monitor, sophea, siem_reap, monkeypatch
) -> None:
    from komar.monitoring import home_views

    findings.refresh_for(sophea)
    monkeypatch.setattr(home_views, "FOLLOWED_SHOWN", 0)
    page = client_for(monitor).get(f"/monitoring/facilities/{siem_reap.code}/")
    assert page.context["followed"] == []
    assert page.context["followed_total"] == 1
    assert "The 0 most urgent of 1 children with a flag are shown." in page.content.decode()


def test_the_health_of_past_months_is_read_from_the_stored_figures(monitor, siem_reap, sophea):
    from komar.facilities.models import FacilityFigures
    from komar.monitoring import health_figures
    from komar.monitoring.home_views import _month_ends

    client = client_for(monitor)
    first = client.get("/monitoring/")
    stored = FacilityFigures.objects.filter(kind=health_figures.KIND, facility=siem_reap)
    # Every month end is stored, today's too (for a few minutes: see the next test).
    assert sorted(stored.values_list("on", flat=True)) == _month_ends(TODAY, 6)
    with CaptureQueriesContext(connection) as again:
        second = client.get("/monitoring/")
    assert second.context["health_rows"] == first.context["health_rows"]
    assert not any("health_measurement" in q["sql"] for q in again.captured_queries)


def test_todays_health_is_counted_once_for_some_minutes_and_the_page_says_when(
    monitor, sokha, siem_reap, sophea, time_machine, settings
):
    settings.KOMAR_FIGURES_RECENT_MINUTES = 10
    first = client_for(monitor).get("/monitoring/")
    assert first.context["health_rows"][-1]["inside"] == 1
    assert "Today's figures were counted at" in first.content.decode()
    register(sokha, siem_reap, name_latin="Chan Dara", children=[child_inside()])
    # Within the ten minutes, the page shows what was counted, and says when.
    time_machine.move_to(NOW + dt.timedelta(minutes=9), tick=False)
    soon = client_for(monitor).get("/monitoring/")
    assert soon.context["health_rows"][-1]["inside"] == 1
    assert soon.context["health_counted_at"] == NOW
    # After them, counted again (the stored row updated, not a second one).
    time_machine.move_to(NOW + dt.timedelta(minutes=11), tick=False)
    later = client_for(monitor).get("/monitoring/")
    assert later.context["health_rows"][-1]["inside"] == 2
    assert later.context["health_counted_at"] == NOW + dt.timedelta(minutes=11)
    facility_page = client_for(monitor).get(f"/monitoring/facilities/{siem_reap.code}/")
    assert facility_page.context["health_rows"][-1]["inside"] == 2


def test_with_no_minutes_todays_health_is_counted_on_every_request(
    monitor, sokha, siem_reap, sophea, settings
):
    settings.KOMAR_FIGURES_RECENT_MINUTES = 0
    client = client_for(monitor)
    assert client.get("/monitoring/").context["health_rows"][-1]["inside"] == 1
    register(sokha, siem_reap, name_latin="Chan Dara", children=[child_inside()])
    again = client.get("/monitoring/")
    assert again.context["health_rows"][-1]["inside"] == 2
    assert "Today's figures were counted at" not in again.content.decode()


def test_the_most_urgent_flag_comes_first_then_the_eldest_child(
    monitor, sokha, sophea, siem_reap, django_assert_max_num_queries
) -> None:
    from komar.cases.models import Finding
    from komar.monitoring.queries import children_to_follow

    other = register(
        sokha, siem_reap, name_latin="Chan Dara", children=[child_inside(dt.date(2025, 6, 1))]
    )
    elder = sophea.children.get(name_latin="Sok Vichet")  # born 2025-01-15
    younger = other.children.get()
    for child, priority, code in ((elder, 1, "warn"), (younger, 0, "danger"), (elder, 0, "x")):
        Finding.objects.create(
            rule_code=code,
            rule_version=1,
            priority=priority,
            mother=child.mother,
            child=child,
            organisation=sokha.organisation,
            facility=siem_reap,
        )
    with django_assert_max_num_queries(3):
        rows, total = children_to_follow(siem_reap, 5)
    # Both have a danger flag: the elder first; each child's flags the most urgent first.
    assert [r.child for r in rows] == [elder, younger]
    for row in rows:
        assert [f.priority for f in row.findings] == sorted(f.priority for f in row.findings)
    assert {"x", "warn"} <= {f.rule_code for f in rows[0].findings}
    assert total == 2
    # Without her danger flag, the elder comes after the younger one's.
    Finding.objects.filter(child=elder, priority=0).delete()
    rows, total = children_to_follow(siem_reap, 1)
    assert [r.child for r in rows] == [younger] and total == 2
