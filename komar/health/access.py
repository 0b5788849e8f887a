"""Who may see and record a child's health: the readers of her file, except the facility
monitor, who sees her facilities' health indicators and no child's record (issue 12: the
monitor no longer opens personal files). A record outside the user's scope is a 404; a role
that may not read health records gets a 403 before any lookup, so it learns nothing of a code.
"""

from __future__ import annotations

import uuid
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest

from komar.accounts.models import CASE_READ_ROLES, Role, User
from komar.cases.access import get_child_for_user, scope
from komar.cases.models import Child
from komar.health.models import HealthCheck, HealthEvent, Immunisation, Measurement, Milestone

HEALTH_READ_ROLES = frozenset(CASE_READ_ROLES - {Role.FACILITY_MONITOR})

M = TypeVar("M", Measurement, Immunisation, Milestone, HealthEvent, HealthCheck)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "views using access getters require login"
    return user


def may_read_health(user: User) -> bool:
    return user.can_read_cases and user.role in HEALTH_READ_ROLES


def may_write_health(user: User, child: Child) -> bool:
    return may_read_health(user) and user.can_write_cases and not child.mother.is_closed


def require_health_reader(request: HttpRequest) -> User:
    user = _user(request)
    if not may_read_health(user):
        raise PermissionDenied
    return user


def require_health_writer(request: HttpRequest) -> User:
    user = require_health_reader(request)
    if not user.can_write_cases:
        raise PermissionDenied
    return user


def get_child(request: HttpRequest, code: uuid.UUID) -> Child:
    """A child of a woman in her scope (404 otherwise)."""
    return get_child_for_user(request, code)


def get_record(request: HttpRequest, model: type[M], code: uuid.UUID) -> M:
    """One health record of a child in her scope."""
    user = _user(request)
    manager: models.Manager[M] = model.objects
    try:
        return (
            manager.select_related(
                "child__mother__latest_episode__facility", "child__current_placement__facility"
            )
            .filter(scope(user, "child__mother__"))
            .get(code=code)
        )
    except model.DoesNotExist:
        raise Http404 from None
