"""Assessments and determinations belong to the child's file: the same scope, 404 outside it."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest

from komar.assessments.models import Assessment, Determination
from komar.cases.access import require_case_reader, scope


def get_assessment_for_user(request: HttpRequest, code: uuid.UUID) -> Assessment:
    user = require_case_reader(request)
    try:
        return (
            Assessment.objects.select_related(
                "child__mother__latest_episode__facility",
                "child__current_placement",
                "assessor",
                "decided_by",
                "organisation",
            )
            .filter(scope(user, "child__mother__"))
            .get(code=code)
        )
    except Assessment.DoesNotExist:
        raise Http404 from None


def get_determination_for_user(request: HttpRequest, code: uuid.UUID) -> Determination:
    user = require_case_reader(request)
    try:
        return (
            Determination.objects.select_related("child__mother")
            .filter(scope(user, "child__mother__"))
            .get(code=code)
        )
    except Determination.DoesNotExist:
        raise Http404 from None
