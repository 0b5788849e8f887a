"""Writes for counselling sessions: atomic, audited."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction

from komar.accounts.models import User
from komar.audit.actions import write_audit
from komar.audit.models import AuditEntry
from komar.cases.models import Child, Mother
from komar.counselling.models import (
    CareOption,
    ChildDecision,
    CounsellingSession,
    Factor,
    SessionFactor,
)


class InvalidSession(Exception):
    pass


def _proposes_institution(data: Mapping[str, Any], decisions: Sequence[Mapping[str, Any]]) -> bool:
    return data.get("preference") == CareOption.INSTITUTION or any(
        d["decision"] == CareOption.INSTITUTION for d in decisions
    )


@transaction.atomic
def do_record_session(
    mother: Mother,
    data: Mapping[str, Any],
    *,
    factors: Sequence[Factor],
    main_factor: Factor | None,
    decisions: Sequence[Mapping[str, Any]],
    actor: User,
    ip: str | None = None,
) -> CounsellingSession:
    """Record a session with the factors behind her choice and a decision for each child.

    `decisions` holds dicts with child (None for the unborn child), decision, decided_by,
    carer_name and notes. The facts of her facility are copied as they stand today.
    """
    if main_factor is not None and main_factor not in factors:
        raise InvalidSession("the main factor must be one of the factors")
    if _proposes_institution(data, decisions) and not data.get("institution_justification"):
        raise InvalidSession("a residential institution needs a written justification")
    for d in decisions:
        child = d.get("child")
        if child is not None and (not isinstance(child, Child) or child.mother_id != mother.pk):
            raise InvalidSession("a decision names a child of another woman")
    episode = mother.latest_episode
    facility = episode.facility if episode is not None and episode.is_open else None
    facts = {"en": facility.facts("en"), "km": facility.facts("km")} if facility else {}
    session = CounsellingSession.objects.create(
        mother=mother, counsellor=actor, facility=facility, facility_facts=facts, **data
    )
    SessionFactor.objects.bulk_create(
        SessionFactor(session=session, factor=f, is_main=(f == main_factor)) for f in factors
    )
    write_audit(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        obj=session,
        mother=mother,
        fields=[k for k, v in data.items() if v not in ("", None, False, [])]
        + (["factors"] if factors else []),
        ip=ip,
    )
    for d in decisions:
        decision = ChildDecision.objects.create(session=session, **d)
        write_audit(
            actor=actor,
            action=AuditEntry.Action.CREATE,
            obj=decision,
            mother=mother,
            fields=[k for k, v in d.items() if v not in ("", None)],
            ip=ip,
        )
    return session
