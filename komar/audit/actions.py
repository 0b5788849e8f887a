"""Write audit entries. Called by other apps' actions inside their transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.db import models

from komar.audit.models import AuditEntry

if TYPE_CHECKING:
    from komar.accounts.models import User
    from komar.cases.models import Mother


# Checks every audited write passes first (views are not writes), registered at start-up by the
# apps above: the registry refuses any change to a closed case (`cases.actions.refuse_closed`).
# A check raises to refuse; the caller's transaction then rolls back whatever it wrote.
WriteCheck = Callable[[str, models.Model, "Mother | None"], None]
WRITE_CHECKS: list[WriteCheck] = []


def register_write_check(check: WriteCheck) -> None:
    if check not in WRITE_CHECKS:
        WRITE_CHECKS.append(check)


def write_audit(
    *,
    actor: User | None,
    action: str,
    obj: models.Model,
    mother: Mother | None,
    fields: Iterable[str] = (),
    ip: str | None = None,
    confirmed: Iterable[str] = (),
) -> AuditEntry:
    """One audit row for one record. `obj` must have a `code`; values are never stored.

    `confirmed` names the improbable dates the actor confirmed as right (no values either)."""
    if action != AuditEntry.Action.VIEW:
        for check in WRITE_CHECKS:
            check(action, obj, mother)
    return AuditEntry.objects.create(
        actor=actor,
        ip_address=ip,
        action=action,
        object_type=obj._meta.label_lower,
        object_code=str(obj.code),  # type: ignore[attr-defined]
        mother=mother,
        fields=sorted(fields),
        confirmed=sorted(set(confirmed)),
    )


def do_log_file_view(*, actor: User, obj: models.Model, mother: Mother, ip: str | None) -> None:
    """Record that someone opened a woman's or child's file."""
    write_audit(actor=actor, action=AuditEntry.Action.VIEW, obj=obj, mother=mother, ip=ip)


def do_log_list_view(
    *, actor: User, name: str, shown: int, searched: bool = False, ip: str | None = None
) -> None:
    """Record that someone opened a list of women (the case list, a search, "My work", a flag
    list): which list, how many rows it held, and whether it was a search. Never the query
    text, never a name: "shown=12" and "search" are the whole of it."""
    AuditEntry.objects.create(
        actor=actor,
        ip_address=ip,
        action=AuditEntry.Action.VIEW,
        object_type="list",
        object_code=name[:40],
        mother=None,
        fields=[f"shown={shown}", *(["search"] if searched else [])],
    )
