"""Who may use the research pages. A researcher works only here: de-identified data of her
organisation's projects, never a personal file. A project or export of another organisation is
a 404, as if it did not exist."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from komar.accounts.models import Role, User
from komar.research.models import ResearchExport, ResearchProject

# Roles that see the monthly statistics (aggregates; small cells hidden from researchers).
STATISTICS_ROLES = frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR, Role.RESEARCHER})


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "views using access getters require login"
    return user


def require_researcher(request: HttpRequest) -> User:
    user = _user(request)
    if not user.is_active or user.role != Role.RESEARCHER:
        raise PermissionDenied
    if user.organisation_id is None:
        raise PermissionDenied
    return user


def require_statistics_reader(request: HttpRequest) -> User:
    user = _user(request)
    if not user.is_active or user.role not in STATISTICS_ROLES:
        raise PermissionDenied
    return user


def require_supervisor(request: HttpRequest) -> User:
    user = _user(request)
    if not user.is_active or user.role != Role.SUPERVISOR:
        raise PermissionDenied
    return user


def projects_for(user: User) -> QuerySet[ResearchProject]:
    if user.role != Role.RESEARCHER or user.organisation_id is None:
        return ResearchProject.objects.none()
    return ResearchProject.objects.filter(organisation_id=user.organisation_id, is_active=True)


def get_project_for_user(request: HttpRequest, code: uuid.UUID) -> ResearchProject:
    user = require_researcher(request)
    try:
        return projects_for(user).select_related("organisation").get(code=code)
    except ResearchProject.DoesNotExist:
        raise Http404 from None


def get_export_for_user(request: HttpRequest, code: uuid.UUID) -> ResearchExport:
    user = require_researcher(request)
    try:
        return ResearchExport.objects.select_related("project").get(
            code=code, project__in=projects_for(user)
        )
    except ResearchExport.DoesNotExist:
        raise Http404 from None
