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


def mothers_for_user(user: User) -> QuerySet[Mother]:
    """Women held, or last held, in the user's facilities, or assigned to her organisation."""
    if not user.can_read_cases:
        return Mother.objects.none()
    scope = Q(latest_episode__facility__in=user.facilities.all())
    if user.organisation_id is not None:
        scope |= Q(organisation_id=user.organisation_id)
    return Mother.objects.filter(scope)


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
        return Child.objects.select_related(
            "mother__latest_episode__facility", "current_placement__facility"
        ).get(code=code, mother__in=mothers_for_user(user))
    except Child.DoesNotExist:
        raise Http404 from None


def get_consent_for_user(request: HttpRequest, code: uuid.UUID) -> Consent:
    user = _user(request)
    try:
        return Consent.objects.select_related("mother").get(
            code=code, mother__in=mothers_for_user(user)
        )
    except Consent.DoesNotExist:
        raise Http404 from None
