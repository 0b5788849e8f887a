"""Writes for case notes and documents: atomic, audited, and checked against the date rules
again (the forms check them first)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from komar.accounts.models import User
from komar.audit.actions import write_audit
from komar.audit.models import AuditEntry
from komar.cases.actions import EditConflict, InvalidAction, enforce_dates
from komar.cases.date_rules import History, Problem, check_about_child, check_event, plain_date
from komar.cases.models import Child, Mother
from komar.casework import files
from komar.casework.models import CaseNote, Document


def note_problems(
    mother: Mother, *, held_on: dt.date, child: Child | None, history: History | None = None
) -> list[Problem]:
    """A note: not in the future, not before 1900, not before her birth, and not before the
    birth of the child it is about. (`history`: her dates, when the caller has read them.)"""
    problems = check_event(
        history if history is not None else History.of(mother),
        field_name="held_on",
        day=held_on,
        what=_("The note"),
    )
    if not problems and child is not None:
        problems += check_about_child(
            field_name="held_on",
            day=held_on,
            child_born=child.date_of_birth,
            what=_("A note about this child"),
        )
    return problems


def document_problems(
    mother: Mother,
    *,
    dated_on: dt.date,
    kind: str,
    child: Child | None,
    history: History | None = None,
) -> list[Problem]:
    """The date on a document: not in the future, not before 1900, and not before the birth
    of the one it is about. A family book is the household's: it may be older than both.
    (`history`: her dates, when the caller has read them.)"""
    if kind == Document.Kind.FAMILY_BOOK:
        return plain_date("dated_on", dated_on)
    if child is None:
        return check_event(
            history if history is not None else History.of(mother),
            field_name="dated_on",
            day=dated_on,
            what=_("The document"),
        )
    return plain_date("dated_on", dated_on) or check_about_child(
        field_name="dated_on",
        day=dated_on,
        child_born=child.date_of_birth,
        what=_("A document about this child"),
    )


def _check_child(mother: Mother, child: Child | None) -> None:
    if child is not None and child.mother_id != mother.pk:
        raise InvalidAction("the child is not hers")


def _note_values(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "kind": data["kind"],
        "held_on": data["held_on"],
        "child": data.get("child"),
        "participants": data["participants"],
        "discussed": data["discussed"],
        "agreed": data.get("agreed", ""),
    }


def _document_values(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "kind": data["kind"],
        "dated_on": data["dated_on"],
        "child": data.get("child"),
        "note": data.get("note", ""),
    }


def _set_fields(values: Mapping[str, Any]) -> list[str]:
    """The names of the fields given a value (names only: values are never audited)."""
    return [name for name, value in values.items() if value not in (None, "")]


def _differs(note: CaseNote, name: str, value: Any) -> bool:
    if name == "child":
        return note.child_id != (value.pk if value is not None else None)
    return bool(getattr(note, name) != value)


@transaction.atomic
def do_record_note(
    mother: Mother, data: Mapping[str, Any], *, actor: User, ip: str | None = None
) -> CaseNote:
    values = _note_values(data)
    _check_child(mother, values["child"])
    enforce_dates(note_problems(mother, held_on=values["held_on"], child=values["child"]), ())
    note = CaseNote.objects.create(mother=mother, author=actor, **values)
    write_audit(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        obj=note,
        mother=mother,
        fields=_set_fields(values),
        ip=ip,
    )
    return note


@transaction.atomic
def do_change_note(
    note: CaseNote,
    data: Mapping[str, Any],
    *,
    expected_version: int,
    actor: User,
    ip: str | None = None,
) -> CaseNote:
    """Correct a note, only if nobody saved it since `expected_version` (else `EditConflict`,
    and nothing is written). Only the fields that differ are written and audited."""
    current = CaseNote.objects.select_for_update().select_related("mother").get(pk=note.pk)
    if current.version != expected_version:
        raise EditConflict(current)
    values = _note_values(data)
    mother = current.mother
    _check_child(mother, values["child"])
    enforce_dates(note_problems(mother, held_on=values["held_on"], child=values["child"]), ())
    changed = [name for name, value in values.items() if _differs(current, name, value)]
    if not changed:
        return current
    for name in changed:
        setattr(current, name, values[name])
    current.version += 1  # the row is locked: no one else can bump it meanwhile
    current.updated_at = timezone.now()
    current.save(update_fields=[*changed, "version", "updated_at"])
    write_audit(
        actor=actor,
        action=AuditEntry.Action.CHANGE,
        obj=current,
        mother=mother,
        fields=changed,
        ip=ip,
    )
    return current


@transaction.atomic
def do_attach_document(
    mother: Mother,
    data: Mapping[str, Any],
    content: bytes,
    *,
    actor: User,
    ip: str | None = None,
) -> Document:
    """Check the file's content and the date, store the file under a random name and record
    it. If the record cannot be written, the stored file is removed again."""
    values = _document_values(data)
    _check_child(mother, values["child"])
    enforce_dates(
        document_problems(
            mother, dated_on=values["dated_on"], kind=values["kind"], child=values["child"]
        ),
        (),
    )
    file_format = files.check_content(content)  # raises files.Refused
    name = files.new_storage_name()
    files.store(name, content)
    try:
        with transaction.atomic():
            document = Document.objects.create(
                mother=mother,
                uploaded_by=actor,
                file_format=file_format,
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                storage_name=name,
                **values,
            )
            write_audit(
                actor=actor,
                action=AuditEntry.Action.CREATE,
                obj=document,
                mother=mother,
                fields=[*_set_fields(values), "file"],
                ip=ip,
            )
    except BaseException:
        # Nothing refers to the file: take it away again. (A transaction of the caller's that
        # rolls back after this one succeeded leaves a file no row names; it is never served.)
        files.remove(name)
        raise
    return document


@transaction.atomic
def do_remove_document(
    document: Document, *, reason: str, actor: User, ip: str | None = None
) -> Document:
    """Remove a document attached by mistake, saying why. The row is kept, hidden everywhere;
    the file's bytes are deleted once the removal is committed (a mistaken upload is often
    another person's papers), and never before: a rolled-back removal keeps its file.

    The audit row names the fields, never the reason's text. Removing it twice is refused."""
    reason = reason.strip()
    if not reason:
        raise InvalidAction("a removal needs a reason")
    current = Document.objects.select_for_update().select_related("mother").get(pk=document.pk)
    if current.removed_at is not None:
        raise InvalidAction("the document was already removed")
    current.removed_at = timezone.now()
    current.removed_by = actor
    current.removal_reason = reason
    current.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    write_audit(
        actor=actor,
        action=AuditEntry.Action.DELETE,
        obj=current,
        mother=current.mother,
        fields=["removed_at", "removal_reason"],
        ip=ip,
    )
    name = current.storage_name
    # Robust: a file that cannot be deleted is logged, and the committed removal stands (the
    # file is never served again, whatever is on disk).
    transaction.on_commit(lambda: files.remove(name), robust=True)
    return current


def do_log_document_download(*, actor: User, document: Document, ip: str | None) -> None:
    """Every opening of a document's file is a view of her file."""
    with transaction.atomic():
        write_audit(
            actor=actor,
            action=AuditEntry.Action.VIEW,
            obj=document,
            mother=document.mother,
            ip=ip,
        )
