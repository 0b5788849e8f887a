"""Counselling records are part of the woman's file: the same scope, 404 outside it."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest

from komar.cases.access import mothers_for_user, require_case_reader
from komar.counselling.models import CounsellingSession


def get_session_for_user(request: HttpRequest, code: uuid.UUID) -> CounsellingSession:
    user = require_case_reader(request)
    try:
        return CounsellingSession.objects.select_related(
            "mother__latest_episode__facility", "mother__organisation", "counsellor", "facility"
        ).get(code=code, mother__in=mothers_for_user(user))
    except CounsellingSession.DoesNotExist:
        raise Http404 from None
