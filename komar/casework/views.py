"""Case notes and documents on a woman's file: write, correct, list, attach, open and remove."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from komar.audit.actions import do_log_file_view
from komar.audit.models import AuditEntry
from komar.cases.access import get_mother_for_user, require_case_reader, require_case_writer
from komar.cases.actions import CaseClosed, DatesRefused, EditConflict, InvalidAction
from komar.cases.models import Child, Mother
from komar.casework import actions, files
from komar.casework.access import get_document_for_user, get_note_for_user, may_correct_note
from komar.casework.forms import (
    CaseNoteEditForm,
    CaseNoteForm,
    DocumentForm,
    DocumentRemovalForm,
)
from komar.casework.models import CaseNote, Document
from komar.casework.sections import DocumentRow, NoteRow
from komar.lib.conflicts import field_differences
from komar.lib.http import client_ip


def _her_child(request: HttpRequest, mother: Mother) -> Child | None:
    """The child named by `?child=<code>`, if she is one of hers (else none: not an error)."""
    try:
        code = uuid.UUID(request.GET.get("child", ""))
    except ValueError:
        return None
    return Child.objects.filter(mother=mother, code=code).first()


def _note_page(
    request: HttpRequest,
    form: CaseNoteForm,
    mother: Mother,
    *,
    note: CaseNote | None = None,
    conflict: dict[str, Any] | None = None,
) -> HttpResponse:
    return render(
        request,
        "casework/note_form.html",
        {"form": form, "mother": mother, "note": note, "conflict": conflict},
        status=409 if conflict else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def note_new(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_writer(request)
    mother = get_mother_for_user(request, code)
    child = _her_child(request, mother)
    form = CaseNoteForm(
        request.POST or None,
        initial={"held_on": timezone.localdate(), "child": child},
        mother=mother,
    )
    if request.method == "POST" and form.is_valid():
        try:
            note = actions.do_record_note(
                mother, form.cleaned_data, actor=user, ip=client_ip(request)
            )
        except DatesRefused as refused:
            form.check_dates(refused.problems)
        except InvalidAction:
            form.add_error("child", _("Choose one of her children."))
        else:
            messages.success(request, _("Case note saved."))
            return redirect(
                note.child.get_absolute_url() if note.child else mother.get_absolute_url()
            )
    return _note_page(request, form, mother)


@login_required
@require_http_methods(["GET", "POST"])
def note_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_writer(request)
    note = get_note_for_user(request, code)
    if not may_correct_note(user, note):
        raise PermissionDenied
    mother = note.mother
    if mother.is_closed:
        raise CaseClosed
    form = CaseNoteEditForm(request.POST or None, instance=note, mother=mother)
    if request.method == "GET":
        # The form shows the whole note: opening it is a view of her file.
        with transaction.atomic():
            do_log_file_view(actor=user, obj=note, mother=mother, ip=client_ip(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_change_note(
                note,
                form.cleaned_data,
                expected_version=form.cleaned_data["version"],
                actor=user,
                ip=client_ip(request),
            )
        except EditConflict as conflict:
            current = conflict.current
            assert isinstance(current, CaseNote)
            context = {
                "differences": field_differences(form, current),
                "last": AuditEntry.last_change(current),
            }
            # Saving again now overwrites deliberately, with the differences in front of her.
            data = request.POST.copy()
            data["version"] = str(current.version)
            form = CaseNoteEditForm(data, instance=current, mother=mother)
            form.is_valid()
            return _note_page(request, form, mother, note=current, conflict=context)
        except DatesRefused as refused:
            form.check_dates(refused.problems)
        except InvalidAction:
            form.add_error("child", _("Choose one of her children."))
        else:
            messages.success(request, _("Saved."))
            return redirect("casework:note_list", code=mother.code)
    return _note_page(request, form, mother, note=note)


@login_required
@require_GET
def note_list(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """All her notes (or those about one child), newest first, a page at a time."""
    user = require_case_reader(request)
    mother = get_mother_for_user(request, code)
    child = _her_child(request, mother)
    with transaction.atomic():
        do_log_file_view(actor=user, obj=mother, mother=mother, ip=client_ip(request))
    notes = CaseNote.objects.filter(mother=mother).select_related("author", "child")
    if child is not None:
        notes = notes.filter(child=child)
    page = Paginator(notes, settings.KOMAR_CASES_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        NoteRow(
            note,
            note.child.display_name if note.child else "",
            may_correct_note(user, note) and not mother.is_closed,
        )
        for note in page.object_list
    ]
    return render(
        request,
        "casework/note_list.html",
        {
            "mother": mother,
            "child": child,
            "page": page,
            "rows": rows,
            "can_write": user.can_write_cases and not mother.is_closed,
            "query_without_page": f"child={child.code}" if child else "",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_new(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_writer(request)
    mother = get_mother_for_user(request, code)
    child = _her_child(request, mother)
    form = DocumentForm(
        request.POST or None,
        request.FILES or None,
        initial={"child": child},
        mother=mother,
    )
    if request.method == "POST" and form.is_valid():
        try:
            document = actions.do_attach_document(
                mother, form.cleaned_data, form.content, actor=user, ip=client_ip(request)
            )
        except DatesRefused as refused:
            form.check_dates(refused.problems)
        except files.Refused as refused:
            form.add_error("file", refused.message)
        except InvalidAction:
            form.add_error("child", _("Choose one of her children."))
        else:
            messages.success(request, _("Document attached."))
            about = document.child or mother
            return redirect(about.get_absolute_url())
    return render(request, "casework/document_form.html", {"form": form, "mother": mother})


@login_required
@require_GET
def document_list(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_reader(request)
    mother = get_mother_for_user(request, code)
    child = _her_child(request, mother)
    with transaction.atomic():
        do_log_file_view(actor=user, obj=mother, mother=mother, ip=client_ip(request))
    documents = (
        Document.objects.attached().filter(mother=mother).select_related("uploaded_by", "child")
    )
    if child is not None:
        documents = documents.filter(child=child)
    page = Paginator(documents, settings.KOMAR_CASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "casework/document_list.html",
        {
            "mother": mother,
            "child": child,
            "page": page,
            "rows": [
                DocumentRow(d, d.child.display_name if d.child else "") for d in page.object_list
            ],
            "can_write": user.can_write_cases and not mother.is_closed,
            "query_without_page": f"child={child.code}" if child else "",
        },
    )


@login_required
@require_GET
def document_file(request: HttpRequest, code: uuid.UUID) -> FileResponse:
    """The document's file: an image is shown in the browser, anything else downloaded.

    Sent with the content type of what its content is (checked on upload), a fixed file name,
    and headers that keep browsers and proxies from guessing its type or keeping a copy."""
    user = require_case_reader(request)
    document = get_document_for_user(request, code)
    if not files.exists(document.storage_name):
        # Restored without its documents folder (see docs/deployment.md#backups).
        raise Http404
    actions.do_log_document_download(actor=user, document=document, ip=client_ip(request))
    handle = files.open_stored(document.storage_name)
    response = FileResponse(
        handle,
        as_attachment=not document.is_image,
        filename=document.download_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def document_remove(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Remove a document attached by mistake: the page names it and asks why; posting removes
    it (its file is deleted, the record of it kept)."""
    user = require_case_writer(request)
    document = get_document_for_user(request, code)
    mother = document.mother
    form = DocumentRemovalForm(request.POST or None)
    if request.method == "GET":
        # The page names the document: opening it is a view of her file.
        with transaction.atomic():
            do_log_file_view(actor=user, obj=document, mother=mother, ip=client_ip(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_remove_document(
                document, reason=form.cleaned_data["reason"], actor=user, ip=client_ip(request)
            )
        except InvalidAction:
            # Removed by someone else meanwhile: it is gone, as she wanted.
            raise Http404 from None
        messages.success(request, _("Document removed."))
        about = document.child or mother
        return redirect(about.get_absolute_url())
    return render(
        request,
        "casework/document_remove.html",
        {"form": form, "mother": mother, "document": document},
    )
