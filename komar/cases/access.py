"""Who may see which women and children. Every view reaches records through these getters.

A record outside the user's scope is a 404, never a 403 that would confirm it exists.

The scope (docs/data-protection.md, "Who sees a woman's file"): staff of the prison department
see the women held, or last held, in their facilities (their statutory duty to register every
woman and child); every organisation sees the women assigned to it, and those who have an
active consent to share with it or whose referral to it it accepted (an open `AccessGrant`).
A withdrawn consent ends its grant in the same transaction, so it takes effect on the next
request.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from komar.accounts.models import Organisation, User
from komar.cases.models import AccessGrant, Child, Closure, Consent, Mother, Referral


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "views using access getters require login"
    return user


def facility_ids(user: User) -> list[int]:
    """Her facilities, read once per request (the user object lives as long as the request)."""
    cached: list[int] | None = getattr(user, "_komar_facility_ids", None)
    if cached is None:
        cached = list(user.facilities.values_list("pk", flat=True))
        user._komar_facility_ids = cached  # type: ignore[attr-defined]
    return cached


def is_prison_staff(user: User) -> bool:
    """She works for the prison department (read once per request)."""
    cached: bool | None = getattr(user, "_komar_prison_staff", None)
    if cached is None:
        cached = user.organisation_id is not None and (
            Organisation.objects.filter(
                pk=user.organisation_id, kind=Organisation.Kind.PRISON_DEPARTMENT
            ).exists()
        )
        user._komar_prison_staff = cached  # type: ignore[attr-defined]
    return cached


def scope(user: User, prefix: str = "", *, each: Q | None = None, mother: str = "") -> Q:
    """The women a user may see, as a condition on a woman (or on `prefix`, e.g. "mother__"):
    for prison department staff, held or last held in her facilities; for everyone, assigned
    to her organisation, or shared with it (an open grant).

    The first two halves are indexed columns of the woman's row (`Mother.facility`, kept by the
    actions, and `Mother.organisation`), so lists, counts and single lookups need no join to
    episodes; the third reads the organisation's open grants from their partial index. `each`
    is added to every half of the OR, so that SQLite can serve each half from a partial index
    whose condition it repeats (the stored findings' open flags). `mother` names the woman's id
    where it is not `<prefix>id` (a finding's own `mother_id`).
    """
    if not user.can_read_cases or (user.organisation_id is None and not facility_ids(user)):
        return Q(pk__in=[])
    extra = each if each is not None else Q()
    halves: list[Q] = []
    if is_prison_staff(user):
        halves.append(Q(**{f"{prefix}facility_id__in": facility_ids(user)}) & extra)
    if user.organisation_id is not None:
        halves.append(Q(**{f"{prefix}organisation_id": user.organisation_id}) & extra)
        shared = AccessGrant.objects.filter(
            organisation_id=user.organisation_id, ended_at__isnull=True
        ).values("mother_id")
        halves.append(Q(**{f"{mother or prefix + 'id'}__in": shared}) & extra)
    if not halves:
        return Q(pk__in=[])
    condition = halves[0]
    for half in halves[1:]:
        condition |= half
    return condition


def scope_ids(user: User, field: str = "mother_id", *, mothers: Q | None = None) -> Q:
    """The same women as `scope(user)`, as the condition "`field` is the id of a woman in her
    scope", where the ids are one subquery: the UNION ALL of her scope's halves.

    A list that starts from a woman's children or records (her children inside, her hearings)
    cannot use the women's indexes through an OR across the join: SQLite then scans the child
    table (or the records), PostgreSQL a bitmap OR of the women. The union reads each half from
    its own index (`mother_org_list_idx`, `mother_facility_list_idx`, `grant_open_org_idx`)
    and the database goes from those ids to the rows through the foreign key's index. A woman
    in two halves is listed once: `IN` is a set. `mothers` narrows the two halves read from the
    women's own columns (`children_inside__gt=0`, say, which those indexes hold), for lists
    where it holds of every row; the grants half is left whole (the condition on her row is
    checked on the rows listed anyway)."""
    if not user.can_read_cases or (user.organisation_id is None and not facility_ids(user)):
        return Q(pk__in=[])
    own = mothers if mothers is not None else Q()
    halves: list[QuerySet[Any]] = []
    if is_prison_staff(user):
        halves.append(Mother.objects.filter(own, facility_id__in=facility_ids(user)).values("pk"))
    if user.organisation_id is not None:
        halves.append(Mother.objects.filter(own, organisation_id=user.organisation_id).values("pk"))
        halves.append(
            AccessGrant.objects.filter(
                organisation_id=user.organisation_id, ended_at__isnull=True
            ).values("mother_id")
        )
    if not halves:
        return Q(pk__in=[])
    first, *others = [half.order_by() for half in halves]
    return Q(**{f"{field}__in": first.union(*others, all=True) if others else first})


def mothers_for_user(user: User) -> QuerySet[Mother]:
    """The women in her scope (see `scope`)."""
    if not user.can_read_cases:
        return Mother.objects.none()
    return Mother.objects.filter(scope(user))


def require_case_reader(request: HttpRequest) -> User:
    user = _user(request)
    if not user.can_read_cases:
        raise PermissionDenied
    return user


def require_case_writer(request: HttpRequest) -> User:
    user = _user(request)
    if not user.can_write_cases:
        raise PermissionDenied
    return user


def get_mother_for_user(request: HttpRequest, code: uuid.UUID) -> Mother:
    user = _user(request)
    try:
        return (
            mothers_for_user(user)
            .select_related("latest_episode__facility", "organisation", "province")
            .get(code=code)
        )
    except Mother.DoesNotExist:
        raise Http404 from None


def get_child_for_user(request: HttpRequest, code: uuid.UUID) -> Child:
    user = _user(request)
    try:
        if not user.can_read_cases:
            raise Child.DoesNotExist
        return (
            Child.objects.select_related(
                "mother__latest_episode__facility", "current_placement__facility"
            )
            .filter(scope(user, "mother__"))
            .get(code=code)
        )
    except Child.DoesNotExist:
        raise Http404 from None


def get_consent_for_user(request: HttpRequest, code: uuid.UUID) -> Consent:
    user = _user(request)
    try:
        if not user.can_read_cases:
            raise Consent.DoesNotExist
        return (
            Consent.objects.select_related("mother").filter(scope(user, "mother__")).get(code=code)
        )
    except Consent.DoesNotExist:
        raise Http404 from None


def referrals_for_user(user: User) -> QuerySet[Referral]:
    """The referrals she may see: those about women in her scope, and those sent to her
    organisation (before it accepts one, it sees the referral, not the file)."""
    if not user.can_read_cases:
        return Referral.objects.none()
    condition = Q(mother__in=Mother.objects.filter(scope(user)).values("pk"))
    if user.organisation_id is not None:
        condition |= Q(to_organisation_id=user.organisation_id)
    return Referral.objects.filter(condition)


def get_referral_for_user(request: HttpRequest, code: uuid.UUID) -> Referral:
    user = _user(request)
    try:
        return (
            referrals_for_user(user)
            .select_related(
                "mother__latest_episode__facility",
                "from_organisation",
                "to_organisation",
                "referred_by",
                "answered_by",
            )
            .get(code=code)
        )
    except Referral.DoesNotExist:
        raise Http404 from None


def get_closure_for_user(request: HttpRequest, code: uuid.UUID) -> Closure:
    user = _user(request)
    try:
        if not user.can_read_cases:
            raise Closure.DoesNotExist
        return (
            Closure.objects.select_related(
                "mother__latest_episode__facility", "requested_by", "decided_by", "reopened_by"
            )
            .filter(scope(user, "mother__"))
            .get(code=code)
        )
    except Closure.DoesNotExist:
        raise Http404 from None
