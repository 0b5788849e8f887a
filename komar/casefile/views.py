"""The woman's file and the child's page, composed of every workflow's sections."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET

from komar.accounts.models import AUDIT_READ_ROLES
from komar.audit.actions import do_log_file_view
from komar.casefile import plugins
from komar.casefile.sections import FILE_SECTIONS, audit_entries
from komar.cases.access import get_child_for_user, get_mother_for_user, require_case_reader
from komar.cases.sections import ChildPage, Page, Section, WomanFile
from komar.lib.http import client_ip

P = TypeVar("P", bound=Page)


@dataclass(frozen=True)
class Shown:
    section: Section[Any]
    html: SafeString


def _render(
    request: HttpRequest, sections: Sequence[Section[P]], page: P, context: dict[str, Any]
) -> list[Shown]:
    """Each section the user may see, in order, rendered with the data it loaded."""
    shown = []
    for section in sorted(sections, key=lambda s: s.order):
        if not section.shown_to(page.user):
            continue
        data = {**context, **section.load(page), "section": section}
        shown.append(Shown(section, render_to_string(section.template, data, request=request)))
    return shown


def _composed(
    request: HttpRequest,
    template: str,
    sections: Sequence[Section[P]],
    page: P,
    context: dict[str, Any],
) -> HttpResponse:
    """A page made of sections: the page's own context, then each section it may show."""
    # A closed case is read-only: no section offers to change it (and the actions refuse).
    mother = page.mother if isinstance(page, WomanFile | ChildPage) else None
    writable = page.user.can_write_cases and not (mother is not None and mother.is_closed)
    context = {**context, "can_write": writable, "today": page.today}
    return render(
        request, template, {**context, "sections": _render(request, sections, page, context)}
    )


@login_required
@require_GET
def mother_file(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_reader(request)
    mother = get_mother_for_user(request, code)
    with transaction.atomic():
        do_log_file_view(actor=user, obj=mother, mother=mother, ip=client_ip(request))
    today = timezone.localdate()
    page = WomanFile(
        user=user,
        today=today,
        mother=mother,
        children=list(mother.children.select_related("current_placement__facility")),
    )
    sections = [s for plugin in plugins.PLUGINS for s in plugin.file_sections] + FILE_SECTIONS
    return _composed(request, "casefile/mother_file.html", sections, page, {"mother": mother})


@login_required
@require_GET
def child_file(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_reader(request)
    child = get_child_for_user(request, code)
    with transaction.atomic():
        do_log_file_view(actor=user, obj=child, mother=child.mother, ip=client_ip(request))
    today = timezone.localdate()
    page = ChildPage(user=user, today=today, child=child)
    sections = [s for plugin in plugins.PLUGINS for s in plugin.child_sections]
    context = {"child": child, "mother": child.mother}
    return _composed(request, "casefile/child_file.html", sections, page, context)


@login_required
@require_GET
def mother_history(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Her file's whole audit trail, changes or views, a page at a time (supervisors)."""
    user = require_case_reader(request)
    if user.role not in AUDIT_READ_ROLES:
        raise PermissionDenied
    mother = get_mother_for_user(request, code)
    kind = "views" if request.GET.get("kind") == "views" else "changes"
    with transaction.atomic():
        do_log_file_view(actor=user, obj=mother, mother=mother, ip=client_ip(request))
    entries = audit_entries(mother.pk, kind)
    page = Paginator(entries, settings.KOMAR_CASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "casefile/mother_history.html",
        {"mother": mother, "kind": kind, "page": page, "query_without_page": f"kind={kind}"},
    )
