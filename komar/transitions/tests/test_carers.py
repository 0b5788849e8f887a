"""Carers and their assessment: recorded by a case worker, approved or returned by a supervisor
of the woman's organisation who did not assess the carer herself."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from komar.audit.models import AuditEntry
from komar.cases.actions import InvalidAction
from komar.transitions import actions
from komar.transitions.models import Carer, CarerAssessment
from komar.transitions.tests.factories import NOON_IN_PHNOM_PENH, add_carer, assess, woman


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(NOON_IN_PHNOM_PENH, tick=False)


@pytest.fixture
def family(sokha, siem_reap):
    return woman(sokha, siem_reap)


def test_a_carer_is_linked_to_the_children_she_may_care_for(sokha, family) -> None:
    mother, child = family
    carer = add_carer(mother, sokha, [child])
    assert list(carer.children.all()) == [child]
    assert carer.status == Carer.Status.NOT_ASSESSED
    entry = AuditEntry.objects.get(object_code=str(carer.code))
    assert entry.action == "create" and entry.mother == mother
    assert "children" in entry.fields and "name_latin" in entry.fields
    assert "Yim Sam" not in str(entry.fields)


def test_a_carer_cannot_be_linked_to_another_womans_child(sokha, siem_reap, family) -> None:
    mother, _child = family
    _other, other_child = woman(sokha, siem_reap, name_latin="Other", name_km="ផ្សេង")
    with pytest.raises(InvalidAction):
        add_carer(mother, sokha, [other_child])


def test_an_assessment_goes_to_a_supervisor_who_approves_it(sokha, dara, family) -> None:
    mother, child = family
    carer = add_carer(mother, sokha, [child])
    assessment = assess(carer, sokha)
    carer.refresh_from_db()
    assert carer.status == Carer.Status.SUBMITTED
    assert not actions.may_decide_assessment(sokha, assessment)
    assert actions.may_decide_assessment(dara, assessment)
    actions.do_decide_carer_assessment(assessment, approve=True, comments="", actor=dara)
    carer.refresh_from_db()
    assessment.refresh_from_db()
    assert carer.status == Carer.Status.APPROVED and carer.is_approved
    assert assessment.status == CarerAssessment.Status.APPROVED
    assert assessment.decided_by == dara


def test_the_supervisor_cannot_approve_her_own_assessment(dara, family) -> None:
    mother, child = family
    carer = add_carer(mother, dara, [child])
    assessment = assess(carer, dara)
    with pytest.raises(PermissionDenied):
        actions.do_decide_carer_assessment(assessment, approve=True, comments="", actor=dara)


def test_a_carer_who_is_not_willing_is_never_approved(sokha, dara, family) -> None:
    mother, child = family
    assessment = assess(add_carer(mother, sokha, [child]), sokha, willingness="no")
    with pytest.raises(InvalidAction):
        actions.do_decide_carer_assessment(assessment, approve=True, comments="", actor=dara)


def test_a_returned_assessment_says_why_and_the_carer_is_not_approved(sokha, dara, family) -> None:
    mother, child = family
    carer = add_carer(mother, sokha, [child])
    assessment = assess(carer, sokha, violence=True)
    with pytest.raises(InvalidAction):
        actions.do_decide_carer_assessment(assessment, approve=False, comments=" ", actor=dara)
    actions.do_decide_carer_assessment(
        assessment, approve=False, comments="Check the violence report.", actor=dara
    )
    carer.refresh_from_db()
    assert carer.status == Carer.Status.RETURNED and not carer.is_approved


def test_another_organisations_supervisor_cannot_decide(sokha, outsider, family) -> None:
    mother, child = family
    assessment = assess(add_carer(mother, sokha, [child]), sokha)
    assert not actions.may_decide_assessment(outsider, assessment)
