"""Every branch of the transitions rules, on states built through the actions, for a fixed
today (15 June 2026): the facts are hand-computed."""

from __future__ import annotations

import datetime as dt

import pytest

from komar.cases import actions as registry
from komar.cases.findings import refresh_for
from komar.cases.models import Deadline, Finding
from komar.lib.rules import rule_by_code
from komar.transitions import actions
from komar.transitions.rules import PLAN_BEGUN, PLAN_REVIEW_DUE
from komar.transitions.tests.factories import (
    FAR_BORN,
    NEAR_BORN,
    NOON_IN_PHNOM_PENH,
    TODAY,
    URGENT_BORN,
    add_carer,
    approved_carer,
    approved_plan,
    plan_data,
    woman,
    written_plan,
)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(NOON_IN_PHNOM_PENH, tick=False)


def finding(child, code):
    return Finding.objects.filter(child=child, rule_code=code, resolved_at__isnull=True).first()


def expect_release(mother, on: dt.date, actor) -> None:
    """Her release expected on `on`, through the registry's action (which refreshes her flags)."""
    episode = mother.latest_episode
    registry.do_change_episode(
        episode, {"expected_release_date": on}, expected_version=episode.version, actor=actor
    )


def facts(child, code):
    found = finding(child, code)
    return None if found is None else dict((label, value) for label, value in found.facts)


class TestPlanNeeded:
    def test_it_fires_within_180_days_of_the_limit_with_no_plan(self, sokha, siem_reap) -> None:
        _mother, child = woman(sokha, siem_reap, born=NEAR_BORN)
        assert facts(child, "transition_plan_needed") == {
            "Stay limit": {"date": "2026-10-15"},
            "Days left": {"number": 122},
            "Transition plan": {"msg": "None"},
        }

    @pytest.mark.parametrize(
        ("born", "fires"), [(dt.date(2023, 12, 12), True), (dt.date(2023, 12, 13), False)]
    )
    def test_the_boundary_is_180_days(self, sokha, siem_reap, born, fires) -> None:
        _mother, child = woman(sokha, siem_reap, born=born)
        assert (finding(child, "transition_plan_needed") is not None) is fires

    def test_it_fires_at_once_when_the_release_is_expected_within_90_days(
        self, sokha, siem_reap
    ) -> None:
        mother, child = woman(sokha, siem_reap, born=FAR_BORN)
        assert finding(child, "transition_plan_needed") is None
        expect_release(mother, dt.date(2026, 9, 13), sokha)  # 90 days ahead
        assert facts(child, "transition_plan_needed")["Expected release date"] == {
            "date": "2026-09-13"
        }

    def test_a_release_91_days_ahead_does_not_start_it(self, sokha, siem_reap) -> None:
        mother, child = woman(sokha, siem_reap, born=FAR_BORN)
        expect_release(mother, dt.date(2026, 9, 14), sokha)
        assert finding(child, "transition_plan_needed") is None

    def test_a_draft_plan_resolves_it(self, sokha, siem_reap) -> None:
        _mother, child = woman(sokha, siem_reap, born=NEAR_BORN)
        actions.do_start_plan(child, actor=sokha, today=TODAY)
        assert finding(child, "transition_plan_needed") is None

    def test_it_is_silent_far_from_the_limit(self, sokha, siem_reap) -> None:
        _mother, child = woman(sokha, siem_reap, born=FAR_BORN)
        assert finding(child, "transition_plan_needed") is None


class TestNotReady:
    def test_it_fires_within_60_days_with_no_plan(self, sokha, siem_reap) -> None:
        _mother, child = woman(sokha, siem_reap, born=URGENT_BORN)
        assert facts(child, "transition_not_ready") == {
            "Stay limit": {"date": "2026-08-01"},
            "Days left": {"number": 47},
            "Approved transition plan": {"msg": "No"},
            "Assessed and approved carer": {"msg": "No"},
        }

    def test_it_fires_with_an_approved_plan_but_no_assessed_carer(
        self, sokha, dara, siem_reap
    ) -> None:
        _mother, child = woman(sokha, siem_reap, born=URGENT_BORN)
        approved_plan(child, sokha, dara, None, option="foster", option_reason="DoSVY family")
        got = facts(child, "transition_not_ready")
        assert got["Approved transition plan"] == {"msg": "Yes"}
        assert got["Assessed and approved carer"] == {"msg": "No"}

    def test_it_fires_with_an_assessed_carer_but_no_approved_plan(
        self, sokha, dara, siem_reap
    ) -> None:
        mother, child = woman(sokha, siem_reap, born=URGENT_BORN)
        written_plan(child, sokha, approved_carer(mother, sokha, dara, child))
        got = facts(child, "transition_not_ready")
        assert got["Approved transition plan"] == {"msg": "No"}
        assert got["Assessed and approved carer"] == {"msg": "Yes"}

    def test_an_approved_plan_with_an_assessed_carer_resolves_it(
        self, sokha, dara, siem_reap
    ) -> None:
        mother, child = woman(sokha, siem_reap, born=URGENT_BORN)
        approved_plan(child, sokha, dara, approved_carer(mother, sokha, dara, child))
        assert finding(child, "transition_not_ready") is None

    def test_it_counts_an_earlier_release_too(self, sokha, siem_reap) -> None:
        mother, child = woman(sokha, siem_reap, born=NEAR_BORN)
        assert finding(child, "transition_not_ready") is None
        expect_release(mother, dt.date(2026, 8, 14), sokha)  # 60 days ahead
        assert finding(child, "transition_not_ready") is not None


class TestOverride:
    def test_it_fires_after_an_override_and_not_after_a_planned_separation(
        self, sokha, dara, siem_reap
    ) -> None:
        _mother, child = woman(sokha, siem_reap)
        actions.do_record_separation(
            child,
            separated_on=TODAY,
            override_reason="Mother in hospital.",
            kind="relative",
            carer_name="Yim Sam",
            actor=dara,
        )
        assert facts(child, "separation_override") == {
            "Date of separation": {"date": "2026-06-15"},
            "Approved transition plan": {"msg": "No"},
        }
        mother2, child2 = woman(sokha, siem_reap, name_latin="B", name_km="ខ")
        approved_plan(child2, sokha, dara, approved_carer(mother2, sokha, dara, child2))
        actions.do_record_separation(child2, separated_on=TODAY, actor=sokha)
        assert finding(child2, "separation_override") is None


class TestFollowUpOverdue:
    def test_it_fires_once_the_grace_days_have_passed(
        self, sokha, dara, siem_reap, time_machine
    ) -> None:
        mother, child = woman(sokha, siem_reap)
        approved_plan(child, sokha, dara, approved_carer(mother, sokha, dara, child))
        actions.do_record_separation(child, separated_on=TODAY, actor=sokha)  # 2 weeks: 29 June
        time_machine.move_to(dt.datetime(2026, 7, 6, 5, tzinfo=dt.UTC), tick=False)  # 7 days late
        refresh_for(mother)
        assert finding(child, "followup_overdue") is None
        time_machine.move_to(dt.datetime(2026, 7, 7, 5, tzinfo=dt.UTC), tick=False)  # 8 days late
        refresh_for(mother)
        assert facts(child, "followup_overdue") == {
            "Visit due on": {"date": "2026-06-29"},
            "Days overdue": {"number": 8},
        }


class TestInstitution:
    def test_it_fires_for_a_child_in_a_residential_institution(
        self, sokha, dara, siem_reap
    ) -> None:
        _mother, child = woman(sokha, siem_reap)
        actions.do_record_separation(
            child,
            separated_on=TODAY,
            override_reason="No relative found; emergency.",
            kind="institution",
            carer_name="Children's centre",
            actor=dara,
        )
        assert facts(child, "placed_in_institution") == {
            "Where the child lives": {"msg": "Residential care institution"},
            "Since": {"date": "2026-06-15"},
        }
        assert rule_by_code("placed_in_institution").level == "danger"

    def test_it_is_silent_for_family_care(self, sokha, dara, siem_reap) -> None:
        mother, child = woman(sokha, siem_reap)
        approved_plan(child, sokha, dara, approved_carer(mother, sokha, dara, child))
        actions.do_record_separation(child, separated_on=TODAY, actor=sokha)
        assert finding(child, "placed_in_institution") is None


class TestReviewOverdue:
    def test_it_fires_the_day_after_the_review_date(
        self, sokha, dara, siem_reap, time_machine
    ) -> None:
        mother, child = woman(sokha, siem_reap, born=FAR_BORN)
        approved_plan(
            child,
            sokha,
            dara,
            approved_carer(mother, sokha, dara, child),
            review_on=dt.date(2026, 7, 1),
        )
        time_machine.move_to(dt.datetime(2026, 7, 1, 5, tzinfo=dt.UTC), tick=False)
        refresh_for(mother)
        assert finding(child, "plan_review_overdue") is None
        time_machine.move_to(dt.datetime(2026, 7, 2, 5, tzinfo=dt.UTC), tick=False)
        refresh_for(mother)
        assert facts(child, "plan_review_overdue") == {
            "Review date": {"date": "2026-07-01"},
            "Days overdue": {"number": 1},
        }

    def test_a_review_resolves_it(self, sokha, dara, siem_reap, time_machine) -> None:
        mother, child = woman(sokha, siem_reap, born=FAR_BORN)
        plan = approved_plan(
            child,
            sokha,
            dara,
            approved_carer(mother, sokha, dara, child),
            review_on=dt.date(2026, 7, 1),
        )
        time_machine.move_to(dt.datetime(2026, 7, 2, 5, tzinfo=dt.UTC), tick=False)
        actions.do_review_plan(
            plan, reviewed_on=dt.date(2026, 7, 2), next_review_on=dt.date(2026, 10, 1), actor=sokha
        )
        assert finding(child, "plan_review_overdue") is None


def deadlines(child) -> dict[str, dt.date]:
    return dict(
        Deadline.objects.filter(child=child, code__startswith="transition_").values_list(
            "code", "due_on"
        )
    )


class TestDeadlines:
    """The stored deadlines of "My work"'s plans to prepare and plans to review."""

    def test_a_plan_begun_is_due_from_the_day_she_needs_one(self, sokha, siem_reap) -> None:
        _mother, child = woman(sokha, siem_reap, born=NEAR_BORN)  # limit 2026-10-15
        assert deadlines(child) == {}  # no plan begun: the flag `transition_plan_needed` says it
        plan = actions.do_start_plan(child, actor=sokha, today=TODAY)
        # 180 days before the limit (the rule's threshold): 18 April, already past.
        assert deadlines(child) == {PLAN_BEGUN: dt.date(2026, 4, 18)}
        actions.do_change_plan(
            plan, plan_data(None, sokha), expected_version=plan.version, actor=sokha
        )
        assert deadlines(child) == {PLAN_BEGUN: dt.date(2026, 4, 18)}  # still a draft

    def test_an_earlier_release_brings_it_forward(self, sokha, siem_reap) -> None:
        mother, child = woman(sokha, siem_reap, born=FAR_BORN)  # limit 2028-01-15
        actions.do_start_plan(child, actor=sokha, today=TODAY)
        assert deadlines(child) == {PLAN_BEGUN: dt.date(2027, 7, 19)}  # 180 days before it
        expect_release(mother, dt.date(2026, 12, 1), sokha)
        assert deadlines(child) == {PLAN_BEGUN: dt.date(2026, 9, 2)}  # 90 days before it

    def test_a_submitted_plan_is_due_for_review_and_a_separation_ends_it(
        self, sokha, dara, siem_reap
    ) -> None:
        mother, child = woman(sokha, siem_reap, born=NEAR_BORN)
        carer = approved_carer(mother, sokha, dara, child)
        plan = written_plan(child, sokha, carer, review_on=dt.date(2026, 7, 1))
        actions.do_submit_plan(plan, actor=sokha)
        assert deadlines(child) == {PLAN_REVIEW_DUE: dt.date(2026, 7, 1)}
        plan.refresh_from_db()
        actions.do_decide_plan(plan, approve=True, comments="", actor=dara)
        assert deadlines(child) == {PLAN_REVIEW_DUE: dt.date(2026, 7, 1)}
        plan.refresh_from_db()
        actions.do_review_plan(
            plan, reviewed_on=TODAY, next_review_on=dt.date(2026, 9, 1), actor=sokha
        )
        assert deadlines(child) == {PLAN_REVIEW_DUE: dt.date(2026, 9, 1)}
        actions.do_record_separation(child, separated_on=TODAY, actor=sokha)
        assert deadlines(child) == {}  # she no longer lives inside

    def test_a_plan_returned_to_be_reworked_is_begun_again(self, sokha, dara, siem_reap) -> None:
        mother, child = woman(sokha, siem_reap, born=NEAR_BORN)
        plan = written_plan(child, sokha, approved_carer(mother, sokha, dara, child))
        plan = actions.do_submit_plan(plan, actor=sokha)
        actions.do_decide_plan(plan, approve=False, comments="Ask the mother.", actor=dara)
        assert deadlines(child) == {PLAN_BEGUN: dt.date(2026, 4, 18)}


def test_every_rule_cites_its_standard() -> None:
    from komar.transitions.rules import RULES

    assert {r.code for r in RULES.rules} == {
        "transition_plan_needed",
        "transition_not_ready",
        "separation_override",
        "followup_overdue",
        "placed_in_institution",
        "plan_review_overdue",
    }
    for r in RULES.rules:
        assert "Bangkok Rule" in str(r.standard) or "Guidelines" in str(r.standard)


def test_an_unused_carer_changes_nothing(sokha, siem_reap) -> None:
    mother, child = woman(sokha, siem_reap, born=URGENT_BORN)
    add_carer(mother, sokha, [child])
    assert finding(child, "transition_not_ready") is not None
