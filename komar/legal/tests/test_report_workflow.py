"""The court report's workflow, through its actions: drafted, edited, submitted, returned or
approved by a supervisor of the author's organisation, frozen and numbered, corrected by a new
version that supersedes it; every step audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from komar.accounts.models import Organisation, Role, User
from komar.audit.models import AuditEntry
from komar.cases.actions import CaseClosed, EditConflict, do_decide_closure, do_request_closure
from komar.cases.models import Mother
from komar.conftest import make_user
from komar.facilities.models import Facility
from komar.legal.models import CourtReport
from komar.legal.report_actions import (
    NotAllowed,
    do_approve_report,
    do_change_report,
    do_correct_report,
    do_return_report,
    do_start_report,
    do_submit_report,
    may_review,
)
from komar.legal.tests.test_report_drafting import screen

Status = CourtReport.Status
pytestmark = pytest.mark.usefixtures("shares_with_legal_aid")


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def sreymom(legal_aid: Organisation, siem_reap: Facility) -> User:
    """A supervisor of vicheka's legal-aid organisation."""
    return make_user("sreymom", legal_aid, Role.SUPERVISOR, [siem_reap])


@pytest.fixture
def draft(vicheka: User, sophea: Mother) -> CourtReport:
    screen(sophea, vicheka)
    return do_start_report(sophea, language="km", actor=vicheka, ip="10.0.0.7")


def entries(report: CourtReport) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_code=str(report.code)).order_by("at", "id"))


def submitted(report: CourtReport, author: User) -> CourtReport:
    return do_submit_report(report, actor=author)


def test_it_starts_a_draft_from_her_file_audited_by_field_names(vicheka, sophea, draft) -> None:
    assert draft.status == Status.DRAFT
    assert draft.author == vicheka and draft.mother == sophea
    assert draft.episode == sophea.latest_episode and draft.screening is not None
    assert draft.language == "km" and draft.number == ""
    assert "ស្រី សុភា" in draft.sections["circumstances"]
    (entry,) = entries(draft)
    assert entry.action == "create" and entry.actor == vicheka and entry.mother == sophea
    assert entry.fields == ["episode", "language", "screening", "sections"]
    assert entry.ip_address == "10.0.0.7"


def test_a_social_worker_drafts_one_too(sokha, sophea) -> None:
    assert do_start_report(sophea, language="en", actor=sokha).author == sokha


@pytest.mark.parametrize("who", ["dara", "monitor", "researcher"])
def test_only_a_legal_officer_or_a_social_worker_drafts_one(who, request, sophea) -> None:
    with pytest.raises(NotAllowed):
        do_start_report(sophea, actor=request.getfixturevalue(who))
    assert not CourtReport.objects.exists()


def test_she_has_one_report_being_written_at_a_time(sokha, sophea, draft) -> None:
    with pytest.raises(NotAllowed):
        do_start_report(sophea, actor=sokha)
    submitted(draft, draft.author)
    with pytest.raises(NotAllowed):
        do_start_report(sophea, actor=sokha)
    assert CourtReport.objects.count() == 1


def test_each_section_is_edited_with_optimistic_locking(vicheka, sokha, draft) -> None:
    changed = do_change_report(
        draft,
        {"health": "  She is breastfeeding.  ", "additional": "Written in by the author."},
        expected_version=1,
        actor=vicheka,
    )
    assert changed.version == 2
    assert changed.sections["health"] == "She is breastfeeding."
    assert changed.sections["additional"] == "Written in by the author."
    assert changed.sections["grounds"] == draft.sections["grounds"]  # the others kept
    assert entries(changed)[-1].fields == ["sections"]
    # A second person who opened version 1 is refused, and nothing is written.
    with pytest.raises(EditConflict) as conflict:
        do_change_report(draft, {"health": "Mine"}, expected_version=1, actor=vicheka)
    assert conflict.value.current.sections["health"] == "She is breastfeeding."
    assert CourtReport.objects.get().sections["health"] == "She is breastfeeding."
    assert len(entries(draft)) == 2


def test_saving_nothing_new_writes_nothing(vicheka, draft) -> None:
    same = do_change_report(draft, dict(draft.sections), expected_version=1, actor=vicheka)
    assert same.version == 1 and len(entries(draft)) == 1


def test_an_unknown_section_is_refused(vicheka, draft) -> None:
    with pytest.raises(NotAllowed):
        do_change_report(draft, {"offence_details": "x"}, expected_version=1, actor=vicheka)


def test_only_the_authors_organisation_edits_it(sokha, draft) -> None:
    with pytest.raises(NotAllowed):
        do_change_report(draft, {"health": "x"}, expected_version=1, actor=sokha)
    with pytest.raises(NotAllowed):
        do_submit_report(draft, actor=sokha)


def test_submit_then_approve_makes_it_final_frozen_and_numbered(
    vicheka, sreymom, sophea, draft
) -> None:
    report = submitted(draft, vicheka)
    assert report.status == Status.IN_REVIEW and report.submitted_at is not None
    with pytest.raises(NotAllowed):  # not editable while it waits for review
        do_change_report(report, {"health": "x"}, expected_version=report.version, actor=vicheka)
    final = do_approve_report(report, note="Good.", actor=sreymom)
    assert final.status == Status.FINAL
    assert final.number == f"{sophea.case_number}/R1"
    assert final.reviewer == sreymom and final.review_note == "Good."
    assert final.finalised_at is not None
    steps = [(e.actor.username, e.action, e.fields) for e in entries(final)]
    assert steps == [
        ("vicheka", "create", ["episode", "language", "screening", "sections"]),
        ("vicheka", "change", ["status", "submitted_at"]),
        ("sreymom", "change", ["finalised_at", "number", "review_note", "reviewer", "status"]),
    ]
    # Frozen: the action refuses, whatever version it is given.
    for version in (final.version, final.version - 1):
        with pytest.raises(NotAllowed):
            do_change_report(final, {"health": "x"}, expected_version=version, actor=vicheka)
    assert CourtReport.objects.get().sections == draft.sections


def test_a_returned_report_is_a_draft_again_with_the_note(vicheka, sreymom, draft) -> None:
    report = submitted(draft, vicheka)
    with pytest.raises(NotAllowed):
        do_return_report(report, note="  ", actor=sreymom)
    returned = do_return_report(report, note="Add the hearing date.", actor=sreymom)
    assert returned.status == Status.DRAFT and returned.number == ""
    assert returned.review_note == "Add the hearing date." and returned.reviewer == sreymom
    assert entries(returned)[-1].fields == ["review_note", "reviewer", "status"]
    # She edits it and submits it again; the supervisor who returned it may still approve.
    edited = do_change_report(
        returned,
        {"additional": "Hearing on 2 April."},
        expected_version=returned.version,
        actor=vicheka,
    )
    final = do_approve_report(submitted(edited, vicheka), actor=sreymom)
    assert final.status == Status.FINAL


def test_only_a_supervisor_of_the_authors_organisation_approves(
    vicheka, dara, sreymom, draft
) -> None:
    report = submitted(draft, vicheka)
    # Sophea's own NGO's supervisor is not the author's organisation's.
    for someone in (dara, vicheka):
        assert not may_review(someone, report)
        with pytest.raises(NotAllowed):
            do_approve_report(report, actor=someone)
        with pytest.raises(NotAllowed):
            do_return_report(report, note="No.", actor=someone)
    assert CourtReport.objects.get().status == Status.IN_REVIEW
    assert may_review(sreymom, report)


def test_the_author_does_not_approve_her_own(
    vicheka, sreymom, legal_aid, siem_reap, sophea
) -> None:
    # A supervisor who wrote part of it (here: edited a section) is one of its authors.
    report = do_start_report(sophea, actor=vicheka)
    report = do_change_report(
        report, {"additional": "Written by the supervisor."}, expected_version=1, actor=sreymom
    )
    report = submitted(report, vicheka)
    with pytest.raises(NotAllowed):
        do_approve_report(report, actor=sreymom)
    other = make_user("bopha", legal_aid, Role.SUPERVISOR, [siem_reap])
    assert do_approve_report(report, actor=other).status == Status.FINAL


def test_a_report_not_in_review_is_neither_approved_nor_returned(sreymom, draft) -> None:
    with pytest.raises(NotAllowed):
        do_approve_report(draft, actor=sreymom)
    with pytest.raises(NotAllowed):
        do_return_report(draft, note="x", actor=sreymom)


def _final(report: CourtReport, author: User, reviewer: User) -> CourtReport:
    return do_approve_report(submitted(report, author), actor=reviewer)


def test_a_correction_is_a_new_version_that_supersedes_it(vicheka, sreymom, sophea, draft) -> None:
    first = _final(draft, vicheka, sreymom)
    correction = do_correct_report(first, actor=vicheka)
    assert correction.status == Status.DRAFT and correction.supersedes == first
    assert correction.sections == first.sections and correction.language == first.language
    assert entries(correction)[0].fields == ["episode", "language", "sections", "supersedes"]
    # The first stays the final report until the correction is approved.
    first.refresh_from_db()
    assert first.status == Status.FINAL
    with pytest.raises(NotAllowed):  # one correction per report
        do_correct_report(first, actor=vicheka)
    correction = do_change_report(
        correction,
        {"additional": "Corrected: the hearing is on 2 April."},
        expected_version=correction.version,
        actor=vicheka,
    )
    second = _final(correction, vicheka, sreymom)
    first.refresh_from_db()
    assert first.status == Status.SUPERSEDED
    assert second.status == Status.FINAL and second.number == f"{sophea.case_number}/R2"
    assert first.number == f"{sophea.case_number}/R1"  # its number stays
    assert [(e.actor, e.fields) for e in entries(first)][-1] == (sreymom, ["status"])
    with pytest.raises(NotAllowed):  # a superseded report is not corrected again
        do_correct_report(first, actor=vicheka)


def test_only_a_final_report_is_corrected(vicheka, draft) -> None:
    with pytest.raises(NotAllowed):
        do_correct_report(draft, actor=vicheka)


def test_a_closed_case_refuses_every_step(sokha, dara, vicheka, sophea, draft) -> None:
    closure = do_request_closure(sophea, reason="lost_contact", note="", actor=sokha)
    do_decide_closure(closure, approve=True, note="", actor=dara)
    with pytest.raises((CaseClosed, NotAllowed)):
        do_change_report(draft, {"health": "x"}, expected_version=1, actor=vicheka)
    with pytest.raises(CaseClosed):
        do_submit_report(draft, actor=vicheka)
    assert CourtReport.objects.get().status == Status.DRAFT
