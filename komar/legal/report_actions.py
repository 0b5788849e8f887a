"""The court report's workflow, audited: drafted, edited section by section, submitted, then
approved by a supervisor of the author's organisation (final: frozen and numbered) or returned
to a draft with a note. A correction of a final report is a new report that supersedes it: the
old one stays final until the correction is approved, and is then superseded.

A draft is edited with optimistic locking on `CourtReport.version` (bumped by every edit and
every step, so a form opened before a step is refused rather than applied).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from komar.accounts.models import Role, User
from komar.audit.actions import write_audit
from komar.audit.models import AuditEntry
from komar.cases.actions import EditConflict, InvalidAction
from komar.cases.findings import refresh_for
from komar.cases.models import Mother
from komar.legal import report
from komar.legal.models import CourtReport

Status = CourtReport.Status
# Who drafts a report: the legal officer or the social worker who knows her file.
AUTHOR_ROLES = frozenset({Role.LEGAL_OFFICER, Role.SOCIAL_WORKER})
# Who approves or returns one: a supervisor of the author's organisation.
REVIEWER_ROLES = frozenset({Role.SUPERVISOR})
# The report's statuses in which it is still being written (one at a time per woman).
OPEN_STATUSES = (Status.DRAFT, Status.IN_REVIEW)
# The audited field names that make a person one of the report's writers.
WRITING_FIELDS = frozenset({"sections", "submitted_at"})


class NotAllowed(InvalidAction):
    """The user may not take this step, or the report is not in a state that allows it."""


def may_draft(user: User, mother: Mother) -> bool:
    """A legal officer or a social worker with an organisation, on an open case in custody."""
    return (
        user.can_write_cases
        and user.role in AUTHOR_ROLES
        and user.organisation_id is not None
        and not mother.is_closed
        and mother.latest_episode_id is not None
    )


def _same_organisation(user: User, court_report: CourtReport) -> bool:
    organisation_id = court_report.author.organisation_id
    return organisation_id is not None and user.organisation_id == organisation_id


def may_write(user: User, court_report: CourtReport) -> bool:
    """Edit, submit or correct it: case writers of the author's organisation."""
    return user.can_write_cases and _same_organisation(user, court_report)


def writers(court_report: CourtReport) -> set[int]:
    """Everyone who drafted, edited or submitted it (none of them may approve it)."""
    entries = AuditEntry.objects.filter(
        object_type=CourtReport._meta.label_lower,
        object_code=str(court_report.code),
        action__in=[AuditEntry.Action.CREATE, AuditEntry.Action.CHANGE],
    ).values_list("actor_id", "action", "fields")
    found = {court_report.author_id}
    for actor_id, action, fields in entries:
        if action == AuditEntry.Action.CREATE or WRITING_FIELDS.intersection(fields):
            found.add(actor_id)
    return found


def may_review(user: User, court_report: CourtReport) -> bool:
    """A supervisor of the author's organisation who wrote none of it."""
    return (
        user.is_active
        and user.role in REVIEWER_ROLES
        and _same_organisation(user, court_report)
        and user.pk not in writers(court_report)
    )


def open_report(mother: Mother) -> CourtReport | None:
    """Her report still being written, if any (a draft or one waiting for review)."""
    return CourtReport.objects.filter(mother=mother, status__in=OPEN_STATUSES).first()


def _audit(
    court_report: CourtReport, action: str, fields: Sequence[str], actor: User, ip: str | None
) -> None:
    write_audit(
        actor=actor,
        action=action,
        obj=court_report,
        mother=court_report.mother,
        fields=fields,
        ip=ip,
    )


@transaction.atomic
def do_start_report(
    mother: Mother,
    *,
    language: str = "km",
    actor: User,
    ip: str | None = None,
    today: dt.date | None = None,
) -> CourtReport:
    """A new draft, its sections drafted from her file and her latest screening."""
    # Her row is locked: two people starting a report at once make one.
    mother = (
        Mother.objects.select_for_update(of=("self",))
        .select_related("latest_episode__facility")
        .get(pk=mother.pk)
    )
    if not may_draft(actor, mother):
        raise NotAllowed("only a legal officer or a social worker drafts a court report")
    if open_report(mother) is not None:
        raise NotAllowed("she has a report still being written")
    if language not in dict(CourtReport._meta.get_field("language").choices or []):
        raise NotAllowed("the report is written in Khmer or English")
    episode = mother.latest_episode
    assert episode is not None
    screening = report.latest_screening(episode)
    facts = report.load_facts(mother, episode, screening, today or timezone.localdate())
    court_report = CourtReport.objects.create(
        mother=mother,
        episode=episode,
        screening=screening,
        language=language,
        sections=report.draft_sections(facts, language),
        author=actor,
    )
    fields = ["episode", "language", "sections", *(["screening"] if screening else [])]
    _audit(court_report, AuditEntry.Action.CREATE, fields, actor, ip)
    refresh_for(mother)
    return court_report


def _locked(court_report: CourtReport) -> CourtReport:
    return (
        CourtReport.objects.select_for_update(of=("self",))
        .select_related("mother", "author", "supersedes")
        .get(pk=court_report.pk)
    )


@transaction.atomic
def do_change_report(
    court_report: CourtReport,
    sections: Mapping[str, str],
    *,
    expected_version: int,
    actor: User,
    ip: str | None = None,
) -> CourtReport:
    """Save the sections of a draft, if no one saved it since `expected_version`."""
    current = _locked(court_report)
    if not may_write(actor, current):
        raise NotAllowed("only the author's organisation edits its report")
    if current.status != Status.DRAFT:
        # A final report is frozen: a correction is a new version.
        raise NotAllowed("only a draft can be edited")
    if current.version != expected_version:
        raise EditConflict(current)
    unknown = set(sections) - set(report.SECTION_KEYS)
    if unknown:
        raise NotAllowed(f"no such section: {sorted(unknown)}")
    # Browsers send a textarea's lines as CRLF: stored with plain newlines (paragraphs).
    typed = {k: "\n".join(v.strip().splitlines()) for k, v in sections.items()}
    merged = {**current.sections, **typed}
    if merged == current.sections:
        return current
    current.sections = merged
    current.version += 1  # the row is locked: no one else can bump it meanwhile
    current.updated_at = timezone.now()
    current.save(update_fields=["sections", "version", "updated_at"])
    _audit(current, AuditEntry.Action.CHANGE, ["sections"], actor, ip)
    return current


def _transition(
    current: CourtReport,
    *,
    to: str,
    changes: Mapping[str, Any],
    actor: User,
    ip: str | None,
) -> CourtReport:
    fields = {"status": to, **changes}
    for name, value in fields.items():
        setattr(current, name, value)
    current.version += 1  # the row is locked: no one else can bump it meanwhile
    current.updated_at = timezone.now()
    current.save(update_fields=[*fields, "version", "updated_at"])
    _audit(current, AuditEntry.Action.CHANGE, list(fields), actor, ip)
    return current


@transaction.atomic
def do_submit_report(
    court_report: CourtReport, *, actor: User, ip: str | None = None
) -> CourtReport:
    """Send a draft to a supervisor of the author's organisation."""
    current = _locked(court_report)
    if not may_write(actor, current):
        raise NotAllowed("only the author's organisation submits its report")
    if current.status != Status.DRAFT:
        raise NotAllowed("only a draft is submitted")
    submitted = _transition(
        current,
        to=Status.IN_REVIEW,
        changes={"submitted_at": timezone.now()},
        actor=actor,
        ip=ip,
    )
    refresh_for(submitted.mother)
    return submitted


@transaction.atomic
def do_return_report(
    court_report: CourtReport, *, note: str, actor: User, ip: str | None = None
) -> CourtReport:
    """Back to a draft, with the supervisor's note of what to change."""
    current = _locked(court_report)
    if not may_review(actor, current):
        raise NotAllowed("only another supervisor of the author's organisation returns it")
    if current.status != Status.IN_REVIEW:
        raise NotAllowed("only a report waiting for review is returned")
    if not note.strip():
        raise NotAllowed("returning a report needs a note")
    returned = _transition(
        current,
        to=Status.DRAFT,
        changes={"reviewer": actor, "review_note": note.strip()},
        actor=actor,
        ip=ip,
    )
    refresh_for(returned.mother)
    return returned


def _next_number(mother: Mother) -> str:
    """Her case number, "/R" and the count of her numbered reports: "SR-2026-0042/R2"."""
    numbered = CourtReport.objects.filter(mother=mother).exclude(number="").count()
    return f"{mother.case_number}/R{numbered + 1}"


@transaction.atomic
def do_approve_report(
    court_report: CourtReport, *, note: str = "", actor: User, ip: str | None = None
) -> CourtReport:
    """Final: frozen and numbered. The report it corrects, if any, is superseded."""
    # Her row first, then the report's: numbers are given one at a time per woman.
    mother = Mother.objects.select_for_update().get(pk=court_report.mother_id)
    current = _locked(court_report)
    if not may_review(actor, current):
        raise NotAllowed("only another supervisor of the author's organisation approves it")
    if current.status != Status.IN_REVIEW:
        raise NotAllowed("only a report waiting for review is approved")
    final = _transition(
        current,
        to=Status.FINAL,
        changes={
            "number": _next_number(mother),
            "reviewer": actor,
            "review_note": note.strip(),
            "finalised_at": timezone.now(),
        },
        actor=actor,
        ip=ip,
    )
    if final.supersedes_id is not None:
        old = CourtReport.objects.select_for_update().get(pk=final.supersedes_id)
        if old.status == Status.FINAL:
            _transition(old, to=Status.SUPERSEDED, changes={}, actor=actor, ip=ip)
    refresh_for(mother)
    return final


@transaction.atomic
def do_correct_report(
    court_report: CourtReport, *, actor: User, ip: str | None = None
) -> CourtReport:
    """A new draft that will supersede a final report, starting from its sections."""
    current = _locked(court_report)
    if not may_write(actor, current) or not may_draft(actor, current.mother):
        raise NotAllowed("only the author's organisation corrects its report")
    if current.status != Status.FINAL:
        raise NotAllowed("only a final report is corrected")
    if CourtReport.objects.filter(supersedes=current).exists():
        raise NotAllowed("a correction of this report already exists")
    if open_report(current.mother) is not None:
        raise NotAllowed("she has a report still being written")
    correction = CourtReport.objects.create(
        mother=current.mother,
        episode=current.episode,
        screening=current.screening,
        language=current.language,
        sections=dict(current.sections),
        supersedes=current,
        author=actor,
    )
    fields = ["episode", "language", "sections", "supersedes"]
    _audit(correction, AuditEntry.Action.CREATE, fields, actor, ip)
    refresh_for(current.mother)
    return correction
