"""Case notes and documents on the woman's file, the child's page and the timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from komar.cases.sections import ChildPage, Plugin, Section, TimelineEvent, WomanFile
from komar.casework.access import may_correct_note
from komar.casework.models import CaseNote, Document

# The newest shown on a page; the rest are a link away (the lists are paged).
NOTES_SHOWN = 5
DOCUMENTS_SHOWN = 10


@dataclass(frozen=True)
class NoteRow:
    note: CaseNote
    about: str  # the child's name, or "" when the note is about her
    can_correct: bool


def note_dates(page: WomanFile) -> list[tuple[dt.date, str, int | None]]:
    """Every note of hers, light: (date, kind, child id), for the timeline and the count."""
    return page.memo(
        "casework.note_dates",
        lambda: list(
            CaseNote.objects.filter(mother=page.mother).values_list("held_on", "kind", "child_id")
        ),
    )


def _notes(page: WomanFile) -> dict[str, Any]:
    names = page.child_names()
    notes = page.mother.case_notes.select_related("author")[:NOTES_SHOWN]
    rows = [NoteRow(note, names.get(note.child_id or 0, ""), _can(page, note)) for note in notes]
    return {"notes": rows, "notes_total": len(note_dates(page))}


def _child_notes(page: ChildPage) -> dict[str, Any]:
    notes = list(page.child.case_notes.select_related("author")[: NOTES_SHOWN + 1])
    rows = [NoteRow(note, "", _can(page, note)) for note in notes[:NOTES_SHOWN]]
    return {"notes": rows, "more_notes": len(notes) > NOTES_SHOWN}


def _can(page: WomanFile | ChildPage, note: CaseNote) -> bool:
    return may_correct_note(page.user, note) and not page.mother.is_closed


@dataclass(frozen=True)
class DocumentRow:
    document: Document
    about: str


def _documents(page: WomanFile) -> dict[str, Any]:
    names = page.child_names()
    documents = list(
        Document.objects.attached()
        .filter(mother=page.mother)
        .select_related("uploaded_by")[: DOCUMENTS_SHOWN + 1]
    )
    rows = [DocumentRow(d, names.get(d.child_id or 0, "")) for d in documents[:DOCUMENTS_SHOWN]]
    return {"documents": rows, "more_documents": len(documents) > DOCUMENTS_SHOWN}


def _child_documents(page: ChildPage) -> dict[str, Any]:
    documents = list(
        page.child.documents.attached().select_related("uploaded_by")[: DOCUMENTS_SHOWN + 1]
    )
    rows = [DocumentRow(d, "") for d in documents[:DOCUMENTS_SHOWN]]
    return {"documents": rows, "more_documents": len(documents) > DOCUMENTS_SHOWN}


def events(page: WomanFile) -> Iterable[TimelineEvent]:
    names = page.child_names()
    for held_on, kind, child_id in note_dates(page):
        label = CaseNote.Kind(kind).label
        if child_id is not None and child_id in names:
            text = _("Case note about %(name)s: %(kind)s") % {
                "name": names[child_id],
                "kind": label,
            }
        else:
            text = _("Case note: %(kind)s") % {"kind": label}
        yield TimelineEvent(held_on, text, "note")


PLUGIN = Plugin(
    name="casework",
    file_sections=[
        Section("notes", gettext_lazy("Case notes"), "casework/sections/notes.html", 50, _notes),
        Section(
            "documents",
            gettext_lazy("Documents"),
            "casework/sections/documents.html",
            55,
            _documents,
        ),
    ],
    child_sections=[
        Section(
            "child-notes",
            gettext_lazy("Case notes"),
            "casework/sections/child_notes.html",
            50,
            _child_notes,
        ),
        Section(
            "child-documents",
            gettext_lazy("Documents"),
            "casework/sections/child_documents.html",
            55,
            _child_documents,
        ),
    ],
    timeline=events,
)
