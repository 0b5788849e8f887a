"""The transitions records are part of the woman's file: the same scope, 404 outside it.

Each getter checks the role first (`require_case_reader`: a 403 before any lookup, so it says
nothing about a code), then looks the record up among the women in her scope.
"""

from __future__ import annotations

import uuid
from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404, HttpRequest

from komar.accounts.models import Role, User
from komar.cases.access import require_case_reader, scope
from komar.cases.models import Mother
from komar.transitions.models import (
    Carer,
    CarerAssessment,
    FollowUpVisit,
    PreparationStep,
    Separation,
    TransitionPlan,
)

M = TypeVar("M", bound=models.Model)

SUPERVISING_ROLES = frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR})


def is_supervisor(user: User) -> bool:
    """She approves carers and plans, and may override a separation, for her organisation."""
    return user.is_active and user.role in SUPERVISING_ROLES


def may_write(user: User, mother: Mother) -> bool:
    return user.can_write_cases and not mother.is_closed


def may_supervise(user: User, mother: Mother) -> bool:
    """A supervisor (or administrator) of the organisation the woman is assigned to."""
    return (
        is_supervisor(user)
        and user.organisation_id is not None
        and user.organisation_id == mother.organisation_id
        and not mother.is_closed
    )


def _get(request: HttpRequest, queryset: models.QuerySet[M], prefix: str, code: uuid.UUID) -> M:
    user = require_case_reader(request)
    try:
        return queryset.filter(scope(user, prefix)).get(code=code)
    except ObjectDoesNotExist:
        raise Http404 from None


def get_carer_for_user(request: HttpRequest, code: uuid.UUID) -> Carer:
    return _get(request, Carer.objects.select_related("mother", "province"), "mother__", code)


def get_carer_assessment_for_user(request: HttpRequest, code: uuid.UUID) -> CarerAssessment:
    queryset = CarerAssessment.objects.select_related("carer__mother", "assessor")
    return _get(request, queryset, "carer__mother__", code)


def get_plan_for_user(request: HttpRequest, code: uuid.UUID) -> TransitionPlan:
    queryset = TransitionPlan.objects.select_related(
        "mother", "child__current_placement", "carer", "responsible", "decided_by"
    )
    return _get(request, queryset, "mother__", code)


def get_step_for_user(request: HttpRequest, code: uuid.UUID) -> PreparationStep:
    queryset = PreparationStep.objects.select_related("plan__mother", "plan__child")
    return _get(request, queryset, "plan__mother__", code)


def get_separation_for_user(request: HttpRequest, code: uuid.UUID) -> Separation:
    queryset = Separation.objects.select_related(
        "mother", "child", "carer__province", "plan", "placement", "recorded_by"
    )
    return _get(request, queryset, "mother__", code)


def get_visit_for_user(request: HttpRequest, code: uuid.UUID) -> FollowUpVisit:
    queryset = FollowUpVisit.objects.select_related(
        "separation__mother", "separation__child", "separation__carer", "stage"
    )
    return _get(request, queryset, "separation__mother__", code)
