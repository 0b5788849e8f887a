"""Counselling records are part of the woman's file: the same scope, 404 outside it."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest

from komar.cases.access import require_case_reader, scope
from komar.counselling.models import CounsellingSession


def get_session_for_user(request: HttpRequest, code: uuid.UUID) -> CounsellingSession:
    user = require_case_reader(request)
    try:
        return (
            CounsellingSession.objects.select_related(
                "mother__latest_episode__facility", "mother__organisation", "counsellor", "facility"
            )
            .filter(scope(user, "mother__"))
            .get(code=code)
        )
    except CounsellingSession.DoesNotExist:
        raise Http404 from None
