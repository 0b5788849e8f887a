"""Writes to user accounts, each audited. Users are deactivated, never deleted."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from komar.accounts.models import Organisation, User
from komar.audit.actions import write_audit
from komar.audit.models import AuditEntry
from komar.facilities.models import Facility


class FacilitiesRefused(Exception):
    """A user may be given only facilities her organisation works in."""


def _check_facilities(organisation_id: int | None, facilities: Iterable[Facility]) -> None:
    wanted = {f.pk for f in facilities}
    if not wanted:
        return
    if organisation_id is None:
        raise FacilitiesRefused("a user without an organisation has no facilities")
    allowed = set(
        Organisation.facilities.through.objects.filter(organisation_id=organisation_id).values_list(
            "facility_id", flat=True
        )
    )
    if not wanted <= allowed:
        raise FacilitiesRefused("a facility her organisation does not work in")


@transaction.atomic
def do_set_organisation_facilities(
    organisation: Organisation,
    facilities: Iterable[Facility],
    *,
    actor: User | None,
    ip: str | None = None,
) -> None:
    """Set where an organisation works (a national administrator's decision). Its staff lose
    the facilities it no longer works in; every change is audited."""
    new = set(facilities)
    if new == set(organisation.facilities.all()):
        return
    organisation.facilities.set(new)
    write_audit(
        actor=actor,
        action=AuditEntry.Action.CHANGE,
        obj=organisation,
        mother=None,
        fields=["facilities"],
        ip=ip,
    )
    for user in User.objects.filter(organisation=organisation).prefetch_related("facilities"):
        kept = [f for f in user.facilities.all() if f in new]
        if len(kept) != len(user.facilities.all()):
            user.facilities.set(kept)
            write_audit(
                actor=actor,
                action=AuditEntry.Action.CHANGE,
                obj=user,
                mother=None,
                fields=["facilities"],
                ip=ip,
            )


@transaction.atomic
def do_create_user(
    data: Mapping[str, Any],
    *,
    facilities: Iterable[Facility],
    password: str,
    actor: User,
    ip: str | None = None,
) -> User:
    facilities = list(facilities)
    organisation = data.get("organisation")
    _check_facilities(getattr(organisation, "pk", organisation), facilities)
    user = User.objects.create_user(password=password, **data)
    user.facilities.set(facilities)
    write_audit(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        obj=user,
        mother=None,
        fields=[*data.keys(), "facilities", "password"],
        ip=ip,
    )
    return user


@transaction.atomic
def do_change_user(
    user: User,
    data: Mapping[str, Any],
    *,
    facilities: Iterable[Facility],
    actor: User,
    ip: str | None = None,
) -> User:
    # Compare with the stored row: a bound ModelForm has already copied values onto `user`.
    user = User.objects.select_for_update().get(pk=user.pk)
    facilities = list(facilities)
    _check_facilities(user.organisation_id, facilities)
    changed = [name for name, value in data.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, data[name])
    if changed:
        user.save(update_fields=changed)
    new_facilities = set(facilities)
    if new_facilities != set(user.facilities.all()):
        user.facilities.set(new_facilities)
        changed.append("facilities")
    if changed:
        write_audit(
            actor=actor,
            action=AuditEntry.Action.CHANGE,
            obj=user,
            mother=None,
            fields=changed,
            ip=ip,
        )
    return user


@transaction.atomic
def do_set_user_password(user: User, password: str, *, actor: User, ip: str | None = None) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])
    write_audit(
        actor=actor,
        action=AuditEntry.Action.CHANGE,
        obj=user,
        mother=None,
        fields=["password"],
        ip=ip,
    )


@transaction.atomic
def do_set_user_language(user: User, language: str) -> None:
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


@transaction.atomic
def do_unlock_user(user: User, *, actor: User, ip: str | None = None) -> None:
    """Lift a lockout after repeated failed logins (django-axes keeps the attempts)."""
    from axes.utils import reset

    reset(username=user.username)
    write_audit(
        actor=actor,
        action=AuditEntry.Action.CHANGE,
        obj=user,
        mother=None,
        fields=["lockout"],
        ip=ip,
    )
