"""Writes for counselling sessions: atomic, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from komar.accounts.models import User
from komar.audit.actions import write_audit
from komar.audit.models import AuditEntry
from komar.cases.actions import EditConflict, enforce_dates
from komar.cases.date_rules import History, Problem, check_about_child, check_event
from komar.cases.findings import refresh_for
from komar.cases.models import Child, Mother
from komar.counselling.models import (
    DECISION_FIELDS,
    SESSION_NEWEST_FIRST,
    CareOption,
    ChildDecision,
    CounsellingSession,
    Factor,
    SessionFactor,
    Stage,
)


class InvalidSession(Exception):
    pass


# Stages held while she is in custody, and the one that cannot be: the dates must agree.
STAGES_IN_CUSTODY = (
    Stage.AT_ADMISSION,
    Stage.IN_CUSTODY,
    Stage.APPROACHING_LIMIT,
    Stage.BEFORE_RELEASE,
)


def session_problems(
    mother: Mother,
    *,
    held_on: dt.date,
    stage: str,
    children: Sequence[Child],
    history: History | None = None,
) -> list[tuple[Child | None, Problem]]:
    """The date rules of a session: after her birth, at a stage that fits her custody that
    day, and deciding only for children already born (the unborn child has a row of its own).
    Each problem comes with the child whose decision it is about, or None for the session."""
    if history is None:
        history = History.of(mother)
    found: list[tuple[Child | None, Problem]] = [
        (None, p)
        for p in check_event(history, field_name="held_on", day=held_on, what=_("The session"))
    ]
    label = Stage(stage).label if stage in Stage.values else stage
    if stage in STAGES_IN_CUSTODY and not history.in_custody_on(held_on):
        found.append(
            (
                None,
                Problem(
                    "stage_outside_custody",
                    "held_on",
                    _(
                        "No custody of hers is recorded on this date, so the stage cannot be "
                        "“%(stage)s”: check the date and the stage, or record her admission first."
                    )
                    % {"stage": label},
                ),
            )
        )
    if stage == Stage.AT_ARREST:
        held = next((s for s in history.stays if s.holds_after_admission(held_on)), None)
        if held is not None:
            found.append(
                (
                    None,
                    Problem(
                        "arrest_in_custody",
                        "held_on",
                        _(
                            "She was in custody on this date (admitted on %(date)s), so the stage "
                            "cannot be “At arrest”: check the date and the stage."
                        )
                        % {"date": date_format(held.admitted)},
                    ),
                )
            )
    for child in children:
        found += [
            (child, p)
            for p in check_about_child(
                field_name="decision",
                day=held_on,
                child_born=child.date_of_birth,
                what=_("A decision for this child"),
            )
        ]
    return found


def _proposes_institution(data: Mapping[str, Any], decisions: Sequence[Mapping[str, Any]]) -> bool:
    return data.get("preference") == CareOption.INSTITUTION or any(
        d["decision"] == CareOption.INSTITUTION for d in decisions
    )


def _check(
    mother: Mother,
    data: Mapping[str, Any],
    factors: Sequence[Factor],
    main_factor: Factor | None,
    decisions: Sequence[Mapping[str, Any]],
) -> None:
    if main_factor is not None and main_factor not in factors:
        raise InvalidSession("the main factor must be one of the factors")
    if _proposes_institution(data, decisions) and not data.get("institution_justification"):
        raise InvalidSession("a residential institution needs a written justification")
    held_on, stage = data.get("held_on"), data.get("stage")
    if held_on is not None and stage:
        children = [d["child"] for d in decisions if isinstance(d.get("child"), Child)]
        found = session_problems(mother, held_on=held_on, stage=stage, children=children)
        enforce_dates([p for _child, p in found], ())
    seen = set()
    for d in decisions:
        child = d.get("child")
        if child is not None and (not isinstance(child, Child) or child.mother_id != mother.pk):
            raise InvalidSession("a decision names a child of another woman")
        key = child.pk if child is not None else None
        if key in seen:
            raise InvalidSession("two decisions for the same child")
        seen.add(key)


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
    _check(mother, data, factors, main_factor, decisions)
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
    mark_latest_session(mother)
    refresh_for(mother)
    return session


@transaction.atomic
def do_change_session(
    session: CounsellingSession,
    data: Mapping[str, Any],
    *,
    factors: Sequence[Factor],
    main_factor: Factor | None,
    decisions: Sequence[Mapping[str, Any]],
    expected_version: int,
    actor: User,
    ip: str | None = None,
) -> CounsellingSession:
    """Correct a session: its fields, its factors and the decision for each child.

    Raises `EditConflict` when someone saved it since `expected_version`. The facility facts stay
    as she was told them that day. A child's decision is changed in place, added, or (when the
    correction leaves that child without a decision) deleted; each is audited.
    """
    current = CounsellingSession.objects.select_for_update().get(pk=session.pk)
    if current.version != expected_version:
        raise EditConflict(current)
    mother = current.mother
    _check(mother, data, factors, main_factor, decisions)
    fields = [name for name, value in data.items() if getattr(current, name) != value]
    for name in fields:
        setattr(current, name, data[name])
    saved_factors = {(sf.factor_id, sf.is_main) for sf in current.session_factors.all()}
    if saved_factors != {(f.pk, f == main_factor) for f in factors}:
        current.session_factors.all().delete()
        SessionFactor.objects.bulk_create(
            SessionFactor(session=current, factor=f, is_main=(f == main_factor)) for f in factors
        )
        fields.append("factors")
    if _change_decisions(current, decisions, actor=actor, ip=ip):
        fields.append("decisions")
    if fields:
        current.version += 1  # the row is locked: no one else can bump it meanwhile
        columns = [name for name in fields if name not in ("factors", "decisions")]
        current.save(update_fields=[*columns, "version"])
        write_audit(
            actor=actor,
            action=AuditEntry.Action.CHANGE,
            obj=current,
            mother=mother,
            fields=fields,
            ip=ip,
        )
        mark_latest_session(mother)
        refresh_for(mother)
    return current


def mark_latest_session(mother: Mother) -> None:
    """Only her most recent session is `is_latest` (a corrected date can change which)."""
    sessions = CounsellingSession.objects.filter(mother=mother)
    latest = sessions.order_by(*SESSION_NEWEST_FIRST).values_list("pk", flat=True).first()
    if latest is None:
        return
    sessions.filter(is_latest=True).exclude(pk=latest).update(is_latest=False)
    sessions.filter(pk=latest, is_latest=False).update(is_latest=True)


def _change_decisions(
    session: CounsellingSession,
    decisions: Sequence[Mapping[str, Any]],
    *,
    actor: User,
    ip: str | None,
) -> bool:
    saved = {d.child_id: d for d in session.decisions.all()}
    wanted = {(d["child"].pk if d.get("child") is not None else None): d for d in decisions}
    changed = False
    for child_id, gone in saved.items():
        if child_id not in wanted:
            write_audit(
                actor=actor,
                action=AuditEntry.Action.DELETE,
                obj=gone,
                mother=session.mother,
                fields=list(DECISION_FIELDS),
                ip=ip,
            )
            gone.delete()
            changed = True
    for child_id, values in wanted.items():
        row = saved.get(child_id)
        if row is None:
            created = ChildDecision.objects.create(session=session, **values)
            write_audit(
                actor=actor,
                action=AuditEntry.Action.CREATE,
                obj=created,
                mother=session.mother,
                fields=[k for k, v in values.items() if v not in ("", None)],
                ip=ip,
            )
            changed = True
            continue
        fields = [name for name in DECISION_FIELDS if getattr(row, name) != values.get(name, "")]
        if fields:
            for name in fields:
                setattr(row, name, values.get(name, ""))
            row.save(update_fields=fields)
            write_audit(
                actor=actor,
                action=AuditEntry.Action.CHANGE,
                obj=row,
                mother=session.mother,
                fields=fields,
                ip=ip,
            )
            changed = True
    return changed
