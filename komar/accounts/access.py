"""Which user accounts an administrator may manage: her own organisation's, 404 otherwise."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from komar.accounts.models import User


def require_user_manager(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    if not user.can_manage_users:
        raise PermissionDenied
    return user


def users_for_manager(manager: User) -> QuerySet[User]:
    if manager.is_superuser:
        return User.objects.all()
    if manager.organisation_id is None:
        return User.objects.none()
    return User.objects.filter(organisation_id=manager.organisation_id)


def get_user_for_manager(request: HttpRequest, code: uuid.UUID) -> User:
    manager = require_user_manager(request)
    try:
        return users_for_manager(manager).get(code=code)
    except User.DoesNotExist:
        raise Http404 from None
