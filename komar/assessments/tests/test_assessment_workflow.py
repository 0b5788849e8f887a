"""Submit, approve and return through the views (POST only)."""

import datetime as dt

import pytest
from django.urls import reverse

from komar.accounts.models import Role
from komar.assessments.actions import do_start_assessment, do_submit_assessment
from komar.assessments.models import Assessment, Element
from komar.audit.models import AuditEntry
from komar.conftest import client_for, make_user

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


def start(child, actor):
    return do_start_assessment(
        child,
        {"occasion": "entry", "assessed_on": dt.date(2026, 5, 20)},
        elements={},
        actor=actor,
    )


def step(user, assessment, name, **data):
    url = reverse(f"assessments:assessment_{name}", args=[assessment.code])
    return client_for(user).post(url, data, follow=True)


def status_changes(assessment):
    return list(
        AuditEntry.objects.filter(
            object_type="assessments.assessment",
            object_code=str(assessment.code),
            action="change",
        )
        .order_by("at", "id")
        .values_list("actor__username", "fields")
    )


def test_it_takes_a_draft_through_submission_to_approval(sokha, dara, child) -> None:
    assessment = start(child, sokha)
    response = step(sokha, assessment, "submit")
    assert response.redirect_chain == [(assessment.get_absolute_url(), 302)]
    assert "Submitted for approval." in response.content.decode()
    assert Assessment.objects.get(pk=assessment.pk).status == Status.SUBMITTED
    response = step(dara, assessment, "approve", comments="Clear and complete.")
    assert "Assessment approved." in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == Status.APPROVED
    assert assessment.decided_by == dara
    assert assessment.reviewer_comments == "Clear and complete."
    changes = status_changes(assessment)
    assert [who for who, _ in changes] == ["sokha", "dara"]
    assert all("status" in fields for _, fields in changes)


def test_it_returns_with_comments_then_takes_the_corrected_one_to_approval(
    sokha, dara, child
) -> None:
    assessment = do_submit_assessment(start(child, sokha), actor=sokha)
    response = step(dara, assessment, "return", comments="Ask the grandmother too.")
    assert "Assessment returned with your comments." in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == Status.RETURNED
    assert assessment.reviewer_comments == "Ask the grandmother too."
    # She sees the comments and edits.
    assert "Ask the grandmother too." in response.content.decode()
    data = {
        "occasion": "entry",
        "assessed_on": "2026-05-20",
        "recommendation": "relative",
        "options_compared": "Grandmother visited: able and willing.",
        "version": str(assessment.version),
    }
    for code in Element.values:
        data[f"element-{code}-rating"] = "not_assessed"
    edit_url = reverse("assessments:assessment_edit", args=[assessment.code])
    assert client_for(sokha).post(edit_url, data).status_code == 302
    step(sokha, assessment, "submit")
    assert Assessment.objects.get(pk=assessment.pk).status == Status.SUBMITTED
    step(dara, assessment, "approve")
    assessment.refresh_from_db()
    assert assessment.status == Status.APPROVED
    assert assessment.recommendation == "relative"
    assert [who for who, _ in status_changes(assessment)] == [
        "sokha",  # submitted (by the action, in the fixture)
        "dara",  # returned
        "sokha",  # edited
        "sokha",  # submitted again
        "dara",  # approved
    ]


def test_it_will_not_return_without_comments(sokha, dara, child) -> None:
    assessment = do_submit_assessment(start(child, sokha), actor=sokha)
    response = step(dara, assessment, "return", comments="   ")
    assert "Write your comments before returning the assessment." in response.content.decode()
    assert Assessment.objects.get(pk=assessment.pk).status == Status.SUBMITTED
    assert len(status_changes(assessment)) == 1


def test_a_social_worker_cannot_approve(sokha, child, ngo, siem_reap) -> None:
    colleague = make_user("bopha", ngo, Role.SOCIAL_WORKER, [siem_reap])
    assessment = do_submit_assessment(start(child, sokha), actor=sokha)
    for user in (sokha, colleague):
        assert step(user, assessment, "approve").status_code == 403
        assert step(user, assessment, "return", comments="x").status_code == 403
    assert Assessment.objects.get(pk=assessment.pk).status == Status.SUBMITTED


def test_the_assessor_cannot_approve_her_own_even_as_supervisor(dara, chenda, child) -> None:
    assessment = do_submit_assessment(start(child, dara), actor=dara)
    assert step(dara, assessment, "approve").status_code == 403
    assert step(dara, assessment, "return", comments="x").status_code == 403
    assert Assessment.objects.get(pk=assessment.pk).status == Status.SUBMITTED
    assert step(chenda, assessment, "approve").status_code == 200
    assert Assessment.objects.get(pk=assessment.pk).decided_by == chenda


def test_an_administrator_of_the_organisation_may_approve(sokha, admin_user, child) -> None:
    assessment = do_submit_assessment(start(child, sokha), actor=sokha)
    assert step(admin_user, assessment, "approve").status_code == 200
    assert Assessment.objects.get(pk=assessment.pk).status == Status.APPROVED


def test_another_organisation_in_scope_gets_403_and_changes_nothing(
    shares_with_legal_aid, sokha, vicheka, legal_aid, siem_reap, child
) -> None:
    lawyer_supervisor = make_user("kanha", legal_aid, Role.SUPERVISOR, [siem_reap])
    assessment = do_submit_assessment(start(child, sokha), actor=sokha)
    for user in (vicheka, lawyer_supervisor):
        assert client_for(user).get(assessment.get_absolute_url()).status_code == 200
        assert step(user, assessment, "approve").status_code == 403
        assert step(user, assessment, "return", comments="No").status_code == 403
    assessment.refresh_from_db()
    assert assessment.status == Status.SUBMITTED
    assert assessment.decided_by is None
    assert len(status_changes(assessment)) == 1


def test_a_supervisor_of_another_organisation_elsewhere_gets_404(
    sokha, other_ngo, battambang, child
) -> None:
    elsewhere = make_user("rith", other_ngo, Role.SUPERVISOR, [battambang])
    assessment = do_submit_assessment(start(child, sokha), actor=sokha)
    assert step(elsewhere, assessment, "approve").status_code == 404
    assert step(elsewhere, assessment, "return", comments="x").status_code == 404
    assert Assessment.objects.get(pk=assessment.pk).status == Status.SUBMITTED


def test_approving_or_returning_a_draft_is_refused_with_a_message(sokha, dara, child) -> None:
    assessment = start(child, sokha)
    for name in ("approve", "return"):
        response = step(dara, assessment, name, comments="Premature")
        assert response.redirect_chain == [(assessment.get_absolute_url(), 302)]
        assert "This assessment is not waiting for approval." in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == Status.DRAFT
    assert assessment.decided_by is None
    assert status_changes(assessment) == []


def test_submitting_twice_is_refused_with_a_message(sokha, child) -> None:
    assessment = do_submit_assessment(start(child, sokha), actor=sokha)
    response = step(sokha, assessment, "submit")
    assert "can be submitted for approval" in response.content.decode()
    assert len(status_changes(assessment)) == 1


def test_another_organisation_cannot_submit(shares_with_legal_aid, sokha, vicheka, child) -> None:
    assessment = start(child, sokha)
    assert step(vicheka, assessment, "submit").status_code == 403
    assert Assessment.objects.get(pk=assessment.pk).status == Status.DRAFT
