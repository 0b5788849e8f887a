"""The transitions lists on "My work": what each role has to do, in her scope only, in a fixed
number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from komar.accounts.models import User
from komar.cases.actions import do_change_episode
from komar.cases.models import Finding
from komar.conftest import client_for
from komar.lib.urls import link
from komar.transitions import actions, work
from komar.transitions.rules import PLAN_NEEDED
from komar.transitions.tests.factories import (
    FAR_BORN,
    NEAR_BORN,
    NOON_IN_PHNOM_PENH,
    TODAY,
    URGENT_BORN,
    add_carer,
    approved_carer,
    approved_plan,
    assess,
    woman,
    written_plan,
)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(NOON_IN_PHNOM_PENH, tick=False)


def lists(user, today=TODAY):
    return {w.key: w for w in work.my_work(user, today, 20)}


def test_a_child_near_the_limit_is_a_plan_to_prepare(sokha, dara, siem_reap) -> None:
    _mother, near = woman(sokha, siem_reap, born=URGENT_BORN)
    woman(sokha, siem_reap, born=FAR_BORN, name_latin="Far", name_km="ឆ្ងាយ")
    rows = lists(sokha)["transition-plans"].rows
    assert [r.text for r in rows] == ["Sok Vichet: plan where she will live"]
    assert rows[0].on == dt.date(2026, 8, 1) and rows[0].urgent
    # A submitted plan takes her off the list (she is then on the supervisor's).
    mother = near.mother
    actions.do_submit_plan(
        written_plan(near, sokha, approved_carer(mother, sokha, dara, near)),
        actor=sokha,
    )
    assert lists(sokha)["transition-plans"].rows == []


def test_a_plan_begun_is_listed_from_the_day_she_needs_one(sokha, siem_reap) -> None:
    _mother, near = woman(sokha, siem_reap, born=NEAR_BORN)
    _other, far = woman(sokha, siem_reap, born=FAR_BORN, name_latin="Far", name_km="ឆ្ងាយ")
    _third, flagged = woman(sokha, siem_reap, born=URGENT_BORN, name_latin="Urgent", name_km="ក")
    for child in (near, far):
        actions.do_start_plan(child, actor=sokha, today=TODAY)
    # The eldest first: the flagged child with no plan, then the plan begun; the far child's
    # plan only from 19 July 2027, 180 days before her limit.
    plans = link("transitions:plan_open", flagged.code), link("transitions:plan_open", near.code)
    assert [r.url for r in lists(sokha)["transition-plans"].rows] == list(plans)
    later = [r.url for r in lists(sokha, dt.date(2027, 7, 19))["transition-plans"].rows]
    assert later == [*plans, link("transitions:plan_open", far.code)]
    assert len(lists(sokha, dt.date(2027, 7, 18))["transition-plans"].rows) == 2


def test_the_supervisor_sees_plans_and_carers_to_approve(sokha, dara, siem_reap) -> None:
    mother, child = woman(sokha, siem_reap)
    carer = add_carer(mother, sokha, [child])
    assess(carer, sokha)
    found = lists(dara)
    assert [r.text for r in found["carer-approve"].rows] == ["Yim Sam (grandmother)"]
    assert "carer-approve" not in lists(sokha)
    plan = actions.do_submit_plan(
        written_plan(child, sokha, approved_carer(mother, sokha, dara, child)), actor=sokha
    )
    rows = lists(dara)["transition-approve"].rows
    assert [r.url for r in rows] == [plan.get_absolute_url()]


def test_visits_due_and_plans_to_review(sokha, dara, siem_reap, time_machine) -> None:
    mother, child = woman(sokha, siem_reap)
    approved_plan(child, sokha, dara, approved_carer(mother, sokha, dara, child))
    separation = actions.do_record_separation(child, separated_on=TODAY, actor=sokha)
    # Due on 29 June: shown from 15 June (14 days ahead), overdue from 30 June.
    rows = lists(sokha)["followup-visits"].rows
    assert [r.on for r in rows] == [dt.date(2026, 6, 29)] and not rows[0].urgent
    assert lists(sokha, dt.date(2026, 6, 30))["followup-visits"].rows[0].urgent
    assert separation.visits.count() == 1
    mother2, child2 = woman(sokha, siem_reap, born=FAR_BORN, name_latin="B", name_km="ខ")
    approved_plan(
        child2,
        sokha,
        dara,
        approved_carer(mother2, sokha, dara, child2),
        review_on=dt.date(2026, 6, 20),
    )
    assert [r.on for r in lists(sokha)["transition-review"].rows] == [dt.date(2026, 6, 20)]


def test_an_institution_is_escalated_to_the_supervisor(sokha, dara, siem_reap) -> None:
    _mother, child = woman(sokha, siem_reap)
    actions.do_record_separation(
        child,
        separated_on=TODAY,
        override_reason="Emergency.",
        kind="institution",
        carer_name="Centre",
        actor=dara,
    )
    assert [r.url for r in lists(dara)["in-institutions"].rows] == [child.get_absolute_url()]
    assert "in-institutions" not in lists(sokha)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_the_institutions_are_read_from_their_placements_not_from_every_placement(
    sokha, dara, siem_reap
) -> None:
    woman(sokha, siem_reap)
    with CaptureQueriesContext(connection) as queries:
        work.in_institutions(dara, 20)
    (sql,) = [q["sql"] for q in queries.captured_queries if '"cases_placement"' in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        steps = [str(row[-1]) for row in cursor.fetchall()]
    assert any("placement_institution_idx" in step for step in steps), steps
    assert "SCAN cases_placement" not in steps, steps  # the table itself, every row


def test_an_outsider_sees_none_of_them(sokha, outsider, siem_reap) -> None:
    woman(sokha, siem_reap, born=URGENT_BORN)
    assert all(not w.rows for w in work.my_work(outsider, TODAY, 20))


def test_the_lists_take_the_same_number_of_queries(sokha, dara, siem_reap) -> None:
    def count() -> int:
        users = [User.objects.get(pk=u.pk) for u in (sokha, dara)]  # as fresh as a request
        with CaptureQueriesContext(connection) as queries:
            for user in users:
                work.my_work(user, TODAY, 20)
        return len(queries.captured_queries)

    _mother, _child = woman(sokha, siem_reap, born=URGENT_BORN)
    few = count()
    for i in range(3):
        m, c = woman(sokha, siem_reap, born=URGENT_BORN, name_latin=f"W{i}", name_km="ក")
        assess(add_carer(m, sokha, [c]), sokha)
        actions.do_start_plan(c, actor=sokha, today=TODAY)
    assert count() == few


def test_my_work_shows_the_lists(sokha, siem_reap) -> None:
    from django.urls import reverse

    woman(sokha, siem_reap, born=URGENT_BORN)
    html = client_for(sokha).get(reverse("tasks:my_work")).content.decode()
    assert 'id="work-transition-plans"' in html and "Sok Vichet" in html
    assert '<time datetime="2026-08-01">1 Aug 2026</time>' in html  # her stay limit


def test_a_plan_begun_or_returned_stays_on_the_list_the_eldest_first(
    sokha, dara, siem_reap
) -> None:
    # Three children near the limit: no plan begun (the stored flag), a draft, a plan returned.
    _m, flagged = woman(sokha, siem_reap, born=NEAR_BORN, name_latin="Flagged", name_km="ក")
    _m, drafted = woman(sokha, siem_reap, born=URGENT_BORN, name_latin="Drafted", name_km="ខ")
    m3, returned = woman(
        sokha, siem_reap, born=dt.date(2023, 9, 1), name_latin="Returned", name_km="គ"
    )

    def children(rows):
        return [r.url for r in rows]

    def urls(*kids):
        return [link("transitions:plan_open", kid.code) for kid in kids]

    actions.do_start_plan(drafted, actor=sokha, today=TODAY)
    plan = actions.do_submit_plan(
        written_plan(returned, sokha, approved_carer(m3, sokha, dara, returned)), actor=sokha
    )
    actions.do_decide_plan(plan, approve=False, comments="Say who visits.", actor=dara)
    rows = lists(sokha)["transition-plans"].rows
    assert children(rows) == urls(drafted, returned, flagged)
    assert Finding.objects.filter(
        rule_code=PLAN_NEEDED, child=flagged, resolved_at__isnull=True
    ).exists()
    # The first rows only, and whether there are more.
    first_two = work.plans_to_prepare(sokha, TODAY, 2)
    assert children(first_two.rows) == urls(drafted, returned)
    assert first_two.more
    assert not work.plans_to_prepare(sokha, TODAY, 3).more


def test_a_child_whose_mother_leaves_soon_needs_a_plan_too(sokha, siem_reap) -> None:
    mother, _child = woman(sokha, siem_reap, born=FAR_BORN)
    assert lists(sokha)["transition-plans"].rows == []  # her stay limit is over a year away
    episode = mother.latest_episode
    do_change_episode(
        episode,
        {"expected_release_date": TODAY + dt.timedelta(days=20)},
        expected_version=episode.version,
        actor=sokha,
    )
    assert [r.text for r in lists(sokha)["transition-plans"].rows] == [
        "Sok Vichet: plan where she will live"
    ]


def test_a_child_is_listed_once_even_when_her_stored_flag_lags_behind(sokha, siem_reap) -> None:
    # Her flag edited outside the actions (reopened, with another birth date) while her plan is
    # begun: she is in both sources, listed once.
    _m, child = woman(sokha, siem_reap, born=URGENT_BORN)
    woman(sokha, siem_reap, born=NEAR_BORN, name_latin="Next", name_km="ក")
    actions.do_start_plan(child, actor=sokha, today=TODAY)
    Finding.objects.filter(rule_code=PLAN_NEEDED, child=child).update(
        resolved_at=None, resolution="", born_on=URGENT_BORN - dt.timedelta(days=3)
    )
    found = work.plans_to_prepare(sokha, TODAY, 1)
    assert [r.url for r in found.rows] == [link("transitions:plan_open", child.code)]
    assert found.more  # the next child is not crowded out by her second key
    assert len(work.plans_to_prepare(sokha, TODAY, 20).rows) == 2
