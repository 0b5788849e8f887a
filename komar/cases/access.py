"""Who may see which women and children. Every view reaches records through these getters.

A record outside the user's scope is a 404, never a 403 that would confirm it exists.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from komar.accounts.models import User
from komar.cases.models import Child, Consent, Mother


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


def scope(user: User, prefix: str = "", *, each: Q | None = None) -> Q:
    """The women a user may see, as a condition on a woman (or on `prefix`, e.g. "mother__"):
    held, or last held, in her facilities, or assigned to her organisation.

    Both halves are indexed columns of the woman's row (`Mother.facility`, kept by the actions,
    and `Mother.organisation`), so lists, counts and single lookups need no join to episodes.
    `each` is added to both halves of the OR, so that SQLite can serve each half from a partial
    index whose condition it repeats (the stored findings' open flags).
    """
    if not user.can_read_cases:
        return Q(pk__in=[])
    extra = each if each is not None else Q()
    condition = Q(**{f"{prefix}facility_id__in": facility_ids(user)}) & extra
    if user.organisation_id is not None:
        condition |= Q(**{f"{prefix}organisation_id": user.organisation_id}) & extra
    return condition


def mothers_for_user(user: User) -> QuerySet[Mother]:
    """Women held, or last held, in the user's facilities, or assigned to her organisation."""
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
