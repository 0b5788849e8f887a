"""Best-interests assessments (BIA) and formal determinations (BID) of a child.

The workflow rules live in `actions.py`; the views check who may take a step before asking
the action, so that a refusal is a 403 and a step that no longer fits the state is a message.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from komar.accounts.models import User
from komar.assessments import actions
from komar.assessments.access import get_assessment_for_user, get_determination_for_user
from komar.assessments.forms import (
    REASON_LABELS,
    REASON_STANDARDS,
    AssessmentForms,
    DeterminationForms,
)
from komar.assessments.models import Assessment, Determination, Element, Rating
from komar.audit.actions import do_log_file_view
from komar.audit.models import AuditEntry
from komar.cases.access import get_child_for_user, require_case_reader, require_case_writer
from komar.cases.actions import EditConflict
from komar.cases.forms import LONG_TEXT_CHARS, long_text_help
from komar.cases.models import Child
from komar.counselling.models import latest_decision_for
from komar.lib.conflicts import field_differences
from komar.lib.http import client_ip

Status = Assessment.Status


def _explained(reasons: list[str]) -> list[dict[str, Any]]:
    """Each reason with its label and the standard it rests on, for the screen."""
    return [
        {"code": r, "label": REASON_LABELS.get(r, r), "standard": REASON_STANDARDS.get(r, "")}
        for r in reasons
    ]


def _same_organisation(user: User, assessment: Assessment) -> bool:
    return user.organisation_id is not None and user.organisation_id == assessment.organisation_id


def _may_write(user: User, assessment: Assessment) -> bool:
    """Edit and submit: case writers of the assessing organisation."""
    return user.can_write_cases and _same_organisation(user, assessment)


def _form_page(
    request: HttpRequest,
    forms: AssessmentForms,
    child: Child,
    *,
    title: str,
    assessment: Assessment | None = None,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    reasons = actions.determination_reasons(
        forms.entered(), child, timezone.localdate(), latest_decision_for(child)
    )
    context = {
        "forms": forms,
        "form": forms.main,
        "child": child,
        "mother": child.mother,
        "assessment": assessment,
        "title": title,
        "reasons": _explained(reasons),
        **(extra or {}),
    }
    return render(request, "assessments/assessment_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_writer(request)
    child = get_child_for_user(request, code)
    if user.organisation is None:
        # An assessment belongs to the assessing organisation.
        raise PermissionDenied
    if request.method == "GET":
        # The form shows the child's details and flags: opening it is a view of her file.
        with transaction.atomic():
            do_log_file_view(actor=user, obj=child, mother=child.mother, ip=client_ip(request))
    forms = AssessmentForms(
        request.POST or None, initial={"assessed_on": timezone.localdate()}, child=child
    )
    title = _("Best-interests assessment")
    saving = request.method == "POST" and "check" not in request.POST
    if saving and forms.is_valid():
        assessment = actions.do_start_assessment(
            child,
            forms.data(),
            elements=forms.element_data(),
            actor=user,
            ip=client_ip(request),
        )
        messages.success(request, _("Assessment saved as a draft."))
        return redirect(assessment.get_absolute_url())
    return _form_page(request, forms, child, title=title)


def _conflict_context(forms: AssessmentForms, current: Assessment) -> dict[str, Any]:
    """After a conflicting save: keep what she typed, show what the other person saved."""
    differences = field_differences(forms.main, current)
    saved_elements = {e.element: e for e in current.elements.all()}
    for form in forms.elements:
        if not form.is_valid():
            continue
        row = saved_elements.get(form.element)
        evidence = row.evidence if row else ""
        rating = row.rating if row else Rating.NOT_ASSESSED
        if form.cleaned_data["evidence"] != evidence:
            differences.append(
                {"label": _("%(element)s: evidence") % {"element": form.label}, "saved": evidence}
            )
        if form.cleaned_data["rating"] != rating:
            differences.append(
                {
                    "label": _("%(element)s: rating") % {"element": form.label},
                    "saved": Rating(rating).label,
                }
            )
    last = AuditEntry.last_change(current)
    return {"conflict": {"differences": differences, "last": last}}


def _locked(request: HttpRequest, assessment: Assessment, title: str) -> HttpResponse:
    """It was submitted or decided while she was editing: keep what she typed, save nothing."""
    forms = AssessmentForms(request.POST, instance=assessment)
    forms.is_valid()
    return _form_page(
        request,
        forms,
        assessment.child,
        title=title,
        assessment=assessment,
        extra={"locked": True},
        status=409,
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_writer(request)
    assessment = get_assessment_for_user(request, code)
    if not _may_write(user, assessment):
        raise PermissionDenied
    child = assessment.child
    title = _("Change the best-interests assessment")
    if not assessment.is_editable:
        if request.method == "POST":
            return _locked(request, assessment, title)
        messages.error(
            request, _("Only a draft or a returned assessment can be changed. Start a new one.")
        )
        return redirect(assessment.get_absolute_url())
    if request.method == "GET":
        # The form shows the whole assessment: opening it is a view of the file.
        with transaction.atomic():
            do_log_file_view(actor=user, obj=assessment, mother=child.mother, ip=client_ip(request))
    forms = AssessmentForms(request.POST or None, instance=assessment)
    saving = request.method == "POST" and "check" not in request.POST
    if saving and forms.is_valid():
        try:
            actions.do_change_assessment(
                assessment,
                forms.data(),
                elements=forms.element_data(),
                expected_version=forms.main.cleaned_data["version"],
                actor=user,
                ip=client_ip(request),
            )
        except EditConflict as conflict:
            current = conflict.current
            assert isinstance(current, Assessment)
            extra = _conflict_context(forms, current)
            # Saving again now overwrites deliberately, with the differences in front of her.
            data = request.POST.copy()
            data["version"] = str(current.version)
            forms = AssessmentForms(data, instance=current)
            forms.is_valid()
            return _form_page(
                request, forms, child, title=title, assessment=current, extra=extra, status=409
            )
        except actions.NotAllowed:
            assessment.refresh_from_db()
            return _locked(request, assessment, title)
        messages.success(request, _("Saved."))
        return redirect(assessment.get_absolute_url())
    return _form_page(request, forms, child, title=title, assessment=assessment)


def _elements(assessment: Assessment) -> list[dict[str, Any]]:
    """All seven elements in their order, those never filled in shown as not assessed."""
    saved = {e.element: e for e in assessment.elements.all()}
    rows = []
    for code, label in Element.choices:
        row = saved.get(code)
        rating = row.rating if row else Rating.NOT_ASSESSED
        rows.append(
            {
                "code": code,
                "label": label,
                "evidence": row.evidence if row else "",
                "rating": rating,
                "rating_label": Rating(rating).label,
            }
        )
    return rows


@login_required
@require_GET
def assessment_detail(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_reader(request)
    assessment = get_assessment_for_user(request, code)
    child = assessment.child
    with transaction.atomic():
        do_log_file_view(actor=user, obj=assessment, mother=child.mother, ip=client_ip(request))
    today = timezone.localdate()
    reasons = actions.determination_reasons(assessment, child, today, latest_decision_for(child))
    may_write = _may_write(user, assessment) and assessment.is_editable
    return render(
        request,
        "assessments/assessment_detail.html",
        {
            "assessment": assessment,
            "child": child,
            "mother": child.mother,
            "elements": _elements(assessment),
            "reasons": _explained(reasons),
            "determinations": list(
                Determination.objects.filter(child=child).select_related("assessment")
            ),
            "can_edit": may_write,
            "can_submit": may_write,
            "can_decide": (
                assessment.status == Status.SUBMITTED and actions.can_approve(assessment, user)
            ),
            "can_record_determination": user.can_write_cases,
            "today": today,
            "comments_limit": LONG_TEXT_CHARS,
            "comments_limit_help": long_text_help(),
        },
    )


@login_required
@require_POST
def assessment_submit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_writer(request)
    assessment = get_assessment_for_user(request, code)
    if not _may_write(user, assessment):
        raise PermissionDenied
    try:
        actions.do_submit_assessment(assessment, actor=user, ip=client_ip(request))
    except actions.NotAllowed:
        messages.error(
            request, _("Only a draft or a returned assessment can be submitted for approval.")
        )
    else:
        messages.success(request, _("Submitted for approval."))
    return redirect(assessment.get_absolute_url())


def _decided_assessment(request: HttpRequest, code: uuid.UUID) -> tuple[User, Assessment]:
    """The assessment to approve or return, if this user may decide on it (else 403)."""
    user = require_case_reader(request)
    if user.role not in actions.APPROVER_ROLES:
        raise PermissionDenied  # before any lookup: a 403 says nothing about the code
    assessment = get_assessment_for_user(request, code)
    if not actions.can_approve(assessment, user):
        # She can see it, so refusing does not reveal anything.
        raise PermissionDenied
    return user, assessment


def _comments_too_long() -> str:
    return _("Your comments are too long. %(limit)s") % {"limit": long_text_help()}


@login_required
@require_POST
def assessment_approve(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user, assessment = _decided_assessment(request, code)
    comments = request.POST.get("comments", "").strip()
    if len(comments) > LONG_TEXT_CHARS:
        messages.error(request, _comments_too_long())
        return redirect(assessment.get_absolute_url())
    try:
        actions.do_approve_assessment(
            assessment, comments=comments, actor=user, ip=client_ip(request)
        )
    except actions.NotAllowed:
        messages.error(request, _("This assessment is not waiting for approval."))
    else:
        messages.success(request, _("Assessment approved."))
    return redirect(assessment.get_absolute_url())


@login_required
@require_POST
def assessment_return(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user, assessment = _decided_assessment(request, code)
    comments = request.POST.get("comments", "").strip()
    if not comments:
        messages.error(request, _("Write your comments before returning the assessment."))
        return redirect(assessment.get_absolute_url())
    if len(comments) > LONG_TEXT_CHARS:
        messages.error(request, _comments_too_long())
        return redirect(assessment.get_absolute_url())
    try:
        actions.do_return_assessment(
            assessment, comments=comments, actor=user, ip=client_ip(request)
        )
    except actions.NotAllowed:
        messages.error(request, _("This assessment is not waiting for approval."))
    else:
        messages.success(request, _("Assessment returned with your comments."))
    return redirect(assessment.get_absolute_url())


def _linked_assessment(request: HttpRequest, child: Child) -> Assessment | None:
    """The assessment named in `?assessment=`, which must be one of this child's (else 404)."""
    raw = request.GET.get("assessment", "")
    if not raw:
        return None
    try:
        code = uuid.UUID(raw)
    except ValueError:
        raise Http404 from None
    assessment = get_assessment_for_user(request, code)
    if assessment.child_id != child.pk:
        raise Http404
    return assessment


@login_required
@require_http_methods(["GET", "POST"])
def determination_new(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_writer(request)
    child = get_child_for_user(request, code)
    linked = _linked_assessment(request, child)
    if linked is not None and linked.organisation_id != user.organisation_id:
        # A determination resting on an assessment is recorded by the assessing organisation.
        raise PermissionDenied
    if request.method == "GET":
        with transaction.atomic():
            do_log_file_view(actor=user, obj=child, mother=child.mother, ip=client_ip(request))
    today = timezone.localdate()
    basis = linked or Assessment.objects.filter(child=child).exclude(status=Status.DRAFT).first()
    suggested = actions.determination_reasons(basis, child, today, latest_decision_for(child))
    forms = DeterminationForms(
        request.POST or None, initial={"reasons": suggested, "held_on": today}, child=child
    )
    if request.method == "POST" and forms.is_valid():
        actions.do_record_determination(
            child,
            forms.data(),
            assessment=linked,
            reasons=forms.reasons(),
            members=forms.member_data(),
            actor=user,
            ip=client_ip(request),
        )
        messages.success(request, _("Determination recorded."))
        return redirect(child.get_absolute_url())
    return render(
        request,
        "assessments/determination_form.html",
        {
            "forms": forms,
            "form": forms.main,
            "child": child,
            "mother": child.mother,
            "linked": linked,
            "basis": basis,
            "suggested": _explained(suggested),
        },
    )


@login_required
@require_GET
def determination_detail(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_reader(request)
    determination = get_determination_for_user(request, code)
    child = determination.child
    with transaction.atomic():
        do_log_file_view(actor=user, obj=determination, mother=child.mother, ip=client_ip(request))
    return render(
        request,
        "assessments/determination_detail.html",
        {
            "determination": determination,
            "child": child,
            "mother": child.mother,
            "reasons": _explained(list(determination.reasons)),
            "members": list(determination.members.all()),
            "review_is_due": determination.review_on <= timezone.localdate(),
        },
    )
