"""Transition plans: a draft on first opening, its content checked before it is submitted and
approved, a residential institution only with a formal determination, reviews at most three
months apart."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from komar.assessments.models import Determination
from komar.audit.models import AuditEntry
from komar.cases import actions as registry
from komar.cases.actions import InvalidAction
from komar.transitions import actions
from komar.transitions.models import TransitionPlan
from komar.transitions.tests.factories import (
    FAR_BORN,
    NOON_IN_PHNOM_PENH,
    TODAY,
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


@pytest.fixture
def family(sokha, siem_reap):
    return woman(sokha, siem_reap)


def test_a_draft_starts_with_the_reason_and_the_worker(sokha, family) -> None:
    _mother, child = family
    plan = actions.do_start_plan(child, actor=sokha, today=TODAY)
    assert plan.status == TransitionPlan.Status.DRAFT
    assert plan.trigger == TransitionPlan.Trigger.STAY_LIMIT
    assert plan.responsible == sokha
    assert AuditEntry.objects.filter(object_code=str(plan.code), action="create").exists()
    # Opening it again finds the same draft.
    assert actions.do_start_plan(child, actor=sokha, today=TODAY) == plan


def test_an_expected_release_starts_the_plan_for_the_release(sokha, siem_reap) -> None:
    mother, child = woman(sokha, siem_reap, born=FAR_BORN)
    episode = mother.latest_episode
    registry.do_change_episode(
        episode,
        {"expected_release_date": TODAY + dt.timedelta(days=90)},
        expected_version=episode.version,
        actor=sokha,
    )
    child.refresh_from_db()
    plan = actions.do_start_plan(child, actor=sokha, today=TODAY)
    assert plan.trigger == TransitionPlan.Trigger.RELEASE


def test_an_empty_plan_lists_what_is_missing(sokha, family) -> None:
    _mother, child = family
    plan = actions.do_start_plan(child, actor=sokha, today=TODAY)
    problems = actions.plan_problems(plan, TODAY)
    assert set(problems) == {
        "option",
        "mothers_view",
        "goals",
        "planned_on",
        "contact_plan",
        "review_on",
    }
    with pytest.raises(InvalidAction):
        actions.do_submit_plan(plan, actor=sokha)


def test_only_an_approved_carer_can_be_chosen(sokha, family) -> None:
    mother, child = family
    not_assessed = add_carer(mother, sokha, [child])
    with pytest.raises(InvalidAction):
        written_plan(child, sokha, not_assessed)


def test_a_family_option_without_a_carer_needs_its_reason(sokha, family) -> None:
    _mother, child = family
    plan = written_plan(child, sokha, None, option="foster")
    assert "carer" in actions.plan_problems(plan, TODAY)
    plan = actions.do_change_plan(
        plan,
        {"option_reason": "Foster family arranged by the provincial DoSVY."},
        expected_version=plan.version,
        actor=sokha,
    )
    assert actions.plan_problems(plan, TODAY) == {}


def test_the_review_date_is_at_most_three_months_ahead(sokha, family) -> None:
    _mother, child = family
    plan = actions.do_start_plan(child, actor=sokha, today=TODAY)
    with pytest.raises(InvalidAction):  # 15 June + 3 months = 15 September
        actions.do_change_plan(
            plan, {"review_on": dt.date(2026, 9, 16)}, expected_version=plan.version, actor=sokha
        )
    plan = actions.do_change_plan(
        plan, {"review_on": dt.date(2026, 9, 15)}, expected_version=plan.version, actor=sokha
    )
    assert "review_on" not in actions.plan_problems(plan, TODAY)


def test_a_supervisor_approves_a_plan_she_did_not_write(sokha, dara, family) -> None:
    mother, child = family
    carer = approved_carer(mother, sokha, dara, child)
    plan = actions.do_submit_plan(written_plan(child, sokha, carer), actor=sokha)
    assert not actions.may_decide_plan(sokha, plan)
    assert actions.may_decide_plan(dara, plan)
    plan = actions.do_decide_plan(plan, approve=True, comments="", actor=dara)
    assert plan.status == TransitionPlan.Status.APPROVED and plan.decided_by == dara


def test_a_supervisor_who_wrote_the_plan_does_not_approve_it(sokha, dara, family) -> None:
    mother, child = family
    carer = approved_carer(mother, sokha, dara, child)
    plan = written_plan(child, sokha, carer)
    plan = actions.do_change_plan(
        plan, {"goals": "Changed by the supervisor."}, expected_version=plan.version, actor=dara
    )
    plan = actions.do_submit_plan(plan, actor=sokha)
    with pytest.raises(PermissionDenied):
        actions.do_decide_plan(plan, approve=True, comments="", actor=dara)


def test_a_returned_plan_says_why(sokha, dara, family) -> None:
    mother, child = family
    carer = approved_carer(mother, sokha, dara, child)
    plan = actions.do_submit_plan(written_plan(child, sokha, carer), actor=sokha)
    with pytest.raises(InvalidAction):
        actions.do_decide_plan(plan, approve=False, comments="", actor=dara)
    plan = actions.do_decide_plan(plan, approve=False, comments="Add the steps.", actor=dara)
    assert plan.status == TransitionPlan.Status.RETURNED


def test_changing_an_approved_plan_sends_it_back_to_draft(sokha, dara, family) -> None:
    mother, child = family
    plan = approved_plan(child, sokha, dara, approved_carer(mother, sokha, dara, child))
    plan = actions.do_change_plan(
        plan, {"goals": "New goals."}, expected_version=plan.version, actor=sokha
    )
    assert plan.status == TransitionPlan.Status.DRAFT


def test_a_residential_institution_needs_a_formal_determination(sokha, dara, family) -> None:
    _mother, child = family
    reason = {"option_reason": "No relative can be found; the panel decided."}
    plan = written_plan(child, sokha, None, option="institution", **reason)
    assert "option" in actions.plan_problems(plan, TODAY)
    Determination.objects.create(
        child=child,
        held_on=TODAY - dt.timedelta(days=5),
        decision="institution",
        decision_reasons="Panel of three.",
        review_on=TODAY + dt.timedelta(days=60),
        recorded_by=dara,
        is_latest=True,
    )
    assert actions.plan_problems(plan, TODAY) == {}
    plan = actions.do_submit_plan(plan, actor=sokha)
    plan = actions.do_decide_plan(plan, approve=True, comments="", actor=dara)
    assert plan.determination is not None


def test_a_determination_for_another_option_does_not_allow_an_institution(
    sokha, dara, family
) -> None:
    _mother, child = family
    Determination.objects.create(
        child=child,
        held_on=TODAY - dt.timedelta(days=5),
        decision="relative",
        decision_reasons="Panel of three.",
        review_on=TODAY + dt.timedelta(days=60),
        recorded_by=dara,
        is_latest=True,
    )
    plan = written_plan(child, sokha, None, option="institution", option_reason="None found.")
    assert "option" in actions.plan_problems(plan, TODAY)


def test_a_review_sets_the_next_at_most_three_months_later(sokha, dara, family) -> None:
    mother, child = family
    plan = approved_plan(child, sokha, dara, approved_carer(mother, sokha, dara, child))
    with pytest.raises(InvalidAction):
        actions.do_review_plan(
            plan, reviewed_on=TODAY, next_review_on=dt.date(2026, 9, 16), actor=sokha
        )
    plan = actions.do_review_plan(
        plan, reviewed_on=TODAY, next_review_on=dt.date(2026, 9, 15), actor=sokha
    )
    assert (plan.reviewed_on, plan.review_on) == (TODAY, dt.date(2026, 9, 15))


def test_plan_data_of_the_factory_is_complete(sokha, dara, family) -> None:
    mother, child = family
    carer = approved_carer(mother, sokha, dara, child)
    assert set(plan_data(carer, sokha)) >= set(actions.PLAN_FIELDS)
