"""The transitions workflow's pages: carers and their assessment, the transition plan (opened
from the child's page: a draft is made on first opening), its approval and reviews, the
separation (or a supervisor's override), the follow-up visits, the letters and the printed plan.

Reads go through `access.py` (404 outside her scope, 403 for a role that reads no cases);
writes through `actions.py`. Opening a record's page writes a `view` audit entry.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from komar.accounts.models import User
from komar.audit.actions import do_log_file_view
from komar.audit.models import AuditEntry
from komar.cases.access import (
    get_child_for_user,
    get_mother_for_user,
    require_case_reader,
    require_case_writer,
)
from komar.cases.actions import EditConflict, InvalidAction
from komar.cases.models import Child, Mother
from komar.counselling.pdf import PDF_LANGUAGES, render_pdf
from komar.lib.conflicts import field_differences
from komar.lib.http import client_ip
from komar.transitions import actions
from komar.transitions.access import (
    get_carer_assessment_for_user,
    get_carer_for_user,
    get_plan_for_user,
    get_separation_for_user,
    get_step_for_user,
    get_visit_for_user,
    is_supervisor,
    may_supervise,
    may_write,
)
from komar.transitions.forms import (
    CarerAssessmentForm,
    CarerForm,
    DecisionForm,
    NotificationForm,
    OverrideForm,
    PlanForm,
    ReintegrationForm,
    ReviewForm,
    SeparationForm,
    StepForm,
    VisitForm,
    workers_for,
)
from komar.transitions.models import Carer, TransitionPlan


def _log_view(request: HttpRequest, user: User, obj: Any, mother: Mother) -> None:
    with transaction.atomic():
        do_log_file_view(actor=user, obj=obj, mother=mother, ip=client_ip(request))


def _writer(request: HttpRequest, mother: Mother) -> User:
    user = require_case_writer(request)
    if mother.is_closed:
        raise PermissionDenied(_("Her case is closed: her file is read-only."))
    return user


def _form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    mother: Mother,
    title: str,
    submit: str,
    cancel_url: str,
    child: Child | None = None,
    lead: str = "",
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    return render(
        request,
        "transitions/form.html",
        {
            "form": form,
            "mother": mother,
            "child": child,
            "title": title,
            "submit": submit,
            "cancel_url": cancel_url,
            "lead": lead,
            **extra,
        },
        status=status,
    )


# -- Carers ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def carer_new(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    require_case_writer(request)
    mother = get_mother_for_user(request, code)
    user = _writer(request, mother)
    form = CarerForm(request.POST or None, mother=mother)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        children = list(data.pop("children"))
        carer = actions.do_add_carer(mother, data, children, actor=user, ip=client_ip(request))
        messages.success(request, _("Carer recorded. Assess her next."))
        return redirect(carer.get_absolute_url())
    return _form_page(
        request,
        form,
        mother=mother,
        title=_("Add a carer"),
        submit=_("Save the carer"),
        cancel_url=mother.get_absolute_url(),
        lead=_("A person who may care for her children outside the facility."),
    )


@login_required
@require_GET
def carer_detail(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_reader(request)
    carer = get_carer_for_user(request, code)
    _log_view(request, user, carer, carer.mother)
    assessments = list(carer.assessments.select_related("assessor", "decided_by"))
    return render(
        request,
        "transitions/carer_detail.html",
        {
            "carer": carer,
            "mother": carer.mother,
            "children": list(carer.children.all()),
            "assessments": [(a, actions.may_decide_assessment(user, a)) for a in assessments],
            "can_write": may_write(user, carer.mother),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def carer_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    require_case_writer(request)
    carer = get_carer_for_user(request, code)
    user = _writer(request, carer.mother)
    form = CarerForm(request.POST or None, instance=carer, mother=carer.mother)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        children = list(data.pop("children"))
        try:
            actions.do_change_carer(
                carer,
                data,
                children,
                expected_version=data.pop("version"),
                actor=user,
                ip=client_ip(request),
            )
        except EditConflict as clash:
            current = Carer.objects.get(pk=carer.pk)
            conflict = {
                "differences": field_differences(form, current, names=CarerForm.Meta.fields),
                "last": AuditEntry.last_change(clash.current),
            }
            posted = request.POST.copy()
            posted["version"] = str(current.version)
            form = CarerForm(posted, instance=current, mother=carer.mother)
            form.is_valid()
        else:
            messages.success(request, _("Carer saved."))
            return redirect(carer.get_absolute_url())
    return _form_page(
        request,
        form,
        mother=carer.mother,
        title=_("Correct the carer's details"),
        submit=_("Save the carer"),
        cancel_url=carer.get_absolute_url(),
        conflict=conflict,
        status=409 if conflict else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def carer_assess(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    require_case_writer(request)
    carer = get_carer_for_user(request, code)
    user = _writer(request, carer.mother)
    form = CarerAssessmentForm(request.POST or None, initial={"assessed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        actions.do_assess_carer(carer, form.cleaned_data, actor=user, ip=client_ip(request))
        messages.success(request, _("Assessment recorded and sent to a supervisor."))
        return redirect(carer.get_absolute_url())
    return _form_page(
        request,
        form,
        mother=carer.mother,
        title=_("Assess %(name)s as a carer") % {"name": carer.display_name},
        submit=_("Send to a supervisor"),
        cancel_url=carer.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def carer_assessment_decide(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_reader(request)
    assessment = get_carer_assessment_for_user(request, code)
    if not actions.may_decide_assessment(user, assessment):
        raise PermissionDenied
    carer = assessment.carer
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_decide_carer_assessment(
                assessment,
                approve=form.cleaned_data["decision"] == "approve",
                comments=form.cleaned_data["comments"],
                actor=user,
                ip=client_ip(request),
            )
        except InvalidAction:
            form.add_error("decision", _("A carer who is not willing cannot be approved."))
        else:
            messages.success(request, _("Decision recorded."))
            return redirect(carer.get_absolute_url())
    return _form_page(
        request,
        form,
        mother=carer.mother,
        title=_("Decide on the assessment of %(name)s") % {"name": carer.display_name},
        submit=_("Record the decision"),
        cancel_url=carer.get_absolute_url(),
        assessment=assessment,
    )


# -- Plans ----------------------------------------------------------------------------------


@login_required
@require_GET
def plan_open(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """The child's plan; a case writer opening it the first time makes the draft."""
    user = require_case_reader(request)
    child = get_child_for_user(request, code)
    plan = actions.current_plan(child)
    if plan is None and may_write(user, child.mother):
        try:
            plan = actions.do_start_plan(
                child, actor=user, today=timezone.localdate(), ip=client_ip(request)
            )
        except InvalidAction:
            plan = None
        else:
            messages.success(request, _("A draft transition plan has been started."))
    if plan is not None:
        return redirect(plan.get_absolute_url())
    return render(request, "transitions/no_plan.html", {"child": child, "mother": child.mother})


def _plan_context(user: User, plan: TransitionPlan) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "plan": plan,
        "child": plan.child,
        "mother": plan.mother,
        "steps": list(plan.steps.all()),
        "problems": actions.plan_problems(plan, today) if plan.is_open else {},
        "can_write": may_write(user, plan.mother) and plan.is_editable,
        "can_submit": may_write(user, plan.mother)
        and plan.status in (TransitionPlan.Status.DRAFT, TransitionPlan.Status.RETURNED),
        "can_decide": actions.may_decide_plan(user, plan),
        "can_review": may_write(user, plan.mother) and plan.is_open,
        "can_separate": may_write(user, plan.mother) and plan.child.is_inside,
        "determination": actions.current_determination(plan.child, today),
        "today": today,
    }


@login_required
@require_GET
def plan_detail(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_reader(request)
    plan = get_plan_for_user(request, code)
    _log_view(request, user, plan, plan.mother)
    return render(request, "transitions/plan_detail.html", _plan_context(user, plan))


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    require_case_writer(request)
    plan = get_plan_for_user(request, code)
    user = _writer(request, plan.mother)
    if not plan.is_editable:
        raise PermissionDenied(_("This plan can no longer be changed."))
    workers = workers_for(plan.mother)
    form = PlanForm(request.POST or None, plan=plan, workers=workers)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            actions.do_change_plan(
                plan,
                data,
                expected_version=data.pop("version"),
                actor=user,
                ip=client_ip(request),
            )
        except EditConflict as clash:
            current = TransitionPlan.objects.get(pk=plan.pk)
            conflict = {
                "differences": field_differences(form, current, names=PlanForm.Meta.fields),
                "last": AuditEntry.last_change(clash.current),
            }
            posted = request.POST.copy()
            posted["version"] = str(current.version)
            form = PlanForm(posted, plan=current, workers=workers)
            form.is_valid()
        except InvalidAction:
            form.add_error("carer", _("Only a carer who is assessed and approved can be chosen."))
        else:
            messages.success(request, _("Plan saved."))
            return redirect(plan.get_absolute_url())
    lead = _("Write what is agreed now; the plan is sent to a supervisor once it is complete.")
    if plan.status == TransitionPlan.Status.APPROVED:
        lead = _("This plan is approved. A change sends it back to a supervisor for approval.")
    return _form_page(
        request,
        form,
        mother=plan.mother,
        child=plan.child,
        title=_("Transition plan"),
        submit=_("Save the plan"),
        cancel_url=plan.get_absolute_url(),
        lead=lead,
        conflict=conflict,
        status=409 if conflict else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def step_new(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    require_case_writer(request)
    plan = get_plan_for_user(request, code)
    user = _writer(request, plan.mother)
    if not plan.is_open:
        raise PermissionDenied(_("This plan has been carried out."))
    form = StepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.do_add_step(plan, form.cleaned_data, actor=user, ip=client_ip(request))
        messages.success(request, _("Preparation step added."))
        return redirect(plan.get_absolute_url())
    return _form_page(
        request,
        form,
        mother=plan.mother,
        child=plan.child,
        title=_("Add a preparation step"),
        submit=_("Add the step"),
        cancel_url=plan.get_absolute_url(),
    )


@login_required
@require_POST
def step_done(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    require_case_writer(request)
    step = get_step_for_user(request, code)
    user = _writer(request, step.plan.mother)
    try:
        actions.do_mark_step_done(step, on=timezone.localdate(), actor=user, ip=client_ip(request))
    except InvalidAction:
        messages.error(request, _("This step was marked done already."))
    else:
        messages.success(request, _("Step marked done."))
    return redirect(step.plan.get_absolute_url())


@login_required
@require_POST
def plan_submit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    require_case_writer(request)
    plan = get_plan_for_user(request, code)
    user = _writer(request, plan.mother)
    try:
        actions.do_submit_plan(plan, actor=user, ip=client_ip(request))
    except InvalidAction:
        messages.error(request, _("The plan is not complete yet: see what is missing below."))
    else:
        messages.success(request, _("Plan sent to a supervisor for approval."))
    return redirect(plan.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def plan_decide(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_reader(request)
    plan = get_plan_for_user(request, code)
    if not actions.may_decide_plan(user, plan):
        raise PermissionDenied
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_decide_plan(
                plan,
                approve=form.cleaned_data["decision"] == "approve",
                comments=form.cleaned_data["comments"],
                actor=user,
                ip=client_ip(request),
            )
        except InvalidAction:
            form.add_error(
                "decision",
                _("The plan is no longer complete (a date has passed?): return it with comments."),
            )
        else:
            messages.success(request, _("Decision recorded."))
            return redirect(plan.get_absolute_url())
    return _form_page(
        request,
        form,
        mother=plan.mother,
        child=plan.child,
        title=_("Approve or return the transition plan"),
        submit=_("Record the decision"),
        cancel_url=plan.get_absolute_url(),
        plan=plan,
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_review(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    require_case_writer(request)
    plan = get_plan_for_user(request, code)
    user = _writer(request, plan.mother)
    if not plan.is_open:
        raise PermissionDenied(_("This plan has been carried out."))
    today = timezone.localdate()
    form = ReviewForm(
        request.POST or None,
        initial={"reviewed_on": today, "next_review_on": actions.review_limit(today)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_review_plan(
                plan,
                reviewed_on=form.cleaned_data["reviewed_on"],
                next_review_on=form.cleaned_data["next_review_on"],
                actor=user,
                ip=client_ip(request),
            )
        except InvalidAction:
            form.add_error("next_review_on", _("The next review is at most three months ahead."))
        else:
            messages.success(request, _("Review recorded."))
            return redirect(plan.get_absolute_url())
    return _form_page(
        request,
        form,
        mother=plan.mother,
        child=plan.child,
        title=_("Review the transition plan"),
        submit=_("Record the review"),
        cancel_url=plan.get_absolute_url(),
        lead=_("Reviewed with the mother, the carer and the child as her age allows."),
    )


def _pdf_language(request: HttpRequest) -> str:
    asked = request.GET.get("language", "")
    return asked if asked in PDF_LANGUAGES else "km"


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    # The filename is fixed: names (personal data) never go into URLs or filenames.
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _plan_pdf(request: HttpRequest, code: uuid.UUID, template: str, filename: str) -> HttpResponse:
    user = require_case_reader(request)
    plan = get_plan_for_user(request, code)
    _log_view(request, user, plan, plan.mother)
    organisation = plan.mother.organisation
    context = {
        "plan": plan,
        "child": plan.child,
        "mother": plan.mother,
        "carer": plan.carer,
        "steps": list(plan.steps.all()),
        "worker": plan.responsible,
        "organisation": organisation,
    }
    return _pdf_response(render_pdf(template, context, _pdf_language(request)), filename)


@login_required
@require_GET
@never_cache
def plan_carer_pdf(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """The plan as the carer keeps it: the steps, the dates, the contact plan, who to call."""
    return _plan_pdf(request, code, "transitions/plan_carer_pdf.html", "plan.pdf")


@login_required
@require_GET
@never_cache
def plan_mother_pdf(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """The mother's summary, in Khmer by default, large type and plain words: with whom her
    child will live, when, how she will see her child, when the plan is reviewed."""
    return _plan_pdf(request, code, "transitions/plan_mother_pdf.html", "summary.pdf")


# -- The separation -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def separation_new(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Record the separation the approved plan names; without one, only a supervisor of her
    organisation may, with a written reason (an override)."""
    require_case_writer(request)
    child = get_child_for_user(request, code)
    mother = child.mother
    user = _writer(request, mother)
    if not child.is_inside:
        raise PermissionDenied(_("The child does not live inside with her mother."))
    plan = actions.current_plan(child)
    refusal = actions.separation_refusal(plan, timezone.localdate())
    form: SeparationForm | None
    if refusal is None:
        form = SeparationForm(
            request.POST or None, child=child, initial={"separated_on": timezone.localdate()}
        )
    elif is_supervisor(user) and may_supervise(user, mother):
        form = OverrideForm(
            request.POST or None, child=child, initial={"separated_on": timezone.localdate()}
        )
    else:
        if request.method == "POST":
            raise PermissionDenied(refusal)
        form = None
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            separation = actions.do_record_separation(
                child,
                separated_on=data["separated_on"],
                notes=data["notes"],
                override_reason=data.get("override_reason", ""),
                kind=data.get("kind", ""),
                carer=data.get("carer"),
                carer_name=data.get("carer_name", ""),
                carer_relationship=data.get("carer_relationship", ""),
                carer_contact=data.get("carer_contact", ""),
                actor=user,
                ip=client_ip(request),
            )
        except InvalidAction as refused:
            form.add_error(None, getattr(refused, "reason", "") or _("This cannot be recorded."))
        else:
            messages.success(
                request,
                _("Separation recorded. The first follow-up visit is scheduled."),
            )
            return redirect(separation.get_absolute_url())
    return render(
        request,
        "transitions/separation_new.html",
        {
            "form": form,
            "child": child,
            "mother": mother,
            "plan": plan,
            "refusal": refusal,
            "title": _("Record the separation"),
        },
    )


@login_required
@require_GET
def separation_detail(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_reader(request)
    separation = get_separation_for_user(request, code)
    _log_view(request, user, separation, separation.mother)
    can_write = may_write(user, separation.mother)
    return render(
        request,
        "transitions/separation_detail.html",
        {
            "separation": separation,
            "child": separation.child,
            "mother": separation.mother,
            "visits": list(separation.visits.select_related("stage", "recorded_by")),
            "can_write": can_write,
            "notify_form": NotificationForm(initial={"sent_on": timezone.localdate()})
            if can_write
            else None,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def separation_notified(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    require_case_writer(request)
    separation = get_separation_for_user(request, code)
    user = _writer(request, separation.mother)
    form = NotificationForm(request.POST)
    if form.is_valid():
        try:
            actions.do_record_notification(
                separation,
                to=form.cleaned_data["to"],
                sent_on=form.cleaned_data["sent_on"],
                actor=user,
                ip=client_ip(request),
            )
        except InvalidAction:
            messages.error(request, _("The letter is sent around the separation, not before it."))
        else:
            messages.success(request, _("The date the letter was sent is recorded."))
    else:
        messages.error(request, _("Give the date the letter was sent."))
    return redirect(separation.get_absolute_url())


@login_required
@require_GET
@never_cache
def separation_letter(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """The letter informing the district social welfare office or the commune committee for
    women and children of the child's placement (Khmer by default)."""
    user = require_case_reader(request)
    separation = get_separation_for_user(request, code)
    to = request.GET.get("to", "dswo")
    if to not in ("dswo", "cccw"):
        to = "dswo"
    _log_view(request, user, separation, separation.mother)
    context = {
        "separation": separation,
        "child": separation.child,
        "mother": separation.mother,
        "carer": separation.carer,
        "placement": separation.placement,
        "to": to,
        "organisation": separation.mother.organisation,
        "worker": user,
        "today": timezone.localdate(),
    }
    pdf = render_pdf("transitions/letter_pdf.html", context, _pdf_language(request))
    return _pdf_response(pdf, "letter.pdf")


# -- Follow-up ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def visit_record(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_reader(request)
    visit = get_visit_for_user(request, code)
    separation = visit.separation
    if visit.visited_on is not None or not may_write(user, separation.mother):
        if request.method == "POST":
            raise PermissionDenied
        _log_view(request, user, visit, separation.mother)
        return render(
            request,
            "transitions/visit_detail.html",
            {
                "visit": visit,
                "separation": separation,
                "child": separation.child,
                "mother": separation.mother,
            },
        )
    form = VisitForm(
        request.POST or None, visit=visit, initial={"visited_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        following = data.pop("next_due_on")
        try:
            nxt = actions.do_record_visit(
                visit, data, next_due_on=following, actor=user, ip=client_ip(request)
            )
        except InvalidAction:
            form.add_error(None, _("This visit was recorded meanwhile."))
        else:
            if nxt is not None:
                messages.success(
                    request,
                    _("Visit recorded. The next visit is due on %(date)s.")
                    % {"date": nxt.due_on.strftime("%d/%m/%Y")},
                )
            else:
                messages.success(request, _("Visit recorded. This was the last scheduled visit."))
            return redirect(separation.get_absolute_url())
    return _form_page(
        request,
        form,
        mother=separation.mother,
        child=separation.child,
        title=_("Follow-up visit: %(stage)s") % {"stage": visit.stage},
        submit=_("Record the visit"),
        cancel_url=separation.get_absolute_url(),
        lead=_("Due on %(date)s.") % {"date": visit.due_on.strftime("%d/%m/%Y")},
    )


# -- Reintegration --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def reintegration_new(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    require_case_writer(request)
    child = get_child_for_user(request, code)
    user = _writer(request, child.mother)
    form = ReintegrationForm(request.POST or None, initial={"decided_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_record_reintegration(
                child, form.cleaned_data, actor=user, ip=client_ip(request)
            )
        except InvalidAction:
            form.add_error(
                None,
                _(
                    "A reintegration plan is made for a child living outside, when her mother is "
                    "released or her release is expected."
                ),
            )
        else:
            messages.success(request, _("Reintegration plan recorded."))
            return redirect(child.get_absolute_url())
    return _form_page(
        request,
        form,
        mother=child.mother,
        child=child,
        title=_("Reintegration plan"),
        submit=_("Save the plan"),
        cancel_url=child.get_absolute_url(),
        lead=_(
            "On the mother's release: what is planned for the child, and when the case may close."
        ),
    )
