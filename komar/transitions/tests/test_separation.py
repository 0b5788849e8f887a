"""The separation: through the registry's placement action, refused unless an approved plan names
an assessed and approved carer; a supervisor's override with a written reason; and the write
check that keeps the registry's own page from separating a child."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from komar.audit.models import AuditEntry
from komar.cases import actions as registry
from komar.cases.findings import refresh_for
from komar.cases.models import Finding, Placement
from komar.transitions import actions
from komar.transitions.actions import SeparationNotPlanned, SeparationRefused
from komar.transitions.models import FollowUpVisit, PlacementCarer, TransitionPlan
from komar.transitions.tests.factories import (
    NOON_IN_PHNOM_PENH,
    TODAY,
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


@pytest.fixture
def family(sokha, siem_reap):
    return woman(sokha, siem_reap)


def open_codes(child):
    return set(
        Finding.objects.filter(child=child, resolved_at__isnull=True).values_list(
            "rule_code", flat=True
        )
    )


def test_it_is_refused_without_any_plan(sokha, family) -> None:
    _mother, child = family
    with pytest.raises(SeparationRefused):
        actions.do_record_separation(child, separated_on=TODAY, actor=sokha)
    child.refresh_from_db()
    assert child.is_inside


def test_it_is_refused_with_a_plan_not_yet_approved(sokha, dara, family) -> None:
    mother, child = family
    actions.do_submit_plan(
        written_plan(child, sokha, approved_carer(mother, sokha, dara, child)), actor=sokha
    )
    with pytest.raises(SeparationRefused):
        actions.do_record_separation(child, separated_on=TODAY, actor=sokha)


def test_it_is_refused_with_an_approved_plan_naming_no_assessed_carer(sokha, dara, family) -> None:
    _mother, child = family
    plan = approved_plan(child, sokha, dara, None, option="foster", option_reason="DoSVY family")
    assert plan.status == TransitionPlan.Status.APPROVED
    with pytest.raises(SeparationRefused):
        actions.do_record_separation(child, separated_on=TODAY, actor=sokha)


def test_as_planned_it_moves_the_placement_and_schedules_the_first_visit(
    sokha, dara, family
) -> None:
    mother, child = family
    carer = approved_carer(mother, sokha, dara, child)
    plan = approved_plan(child, sokha, dara, carer)
    separation = actions.do_record_separation(child, separated_on=TODAY, actor=sokha)
    child.refresh_from_db()
    placement = child.current_placement
    assert placement.kind == Placement.Kind.RELATIVE
    assert (placement.carer_name, placement.carer_relationship) == ("Yim Sam", "grandmother")
    assert placement.start_date == TODAY
    assert PlacementCarer.objects.get(placement=placement).carer == carer
    assert not separation.by_override and separation.plan == plan
    plan.refresh_from_db()
    assert plan.status == TransitionPlan.Status.DONE
    visit = FollowUpVisit.objects.get(separation=separation)
    assert (visit.stage.code, visit.due_on) == ("2w", dt.date(2026, 6, 29))
    mother.refresh_from_db()
    assert mother.children_inside == 0
    types = set(
        AuditEntry.objects.filter(mother=mother, at__gte=separation.created_at).values_list(
            "object_type", flat=True
        )
    )
    assert {"cases.placement", "transitions.separation", "transitions.followupvisit"} <= types


def test_a_social_worker_cannot_override(sokha, family) -> None:
    _mother, child = family
    with pytest.raises(SeparationRefused):
        actions.do_record_separation(
            child,
            separated_on=TODAY,
            override_reason="Mother hospitalised.",
            kind="relative",
            carer_name="Yim Sam",
            actor=sokha,
        )


def test_an_override_needs_a_written_reason(dara, family) -> None:
    _mother, child = family
    with pytest.raises(SeparationRefused):
        actions.do_record_separation(
            child, separated_on=TODAY, kind="relative", carer_name="Yim Sam", actor=dara
        )


def test_an_override_is_audited_and_flagged_until_a_plan_is_approved(sokha, dara, family) -> None:
    mother, child = family
    carer = add_carer(mother, sokha, [child])
    separation = actions.do_record_separation(
        child,
        separated_on=TODAY - dt.timedelta(days=1),
        override_reason="The mother was taken to hospital in Phnom Penh.",
        kind="relative",
        carer=carer,
        actor=dara,
    )
    assert separation.by_override
    entry = AuditEntry.objects.get(object_code=str(separation.code))
    assert {"by_override", "override_reason"} <= set(entry.fields)
    assert entry.actor == dara
    assert "separation_override" in open_codes(child)
    # Afterwards: the carer is assessed and approved, and a plan is approved.
    assessment = assess(carer, sokha)
    actions.do_decide_carer_assessment(assessment, approve=True, comments="", actor=dara)
    carer.refresh_from_db()
    approved_plan(child, sokha, dara, carer)
    refresh_for(mother)
    assert "separation_override" not in open_codes(child)


def test_the_registry_page_cannot_separate_a_child(sokha, family) -> None:
    _mother, child = family
    with pytest.raises(SeparationNotPlanned):
        registry.do_move_child(
            child,
            {"kind": "relative", "carer_name": "Yim Sam", "start_date": TODAY},
            actor=sokha,
        )
    child.refresh_from_db()
    assert child.current_placement.kind == Placement.Kind.WITH_MOTHER
    assert child.placements.count() == 1


def test_the_registry_page_refuses_it_with_the_not_allowed_page(sokha, family) -> None:
    from django.urls import reverse

    from komar.conftest import client_for

    _mother, child = family
    response = client_for(sokha).post(
        reverse("cases:child_move", args=[child.code]),
        {"kind": "relative", "carer_name": "Yim Sam", "start_date": TODAY.isoformat()},
    )
    assert response.status_code == 403
    assert child.placements.count() == 1


def test_the_mothers_release_takes_the_child_out_with_her(sokha, family) -> None:
    mother, child = family
    registry.do_release_mother(mother, on=TODAY, release_kind="bail", actor=sokha)
    registry.do_move_child(child, {"kind": "mother_outside", "start_date": TODAY}, actor=sokha)
    child.refresh_from_db()
    assert child.current_placement.kind == Placement.Kind.MOTHER_OUTSIDE


def test_after_her_release_her_child_may_live_with_a_relative(sokha, family) -> None:
    """Released (judicial supervision, say), she left the facility with her child: where the
    child lives now is recorded freely, even away from her; it is no separation from custody."""
    mother, child = family
    registry.do_release_mother(mother, on=TODAY, release_kind="bail", actor=sokha)
    registry.do_move_child(
        child, {"kind": "relative", "carer_name": "Yim Sam", "start_date": TODAY}, actor=sokha
    )
    child.refresh_from_db()
    assert child.current_placement.kind == Placement.Kind.RELATIVE


def test_a_move_dated_before_her_release_is_still_a_separation(sokha, family) -> None:
    mother, child = family
    registry.do_release_mother(mother, on=TODAY, release_kind="bail", actor=sokha)
    with pytest.raises(SeparationNotPlanned):
        registry.do_move_child(
            child,
            {
                "kind": "relative",
                "carer_name": "Yim Sam",
                "start_date": TODAY - dt.timedelta(days=3),
            },
            actor=sokha,
        )


def test_a_transfer_moves_the_child_with_her_mother(sokha, family, battambang) -> None:
    mother, child = family
    registry.do_transfer_mother(mother, to_facility=battambang, on=TODAY, actor=sokha)
    registry.do_move_child(child, {"kind": "with_mother", "start_date": TODAY}, actor=sokha)
    child.refresh_from_db()
    assert child.current_placement.facility == battambang


def test_a_child_living_outside_moves_freely(sokha, siem_reap) -> None:
    from komar.conftest import child_with_grandmother, register

    mother = register(sokha, siem_reap, children=[child_with_grandmother()])
    child = mother.children.get()
    registry.do_move_child(
        child, {"kind": "foster", "carer_name": "Foster", "start_date": TODAY}, actor=sokha
    )
    child.refresh_from_db()
    assert child.current_placement.kind == Placement.Kind.FOSTER


def test_a_separation_of_a_child_not_inside_is_refused(sokha, dara, siem_reap) -> None:
    from komar.conftest import child_with_grandmother, register

    mother = register(sokha, siem_reap, children=[child_with_grandmother()])
    with pytest.raises(actions.InvalidAction):
        actions.do_record_separation(
            mother.children.get(),
            separated_on=TODAY,
            override_reason="x",
            kind="relative",
            carer_name="x",
            actor=dara,
        )


def test_another_organisations_supervisor_cannot_override(outsider, family) -> None:
    _mother, child = family
    with pytest.raises((SeparationRefused, PermissionDenied)):
        actions.do_record_separation(
            child,
            separated_on=TODAY,
            override_reason="Emergency.",
            kind="relative",
            carer_name="Yim Sam",
            actor=outsider,
        )
