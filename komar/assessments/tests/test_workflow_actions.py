"""The assessment workflow through its actions: draft → submitted → approved or returned."""

import datetime as dt

import pytest

from komar.accounts.models import Role
from komar.assessments.actions import (
    NotAllowed,
    do_approve_assessment,
    do_change_assessment,
    do_return_assessment,
    do_start_assessment,
    do_submit_assessment,
)
from komar.assessments.models import Assessment, Element, Rating
from komar.audit.models import AuditEntry
from komar.cases.actions import EditConflict
from komar.conftest import make_user

Status = Assessment.Status


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 1, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def child(sophea):
    return sophea.children.get(name_latin="Sok Vichet")


@pytest.fixture
def chenda(ngo, siem_reap):
    """A second supervisor of the same organisation."""
    return make_user("chenda", ngo, Role.SUPERVISOR, [siem_reap])


def start(child, actor, **data):
    return do_start_assessment(
        child,
        {"occasion": "entry", "assessed_on": dt.date(2026, 5, 20), **data},
        elements={Element.HEALTH: ("Weight low for age", Rating.SOME_CONCERN)},
        actor=actor,
    )


def audit_rows(assessment):
    return list(
        AuditEntry.objects.filter(
            object_type="assessments.assessment", object_code=str(assessment.code)
        ).order_by("at", "id")
    )


def test_it_starts_a_draft_with_its_elements_and_audits_it(sokha, child, ngo) -> None:
    assessment = start(child, sokha, options_compared="Stay; grandmother")
    assert assessment.status == Status.DRAFT
    assert assessment.organisation == ngo
    assert assessment.assessor == sokha
    element = assessment.elements.get()
    assert (element.element, element.rating) == ("health", "some_concern")
    [entry] = audit_rows(assessment)
    assert entry.action == "create"
    assert entry.actor == sokha
    assert entry.mother == child.mother
    assert {"occasion", "assessed_on", "options_compared", "health"} <= set(entry.fields)


def test_it_goes_from_draft_to_submitted_to_approved(sokha, dara, child) -> None:
    assessment = start(child, sokha)
    submitted = do_submit_assessment(assessment, actor=sokha)
    assert submitted.status == Status.SUBMITTED
    assert submitted.submitted_at is not None
    approved = do_approve_assessment(submitted, comments="Well argued.", actor=dara)
    assert approved.status == Status.APPROVED
    assert approved.decided_by == dara
    assert approved.decided_at is not None
    assert approved.reviewer_comments == "Well argued."
    create, submit, approve = audit_rows(assessment)
    assert create.action == "create"
    assert (submit.action, submit.actor) == ("change", sokha)
    assert "status" in submit.fields
    assert (approve.action, approve.actor) == ("change", dara)
    assert "status" in approve.fields


def test_it_returns_with_comments_then_is_edited_resubmitted_and_approved(
    sokha, dara, child
) -> None:
    assessment = do_submit_assessment(start(child, sokha), actor=sokha)
    returned = do_return_assessment(assessment, comments="Ask the grandmother.", actor=dara)
    assert returned.status == Status.RETURNED
    assert returned.reviewer_comments == "Ask the grandmother."
    changed = do_change_assessment(
        returned,
        {"options_compared": "Grandmother visited: able and willing."},
        elements={Element.FAMILY: ("Grandmother close to the child", Rating.NO_CONCERN)},
        expected_version=returned.version,
        actor=sokha,
    )
    assert changed.options_compared == "Grandmother visited: able and willing."
    again = do_submit_assessment(changed, actor=sokha)
    assert again.status == Status.SUBMITTED
    approved = do_approve_assessment(again, actor=dara)
    assert approved.status == Status.APPROVED
    actions = [(e.action, "status" in e.fields) for e in audit_rows(assessment)]
    assert actions == [
        ("create", False),
        ("change", True),  # submitted
        ("change", True),  # returned
        ("change", False),  # edited
        ("change", True),  # submitted again
        ("change", True),  # approved
    ]


def test_it_refuses_to_return_without_comments(sokha, dara, child) -> None:
    assessment = do_submit_assessment(start(child, sokha), actor=sokha)
    with pytest.raises(NotAllowed):
        do_return_assessment(assessment, comments="  ", actor=dara)
    assert Assessment.objects.get(pk=assessment.pk).status == Status.SUBMITTED


def test_it_refuses_approval_by_a_social_worker(sokha, child, ngo, siem_reap) -> None:
    colleague = make_user("bopha", ngo, Role.SOCIAL_WORKER, [siem_reap])
    assessment = do_submit_assessment(start(child, sokha), actor=sokha)
    with pytest.raises(NotAllowed):
        do_approve_assessment(assessment, actor=colleague)
    with pytest.raises(NotAllowed):
        do_approve_assessment(assessment, actor=sokha)
    assert Assessment.objects.get(pk=assessment.pk).status == Status.SUBMITTED


def test_it_refuses_approval_by_the_assessor_even_as_supervisor(dara, chenda, child) -> None:
    assessment = do_submit_assessment(start(child, dara), actor=dara)
    with pytest.raises(NotAllowed):
        do_approve_assessment(assessment, actor=dara)
    with pytest.raises(NotAllowed):
        do_return_assessment(assessment, comments="Mine", actor=dara)
    assert do_approve_assessment(assessment, actor=chenda).status == Status.APPROVED


@pytest.mark.parametrize("part", ["edited", "submitted"])
def test_a_supervisor_who_edited_or_submitted_it_may_not_approve_it(
    part, sokha, dara, chenda, child
) -> None:
    assessment = start(child, sokha)
    if part == "edited":
        assessment = do_change_assessment(
            assessment,
            {"options_compared": "Rewritten by the supervisor."},
            elements={},
            expected_version=assessment.version,
            actor=dara,
        )
        assessment = do_submit_assessment(assessment, actor=sokha)
    else:
        assessment = do_submit_assessment(assessment, actor=dara)
    with pytest.raises(NotAllowed):
        do_approve_assessment(assessment, actor=dara)
    with pytest.raises(NotAllowed):
        do_return_assessment(assessment, comments="Mine", actor=dara)
    assert do_approve_assessment(assessment, actor=chenda).decided_by == chenda


def test_it_refuses_approval_by_another_organisation(sokha, child, legal_aid, siem_reap) -> None:
    lawyer_supervisor = make_user("kanha", legal_aid, Role.SUPERVISOR, [siem_reap])
    assessment = do_submit_assessment(start(child, sokha), actor=sokha)
    with pytest.raises(NotAllowed):
        do_approve_assessment(assessment, actor=lawyer_supervisor)
    assert Assessment.objects.get(pk=assessment.pk).status == Status.SUBMITTED


def test_it_lets_an_administrator_of_the_organisation_approve(sokha, admin_user, child) -> None:
    assessment = do_submit_assessment(start(child, sokha), actor=sokha)
    assert do_approve_assessment(assessment, actor=admin_user).status == Status.APPROVED


def test_it_refuses_to_approve_a_draft(sokha, dara, child) -> None:
    assessment = start(child, sokha)
    with pytest.raises(NotAllowed):
        do_approve_assessment(assessment, actor=dara)
    assessment.refresh_from_db()
    assert assessment.status == Status.DRAFT
    assert assessment.decided_by is None
    assert len(audit_rows(assessment)) == 1


def test_it_refuses_to_submit_twice(sokha, child) -> None:
    assessment = do_submit_assessment(start(child, sokha), actor=sokha)
    with pytest.raises(NotAllowed):
        do_submit_assessment(assessment, actor=sokha)


def test_it_refuses_submission_by_another_organisation(sokha, vicheka, child) -> None:
    assessment = start(child, sokha)
    with pytest.raises(NotAllowed):
        do_submit_assessment(assessment, actor=vicheka)
    assert Assessment.objects.get(pk=assessment.pk).status == Status.DRAFT


def test_it_refuses_to_change_a_submitted_assessment(sokha, child) -> None:
    assessment = do_submit_assessment(start(child, sokha), actor=sokha)
    with pytest.raises(NotAllowed):
        do_change_assessment(
            assessment,
            {"options_compared": "late change"},
            elements={},
            expected_version=assessment.version,
            actor=sokha,
        )
    assert Assessment.objects.get(pk=assessment.pk).options_compared == ""


def test_it_raises_a_conflict_on_a_stale_version(sokha, dara, child) -> None:
    assessment = start(child, sokha)
    do_change_assessment(
        assessment, {"options_compared": "Dara's"}, elements={}, expected_version=1, actor=dara
    )
    with pytest.raises(EditConflict) as conflict:
        do_change_assessment(
            assessment,
            {"options_compared": "Sokha's"},
            elements={},
            expected_version=1,
            actor=sokha,
        )
    assert conflict.value.current.version == 2
    assert Assessment.objects.get(pk=assessment.pk).options_compared == "Dara's"
