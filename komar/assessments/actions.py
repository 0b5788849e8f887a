"""Best-interests assessments and determinations: the workflow and its rules, audited.

Draft → submitted → approved, or returned with comments (and then submitted again). Only a
supervisor (or administrator) of the assessment's organisation approves or returns it, and
never one she wrote herself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from komar.accounts.models import Role, User
from komar.assessments.models import (
    DETERMINATION_NEWEST_FIRST,
    Assessment,
    AssessmentElement,
    Determination,
    PanelMember,
)
from komar.audit.actions import write_audit
from komar.audit.models import AuditEntry
from komar.cases.actions import EditConflict, enforce_dates
from komar.cases.date_rules import Problem, check_about_child, plain_date
from komar.cases.findings import refresh_for
from komar.cases.models import Child
from komar.counselling.models import CareOption, ChildDecision

Status = Assessment.Status
APPROVER_ROLES = frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR})


class NotAllowed(Exception):
    """The user may not take this step, or the assessment is not in a state that allows it."""


class DeterminationReason:
    CONTESTED = "contested"
    OVER_LIMIT = "over_limit"
    INSTITUTION = "institution"


def _against_her_wish(decision: ChildDecision) -> bool:
    """Decided by others against her wish: so recorded, or by officials or a court for another
    option than the one she said she preferred."""
    by = ChildDecision.DecidedBy
    if decision.decided_by == by.OTHERS_AGAINST_HER_WISH:
        return True
    if decision.decided_by not in (by.OFFICIALS, by.COURT):
        return False
    preference = decision.session.preference
    return bool(preference) and preference != decision.decision


def determination_reasons(
    assessment: Assessment | None,
    child: Child,
    today: dt.date,
    decision: ChildDecision | None = None,
) -> list[str]:
    """Why a formal determination is required (Bangkok Rule 52; UN Alternative Care Guidelines).

    `assessment` is the child's latest best-interests assessment past the draft stage and
    `decision` the latest decision of a counselling session: a separation decided against the
    mother's wish is contested, and an institution proposed in either is a reason.
    """
    reasons = []
    contested_in_session = (
        decision is not None
        and decision.decision != CareOption.WITH_MOTHER
        and _against_her_wish(decision)
    )
    if (assessment is not None and assessment.mother_contests_separation) or contested_in_session:
        reasons.append(DeterminationReason.CONTESTED)
    if child.is_inside and child.days_left(today) < 0:
        reasons.append(DeterminationReason.OVER_LIMIT)
    if (assessment is not None and assessment.recommendation == CareOption.INSTITUTION) or (
        decision is not None and decision.decision == CareOption.INSTITUTION
    ):
        reasons.append(DeterminationReason.INSTITUTION)
    return reasons


def can_approve(assessment: Assessment, user: User) -> bool:
    """A supervisor (or administrator) of the assessing organisation who wrote none of it."""
    return (
        user.is_active
        and user.role in APPROVER_ROLES
        and user.organisation_id == assessment.organisation_id
        and user.pk != assessment.assessor_id
        and not assessment.authors.filter(pk=user.pk).exists()
    )


def _save_elements(assessment: Assessment, elements: Mapping[str, tuple[str, str]]) -> list[str]:
    changed = []
    existing = {e.element: e for e in assessment.elements.all()}
    for code, (evidence, rating) in elements.items():
        row = existing.get(code)
        if row is None:
            AssessmentElement.objects.create(
                assessment=assessment, element=code, evidence=evidence, rating=rating
            )
            changed.append(code)
        elif (row.evidence, row.rating) != (evidence, rating):
            row.evidence, row.rating = evidence, rating
            row.save(update_fields=["evidence", "rating"])
            changed.append(code)
    return changed


def assessment_problems(child: Child, assessed_on: dt.date) -> list[Problem]:
    """An assessment is of a child already born (the form and the actions check this)."""
    return plain_date("assessed_on", assessed_on) + check_about_child(
        field_name="assessed_on",
        day=assessed_on,
        child_born=child.date_of_birth,
        what=_("The assessment"),
    )


def determination_problems(child: Child, held_on: dt.date) -> list[Problem]:
    return plain_date("held_on", held_on) + check_about_child(
        field_name="held_on", day=held_on, child_born=child.date_of_birth, what=_("The panel")
    )


@transaction.atomic
def do_start_assessment(
    child: Child,
    data: Mapping[str, Any],
    *,
    elements: Mapping[str, tuple[str, str]],
    actor: User,
    ip: str | None = None,
) -> Assessment:
    if actor.organisation is None:
        raise NotAllowed("an assessor needs an organisation")
    enforce_dates(assessment_problems(child, data["assessed_on"]), ())
    assessment = Assessment.objects.create(
        child=child, organisation=actor.organisation, assessor=actor, **data
    )
    assessment.authors.add(actor)
    changed = _save_elements(assessment, elements)
    write_audit(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        obj=assessment,
        mother=child.mother,
        fields=[k for k, v in data.items() if v not in ("", None, False)] + changed,
        ip=ip,
    )
    refresh_for(child.mother)
    return assessment


@transaction.atomic
def do_change_assessment(
    assessment: Assessment,
    data: Mapping[str, Any],
    *,
    elements: Mapping[str, tuple[str, str]],
    expected_version: int,
    actor: User,
    ip: str | None = None,
) -> Assessment:
    current = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if current.version != expected_version:
        raise EditConflict(current)
    if not current.is_editable:
        raise NotAllowed("only a draft or a returned assessment can be changed")
    enforce_dates(
        assessment_problems(current.child, data.get("assessed_on", current.assessed_on)), ()
    )
    fields = [k for k, v in data.items() if getattr(current, k) != v]
    for name in fields:
        setattr(current, name, data[name])
    changed = fields + _save_elements(current, elements)
    if changed:
        current.authors.add(actor)
        current.version += 1  # the row is locked: no one else can bump it meanwhile
        current.save(update_fields=[*fields, "version"])
        write_audit(
            actor=actor,
            action=AuditEntry.Action.CHANGE,
            obj=current,
            mother=current.child.mother,
            fields=changed,
            ip=ip,
        )
        refresh_for(current.child.mother)
    return current


def _transition(
    assessment: Assessment,
    *,
    to: str,
    allowed_from: Sequence[str],
    actor: User,
    ip: str | None,
    extra: Mapping[str, Any] | None = None,
) -> Assessment:
    current = (
        Assessment.objects.select_for_update().select_related("child__mother").get(pk=assessment.pk)
    )
    if current.status not in allowed_from:
        raise NotAllowed(f"cannot move from {current.status} to {to}")
    fields = {"status": to, **(extra or {})}
    for name, value in fields.items():
        setattr(current, name, value)
    current.version += 1
    current.save(update_fields=[*fields, "version"])
    write_audit(
        actor=actor,
        action=AuditEntry.Action.CHANGE,
        obj=current,
        mother=current.child.mother,
        fields=list(fields),
        ip=ip,
    )
    refresh_for(current.child.mother)
    return current


@transaction.atomic
def do_submit_assessment(
    assessment: Assessment, *, actor: User, ip: str | None = None
) -> Assessment:
    if actor.organisation_id != assessment.organisation_id:
        raise NotAllowed("only the assessing organisation submits its assessment")
    submitted = _transition(
        assessment,
        to=Status.SUBMITTED,
        allowed_from=[Status.DRAFT, Status.RETURNED],
        actor=actor,
        ip=ip,
        extra={"submitted_at": timezone.now()},
    )
    submitted.authors.add(actor)
    return submitted


@transaction.atomic
def do_approve_assessment(
    assessment: Assessment, *, comments: str = "", actor: User, ip: str | None = None
) -> Assessment:
    if not can_approve(assessment, actor):
        raise NotAllowed("only another supervisor of the same organisation approves")
    return _transition(
        assessment,
        to=Status.APPROVED,
        allowed_from=[Status.SUBMITTED],
        actor=actor,
        ip=ip,
        extra={"decided_by": actor, "decided_at": timezone.now(), "reviewer_comments": comments},
    )


@transaction.atomic
def do_return_assessment(
    assessment: Assessment, *, comments: str, actor: User, ip: str | None = None
) -> Assessment:
    if not can_approve(assessment, actor):
        raise NotAllowed("only another supervisor of the same organisation returns it")
    if not comments.strip():
        raise NotAllowed("returning an assessment needs comments")
    return _transition(
        assessment,
        to=Status.RETURNED,
        allowed_from=[Status.SUBMITTED],
        actor=actor,
        ip=ip,
        extra={"decided_by": actor, "decided_at": timezone.now(), "reviewer_comments": comments},
    )


@transaction.atomic
def do_record_determination(
    child: Child,
    data: Mapping[str, Any],
    *,
    assessment: Assessment | None,
    reasons: Sequence[str],
    members: Sequence[tuple[str, str]],
    actor: User,
    ip: str | None = None,
) -> Determination:
    """Record a panel's determination. A panel has at least three members (UNHCR BID practice)."""
    if len(members) < 3:
        raise NotAllowed("a panel has at least three members")
    enforce_dates(determination_problems(child, data["held_on"]), ())
    determination = Determination.objects.create(
        child=child, assessment=assessment, reasons=list(reasons), recorded_by=actor, **data
    )
    PanelMember.objects.bulk_create(
        PanelMember(determination=determination, name=name, role=role) for name, role in members
    )
    write_audit(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        obj=determination,
        mother=child.mother,
        fields=[*data, "reasons", "members"],
        ip=ip,
    )
    mark_latest_determination(child)
    refresh_for(child.mother)
    return determination


def mark_latest_determination(child: Child) -> None:
    """Only the child's most recent determination is `is_latest`."""
    rows = Determination.objects.filter(child=child)
    latest = rows.order_by(*DETERMINATION_NEWEST_FIRST).values_list("pk", flat=True).first()
    if latest is None:
        return
    rows.filter(is_latest=True).exclude(pk=latest).update(is_latest=False)
    rows.filter(pk=latest, is_latest=False).update(is_latest=True)
