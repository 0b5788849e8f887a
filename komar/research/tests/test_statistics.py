"""The monthly statistics and the supervisor's dashboard against hand-counted tables."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse

from komar.cases.models import Finding
from komar.conftest import client_for
from komar.counselling.actions import do_record_session


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC))


@pytest.fixture
def session(sophea, sokha):
    child = sophea.children.get(name_latin="Sok Vichet")
    return do_record_session(
        sophea,
        {"held_on": dt.date(2026, 2, 2), "stage": "in_custody", "review_on": dt.date(2026, 2, 20)},
        factors=[],
        main_factor=None,
        decisions=[
            {
                "child": child,
                "decision": "with_mother",
                "decided_by": "mother",
                "carer_name": "",
                "notes": "",
            }
        ],
        actor=sokha,
    )


def rows_of(response):
    report = response.context["report"]
    return {str(label): (cells, total) for label, cells, total in report.table}


def test_the_month_by_hand(session, dara, siem_reap):
    # Sophea: held at Siem Reap since 10 January, pre-trial, no lawyer; her son (born
    # 15 January 2025) inside with her, 13 months old on 28 February; her daughter outside.
    response = client_for(dara).get(reverse("research:statistics"), {"month": "2026-02"})
    assert response.status_code == 200
    table = rows_of(response)
    assert [f.pk for f in response.context["report"].facilities] == [siem_reap.pk]
    expected = {
        "Women held": "1",
        "Pregnant women": "0",
        "Children inside": "1",
        "Children inside, 0-11 months": "0",
        "Children inside, 12-23 months": "1",
        "Children inside, 24-35 months": "0",
        "Pre-trial mothers": "1",
        "Mothers without a lawyer": "1",
        "Separations during the month": "0",
        "Counselling sessions during the month": "1",
        "Over the stay limit": "0",
    }
    for label, value in expected.items():
        assert table[label] == ([value], value), label
    trend = response.context["report"].trend
    assert [m.first for m in trend][-3:] == [
        dt.date(2025, 12, 1),
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
    ]
    assert [m.total("women") for m in trend][-3:] == [0, 1, 1]


def test_a_researcher_sees_small_counts_hidden(session, researcher, siem_reap):
    researcher.organisation.facilities.add(siem_reap)
    response = client_for(researcher).get(reverse("research:statistics"), {"month": "2026-02"})
    table = rows_of(response)
    assert table["Women held"] == (["<5"], "<5")
    assert table["Pregnant women"] == (["0"], "0")
    assert "Srey" not in response.content.decode()


def test_the_pdf_and_the_workbook(session, dara, tmp_path):
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    client = client_for(dara)
    pdf = client.get(reverse("research:statistics_pdf"), {"month": "2026-02", "lang": "km"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    book = client.get(reverse("research:statistics_xlsx"), {"month": "2026-02"})
    sheet = load_workbook(io.BytesIO(book.content))["2026-02"]
    values = {row[0]: row[1:] for row in sheet.iter_rows(values_only=True)}
    assert values["Women held"] == (1, 1)


def test_a_month_to_come_or_a_facility_elsewhere_is_404(dara, battambang):
    client = client_for(dara)
    assert client.get(reverse("research:statistics"), {"month": "2026-04"}).status_code == 404
    assert client.get(reverse("research:statistics"), {"month": "garbage"}).status_code == 404
    response = client.get(reverse("research:statistics"), {"facility": str(battambang.code)})
    assert response.status_code == 404


def test_the_dashboard_by_hand(session, dara, sophea, sokha):
    sophea.assigned_worker = sokha
    sophea.save(update_fields=["assigned_worker"])
    response = client_for(dara).get(reverse("research:dashboard"))
    assert response.status_code == 200
    board = response.context["board"]
    open_flags = Finding.objects.filter(mother=sophea, resolved_at__isnull=True)
    assert board.flags == open_flags.count()
    assert {r.code for r in board.rules} == set(open_flags.values_list("rule_code", flat=True))
    # Her counselling review was due on 20 February: overdue on 1 March.
    assert (board.sessions_overdue, board.sessions_soon) == (1, 0)
    assert board.sessions[-2:] == [1, 0]  # February, March
    assert board.women == 1
    assert [(w.name, w.women, w.overdue) for w in board.workers] == [("Sokha", 1, 1)]


def test_the_dashboard_is_for_supervisors(sokha, researcher, admin_user, outsider):
    for user in (sokha, researcher, admin_user, outsider):
        assert client_for(user).get(reverse("research:dashboard")).status_code == 403


def test_the_page_opens_on_the_last_whole_month(session, dara, siem_reap):
    response = client_for(dara).get(reverse("research:statistics"))
    assert response.context["report"].month.first == dt.date(2026, 2, 1)
    html = response.content.decode()
    assert 'value="2026-02" selected' in html
    chosen = client_for(dara).get(
        reverse("research:statistics"), {"month": "2026-01", "facility": str(siem_reap.code)}
    )
    assert rows_of(chosen)["Women held"] == (["1"], "1")
