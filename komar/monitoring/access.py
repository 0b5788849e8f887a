"""Who may see and record what in monitoring. Every view reaches its records through these.

A facility outside her facilities is a 404 (the page is the same whether it exists or not);
the role is checked first, so a 403 says nothing about a code.

- The child-friendly space's register is taken by social workers, and by prison department
  staff who register cases, at a facility of theirs; its children are those inside whose files
  she may see (`cases.access.scope`).
- Snapshots, checklists and monthly attendance are read by the staff of the facility (every role
  but the researcher's) and written by its facility monitors.
- A facility monitor does not open personal files: where she follows one child she sees the
  minimal view (`get_child_minimal`), for children inside her facilities only.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from komar.accounts.models import Role, User
from komar.cases.access import facility_ids, is_prison_staff
from komar.cases.models import Child
from komar.facilities.models import Facility

READER_ROLES = frozenset(
    {
        Role.ADMINISTRATOR,
        Role.SUPERVISOR,
        Role.SOCIAL_WORKER,
        Role.LEGAL_OFFICER,
        Role.FACILITY_MONITOR,
    }
)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "views using access getters require login"
    return user


def may_read(user: User) -> bool:
    return user.is_active and user.role in READER_ROLES


def may_monitor(user: User) -> bool:
    """She writes snapshots and checklists."""
    return user.is_active and user.role == Role.FACILITY_MONITOR


def may_take_attendance(user: User) -> bool:
    """She takes the child-friendly space's register (at her facilities)."""
    if not user.is_active:
        return False
    if user.role == Role.SOCIAL_WORKER:
        return True
    return user.can_write_cases and is_prison_staff(user)


def require_reader(request: HttpRequest) -> User:
    user = _user(request)
    if not may_read(user):
        raise PermissionDenied
    return user


def require_monitor(request: HttpRequest) -> User:
    user = _user(request)
    if not may_monitor(user):
        raise PermissionDenied
    return user


def require_recorder(request: HttpRequest) -> User:
    user = _user(request)
    if not may_take_attendance(user):
        raise PermissionDenied
    return user


def facilities_for(user: User) -> QuerySet[Facility]:
    """Her facilities that hold women, by name."""
    return Facility.objects.filter(
        pk__in=facility_ids(user), holds_women=True, is_active=True
    ).order_by("name_en")


def get_facility_for_user(user: User, code: uuid.UUID) -> Facility:
    facility = facilities_for(user).filter(code=code).first()
    if facility is None:
        raise Http404
    return facility


def get_cfs_facility_for_user(user: User, code: uuid.UUID) -> Facility:
    """One of her facilities that has a child-friendly space."""
    facility = get_facility_for_user(user, code)
    if not facility.has_child_friendly_space:
        raise Http404
    return facility


def children_inside_facility(facility_pks: list[int]) -> QuerySet[Child]:
    """The children living inside these facilities with their mothers now: their copy of the
    facility of a current placement with the mother (`Child.inside_facility`, kept by the
    actions), one range of its index."""
    return Child.objects.filter(inside_facility_id__in=facility_pks)


def get_child_minimal(request: HttpRequest, code: uuid.UUID) -> Child:
    """A child inside one of her facilities, for the minimal view (no name, no file)."""
    user = require_reader(request)
    try:
        return (
            children_inside_facility(facility_ids(user))
            .select_related("mother", "current_placement__facility")
            .get(code=code)
        )
    except Child.DoesNotExist:
        raise Http404 from None
