"""The public indicators (for the monitoring app), the lists on "My work", the sections of the
child's page and of the woman's file, and the timeline: real values, fixed query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from komar.cases.actions import do_move_child, do_record_consent
from komar.cases.sections import ChildPage, WomanFile
from komar.conftest import child_inside, client_for, register
from komar.health import sections
from komar.health.queries import HealthIndicators, indicators
from komar.health.tests.helpers import check, give, inside, measure
from komar.health.work import my_work

TODAY = dt.date(2026, 3, 20)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def vichet(sophea):
    return inside(sophea)


def test_indicators_per_facility(sokha, siem_reap, battambang, vichet) -> None:
    # Vichet: measured 1 March, 7.0 kg at 13.5 months (WHO boys 13 months -3 SD 7.1 kg):
    # below -2 and -3. No immunisation: 14 doses overdue (see test_rules).
    measure(vichet, sokha, dt.date(2026, 3, 1), weight_kg=7.0)
    # A second child inside at Siem Reap, born 1 December 2025 (109 days old today), measured
    # 100 days ago, her birth doses given. bOPV, Penta and PCV 1 (42 days) are overdue from day
    # 71, the second doses (70 days) from day 99; the third (98 days) only from day 127: 6.
    other = register(
        sokha, siem_reap, children=[child_inside(born=dt.date(2025, 12, 1), sex="female")]
    )
    baby = inside(other)
    measure(baby, sokha, dt.date(2025, 12, 10), weight_kg=3.6)
    give(baby, sokha, "bcg", 1, dt.date(2025, 12, 2))
    give(baby, sokha, "hepb", 1, dt.date(2025, 12, 2))
    with CaptureQueriesContext(connection) as queries:
        found = indicators([siem_reap.pk, battambang.pk], TODAY)
    assert len(queries.captured_queries) == 4
    assert found[battambang.pk] == HealthIndicators()
    assert found[siem_reap.pk] == HealthIndicators(
        children_inside=2,
        measured_3m=1,  # the baby's measurement (10 December) is 100 days old
        below_2sd=1,
        below_3sd=1,
        immunisations_overdue=2,
        immunisation_doses_overdue=14 + 6,
    )


def test_indicators_read_measurements_on_or_before_the_date(sokha, siem_reap, vichet) -> None:
    measure(vichet, sokha, dt.date(2026, 3, 1), weight_kg=7.0)
    before = indicators([siem_reap.pk], dt.date(2026, 2, 28))[siem_reap.pk]
    assert (before.measured_3m, before.below_2sd) == (0, 0)


def test_my_work_lists_children_to_measure_and_checks_to_record(sokha, dara, vichet) -> None:
    lists = {w.key: w for w in my_work(sokha, TODAY, 20)}
    measure_rows = lists["health-measure"].rows
    assert [r.url for r in measure_rows] == [reverse("health:measurement_new", args=[vichet.code])]
    assert str(measure_rows[0].note) == "never measured" and measure_rows[0].urgent
    check_rows = lists["health-check"].rows
    # Inside since 10 January: due by 24 January, overdue now.
    assert check_rows[0].on == dt.date(2026, 1, 24) and check_rows[0].urgent
    measure(vichet, sokha, dt.date(2026, 3, 1), weight_kg=10.0)
    check(vichet, sokha, dt.date(2026, 1, 12))
    lists = {w.key: w for w in my_work(sokha, TODAY, 20)}
    assert lists["health-measure"].rows == [] and lists["health-check"].rows == []
    # Measured 1 March: due again by 1 June; listed from a week before (25 May).
    lists = {w.key: w for w in my_work(sokha, dt.date(2026, 5, 25), 20)}
    assert lists["health-measure"].rows[0].on == dt.date(2026, 6, 1)


@pytest.mark.usefixtures("allow_unplanned_moves")
def test_a_child_checked_before_her_current_placement_is_listed_again(sokha, vichet) -> None:
    check(vichet, sokha, dt.date(2026, 1, 12))
    assert {w.key: w for w in my_work(sokha, TODAY, 20)}["health-check"].rows == []
    # She lives with her grandmother for a month, then comes back inside on 1 March: the check
    # of 12 January was before her current placement.
    do_move_child(
        vichet,
        {"kind": "relative", "carer_name": "Yim Sam", "start_date": dt.date(2026, 2, 1)},
        actor=sokha,
    )
    do_move_child(vichet, {"kind": "with_mother", "start_date": dt.date(2026, 3, 1)}, actor=sokha)
    rows = {w.key: w for w in my_work(sokha, TODAY, 20)}["health-check"].rows
    assert [r.on for r in rows] == [dt.date(2026, 3, 15)]
    # Checked on the day she came back: done.
    check(vichet, sokha, dt.date(2026, 3, 1))
    assert {w.key: w for w in my_work(sokha, TODAY, 20)}["health-check"].rows == []


def test_a_measurement_a_week_before_it_is_due_lists_the_child(sokha, vichet) -> None:
    every = dt.timedelta(days=settings.KOMAR_HEALTH_MEASURE_DAYS)
    # Measured so that she is due exactly a week from today: listed.
    measure(vichet, sokha, TODAY + dt.timedelta(days=7) - every, weight_kg=10.0)
    rows = {w.key: w for w in my_work(sokha, TODAY, 20)}["health-measure"].rows
    assert [r.on for r in rows] == [TODAY + dt.timedelta(days=7)]
    # Measured a day later: due in eight days, not listed yet.
    measure(vichet, sokha, TODAY + dt.timedelta(days=8) - every, weight_kg=10.1)
    lists = {w.key: w for w in my_work(sokha, TODAY, 20)}
    assert lists["health-measure"].rows == []


def test_a_child_in_two_halves_of_her_scope_is_listed_once(
    sokha, prison_worker, prison_department, vichet
) -> None:
    # Sophea is held in the prison worker's facility, and her file is also shared with the
    # prison department: two halves of the prison worker's scope name her.
    do_record_consent(
        vichet.mother,
        {
            "purpose": "sharing",
            "organisation": prison_department,
            "method": "signature",
            "given_on": dt.date(2026, 1, 12),
        },
        actor=sokha,
    )
    lists = {w.key: w for w in my_work(prison_worker, TODAY, 20)}
    assert [r.url for r in lists["health-measure"].rows] == [
        reverse("health:measurement_new", args=[vichet.code])
    ]
    assert len(lists["health-check"].rows) == 1


def test_a_worker_of_another_organisation_and_facility_sees_none_of_them(
    sokha, outsider, battambang, vichet
) -> None:
    lists = {w.key: w for w in my_work(outsider, TODAY, 20)}
    assert lists["health-measure"].rows == [] and lists["health-check"].rows == []
    # Transferred to her facility, Sophea stays out of her scope (prison staff see a facility's
    # women; an NGO worker her organisation's), and in sokha's.
    from komar.cases.actions import do_transfer_mother

    do_transfer_mother(vichet.mother, to_facility=battambang, on=dt.date(2026, 3, 1), actor=sokha)
    assert {w.key: w for w in my_work(outsider, TODAY, 20)}["health-measure"].rows == []
    assert len({w.key: w for w in my_work(sokha, TODAY, 20)}["health-measure"].rows) == 1


def test_my_work_reads_a_fixed_number_of_queries(sokha, siem_reap, vichet) -> None:
    my_work(sokha, TODAY, 20)  # her facilities and organisation, read once
    with CaptureQueriesContext(connection) as few:
        my_work(sokha, TODAY, 20)
    for _ in range(4):
        mother = register(sokha, siem_reap, children=[child_inside()])
        measure(inside(mother), sokha, dt.date(2025, 12, 10), weight_kg=9.0)  # due 12 March
    with CaptureQueriesContext(connection) as many:
        lists = my_work(sokha, TODAY, 20)
    assert len(many.captured_queries) == len(few.captured_queries) <= 3
    assert len(lists[0].rows) == 5
    # Cut in the database: the first three, the most overdue first: the child never measured
    # (due since she came inside, 10 January), then those measured 10 December (due 12 March),
    # and the list says there are more.
    first = my_work(sokha, TODAY, 3)[0]
    assert len(first.rows) == 3 and first.more
    assert [r.on for r in first.rows] == [dt.date(2026, 1, 10)] + [dt.date(2026, 3, 12)] * 2
    assert str(first.rows[0].note) == "never measured" and str(first.rows[1].note) == "overdue"


def test_my_work_is_empty_for_the_monitor_and_the_researcher(monitor, researcher, vichet) -> None:
    assert my_work(monitor, TODAY, 20) == [] and my_work(researcher, TODAY, 20) == []


def test_my_work_shows_the_health_lists(sokha, vichet) -> None:
    page = client_for(sokha).get(reverse("tasks:my_work")).content.decode()
    assert 'id="work-health-measure"' in page and "Children to measure" in page


def child_page(user, child) -> ChildPage:
    return ChildPage(user=user, today=TODAY, child=child)


def test_the_child_section_shows_the_latest_measurement_and_what_is_due(sokha, vichet) -> None:
    measure(vichet, sokha, dt.date(2026, 3, 15), weight_kg=7.8)
    section = sections.PLUGIN.child_sections[0]
    with CaptureQueriesContext(connection) as queries:
        data = section.load(child_page(sokha, vichet))
    assert len(queries.captured_queries) <= 6
    assert [f.code for f in data["findings"]] == ["wfa_moderate"]
    assert len(data["overdue"]) == 14
    assert [m.kind for m in data["late_milestones"]] == [
        "sitting",
        "standing_assisted",
        "crawling",
        "walking_assisted",
    ]
    page = client_for(sokha).get(vichet.get_absolute_url()).content.decode()
    assert "Underweight" in page and "14 immunisations overdue" in page
    assert reverse("health:child", args=[vichet.code]) in page


def test_the_sections_are_not_shown_to_the_monitor(monitor, sokha) -> None:
    assert not sections.PLUGIN.child_sections[0].shown_to(monitor)
    assert not sections.PLUGIN.file_sections[0].shown_to(monitor)
    assert sections.PLUGIN.file_sections[0].shown_to(sokha)


def test_the_file_section_reads_a_fixed_number_of_queries(sokha, sophea, vichet) -> None:
    children = list(sophea.children.select_related("current_placement__facility"))
    section = sections.PLUGIN.file_sections[0]
    with CaptureQueriesContext(connection) as few:
        section.load(WomanFile(user=sokha, today=TODAY, mother=sophea, children=children))
    for day in (1, 2, 3):
        measure(vichet, sokha, dt.date(2026, 3, day), weight_kg=10.0)
    for child in children:
        give(child, sokha, "bcg", 1, child.date_of_birth)
    with CaptureQueriesContext(connection) as many:
        data = section.load(WomanFile(user=sokha, today=TODAY, mother=sophea, children=children))
    assert len(many.captured_queries) == len(few.captured_queries)
    assert [r["child"] for r in data["rows"]] == children


def test_the_timeline_has_illnesses_checks_and_low_measurements(sokha, sophea, vichet) -> None:
    from komar.health import actions

    actions.do_record_health_event(
        vichet,
        {
            "kind": "hospital",
            "started_on": dt.date(2026, 2, 3),
            "place": "Siem Reap hospital",
            "description": "Pneumonia.",
        },
        actor=sokha,
    )
    check(vichet, sokha, dt.date(2026, 1, 12))
    measure(vichet, sokha, dt.date(2026, 3, 15), weight_kg=7.8)
    measure(vichet, sokha, dt.date(2026, 3, 16), weight_kg=10.0)
    children = list(sophea.children.all())
    events = sorted(
        sections.timeline(WomanFile(user=sokha, today=TODAY, mother=sophea, children=children)),
        key=lambda e: e.on,
    )
    assert [(e.on, e.text) for e in events] == [
        (dt.date(2026, 1, 12), "Sok Vichet: health check at admission"),
        (dt.date(2026, 2, 3), "Sok Vichet: Hospital stay, Siem Reap hospital"),
        (dt.date(2026, 3, 15), "Sok Vichet: measured below -2 SD"),
    ]


def test_a_transfer_takes_the_child_off_the_prison_workers_lists(
    sokha, prison_worker, battambang, vichet
) -> None:
    from komar.cases.actions import do_transfer_mother

    assert len({w.key: w for w in my_work(prison_worker, TODAY, 20)}["health-measure"].rows) == 1
    do_transfer_mother(vichet.mother, to_facility=battambang, on=dt.date(2026, 3, 1), actor=sokha)
    lists = {w.key: w for w in my_work(prison_worker, TODAY, 20)}
    assert lists["health-measure"].rows == [] and lists["health-check"].rows == []
