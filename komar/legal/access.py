"""The legal records are part of the woman's file: the same scope, 404 outside it.

Each getter checks the role first (`require_case_reader`: a 403 before any lookup, so it says
nothing about a code), then looks the record up among the women in her scope.
"""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from komar.accounts.models import User
from komar.cases.access import require_case_reader, scope
from komar.cases.models import CustodyEpisode
from komar.legal.models import Application, DetentionOrder, Hearing, LegalCase


def legal_cases_for_user(user: User) -> QuerySet[LegalCase]:
    """The legal cases of the women in her scope."""
    if not user.can_read_cases:
        return LegalCase.objects.none()
    return LegalCase.objects.filter(scope(user, "mother__"))


def get_episode_for_user(request: HttpRequest, code: uuid.UUID) -> CustodyEpisode:
    """A custody episode (current or past) of a woman in her scope."""
    user = require_case_reader(request)
    try:
        return (
            CustodyEpisode.objects.select_related(
                "mother__latest_episode", "facility", "offence_category"
            )
            .filter(scope(user, "mother__"))
            .get(code=code)
        )
    except CustodyEpisode.DoesNotExist:
        raise Http404 from None


def get_legal_case_for_user(request: HttpRequest, code: uuid.UUID) -> LegalCase:
    user = require_case_reader(request)
    try:
        return (
            legal_cases_for_user(user)
            .select_related(
                "mother__latest_episode", "episode__facility", "episode__offence_category"
            )
            .get(code=code)
        )
    except LegalCase.DoesNotExist:
        raise Http404 from None


def get_detention_order_for_user(request: HttpRequest, code: uuid.UUID) -> DetentionOrder:
    user = require_case_reader(request)
    try:
        return (
            DetentionOrder.objects.select_related("legal_case__mother", "recorded_by")
            .filter(scope(user, "legal_case__mother__"))
            .get(code=code)
        )
    except DetentionOrder.DoesNotExist:
        raise Http404 from None


def get_hearing_for_user(request: HttpRequest, code: uuid.UUID) -> Hearing:
    user = require_case_reader(request)
    try:
        return (
            Hearing.objects.select_related("legal_case__mother", "recorded_by")
            .filter(scope(user, "legal_case__mother__"))
            .get(code=code)
        )
    except Hearing.DoesNotExist:
        raise Http404 from None


def get_application_for_user(request: HttpRequest, code: uuid.UUID) -> Application:
    user = require_case_reader(request)
    try:
        return (
            Application.objects.select_related(
                "legal_case__mother__latest_episode", "legal_case__episode", "recorded_by"
            )
            .filter(scope(user, "legal_case__mother__"))
            .get(code=code)
        )
    except Application.DoesNotExist:
        raise Http404 from None
