"""Case notes and documents belong to the woman's file: the same scope, 404 outside it."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest

from komar.accounts.models import User
from komar.cases.access import require_case_reader, scope
from komar.casework.models import CaseNote, Document


def get_note_for_user(request: HttpRequest, code: uuid.UUID) -> CaseNote:
    user = require_case_reader(request)
    try:
        return (
            CaseNote.objects.select_related("mother", "child", "author")
            .filter(scope(user, "mother__"))
            .get(code=code)
        )
    except CaseNote.DoesNotExist:
        raise Http404 from None


def get_document_for_user(request: HttpRequest, code: uuid.UUID) -> Document:
    """A document on a file in her scope. A removed one is gone for everyone: a 404."""
    user = require_case_reader(request)
    try:
        return (
            Document.objects.attached()
            .select_related("mother", "child", "uploaded_by")
            .filter(scope(user, "mother__"))
            .get(code=code)
        )
    except Document.DoesNotExist:
        raise Http404 from None


def may_correct_note(user: User, note: CaseNote) -> bool:
    """A note is its author's organisation's record: its case writers correct it."""
    organisation_id = note.author.organisation_id
    return (
        user.can_write_cases
        and organisation_id is not None
        and user.organisation_id == organisation_id
    )
