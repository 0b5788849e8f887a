"""The legal case of a custody stay: its page, recording and correcting its facts, detention
orders, hearings, applications and the court's decisions, and, after a decision that ends her
custody, where each child who lived inside with her lives now.

Every page is reached from her file (the "Legal case" section). The pages that record
something are keyed by a custody episode's code (the stay may have no case yet: the first
recording creates it); the case's own page and the decision on an application by theirs.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from komar.accounts.models import User
from komar.audit.actions import do_log_file_view
from komar.audit.models import AuditEntry
from komar.cases.access import require_case_reader, require_case_writer
from komar.cases.actions import DatesRefused, EditConflict, InvalidAction
from komar.cases.models import CustodyEpisode, Mother
from komar.legal import case_actions
from komar.legal.access import (
    get_application_for_user,
    get_detention_order_for_user,
    get_episode_for_user,
    get_hearing_for_user,
    get_legal_case_for_user,
)
from komar.legal.case_actions import CourtDecision, case_for_stay, stay_for
from komar.legal.case_forms import (
    MOMENTS,
    ApplicationForm,
    DecisionForm,
    DetentionOrderEditForm,
    DetentionOrderForm,
    HearingEditForm,
    HearingForm,
    JudgmentEditForm,
    JudgmentForm,
    LegalCaseEditForm,
    LegalCaseForm,
)
from komar.legal.derived import Stay, figures_for_case
from komar.legal.models import Application, DetentionGround, DetentionOrder, Hearing, LegalCase
from komar.lib.conflicts import field_differences
from komar.lib.http import client_ip


def _may_write(user: User, mother: Mother) -> bool:
    return user.can_write_cases and not mother.is_closed


def _log_view(request: HttpRequest, user: User, obj: Any, mother: Mother) -> None:
    with transaction.atomic():
        do_log_file_view(actor=user, obj=obj, mother=mother, ip=client_ip(request))


def _form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    page: dict[str, Any],
    conflict: dict[str, Any] | None = None,
) -> HttpResponse:
    """A form of the legal case. `page` holds `mother`, `stay`, `legal_case` (or None),
    `title`, `submit` and `lead`."""
    legal_case = page["legal_case"]
    cancel = legal_case if legal_case is not None else page["mother"]
    return render(
        request,
        "legal/case/form.html",
        {
            "form": form,
            **page,
            "conflict": conflict,
            "cancel_url": cancel.get_absolute_url(),
            "has_required": any(field.required for field in form.fields.values()),
        },
        status=409 if conflict else 200,
    )


def _done(request: HttpRequest, decision: CourtDecision, message: str) -> HttpResponse:
    """After a court decision: if it ended her custody, ask where each child now lives."""
    if decision.released is not None:
        messages.success(
            request,
            _(
                "%(message)s Her custody has ended: record where each child who lived with her "
                "now lives."
            )
            % {"message": message},
        )
        return redirect("legal:case_children", code=decision.legal_case.code)
    if decision.sentenced:
        messages.success(
            request,
            _("%(message)s Her legal status is now “Sentenced”.") % {"message": message},
        )
    else:
        messages.success(request, message)
    return redirect(decision.legal_case.get_absolute_url())


@login_required
@require_GET
def case_detail(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_reader(request)
    legal_case = get_legal_case_for_user(request, code)
    mother = legal_case.mother
    _log_view(request, user, legal_case, mother)
    figures = figures_for_case(legal_case)
    return render(
        request,
        "legal/case/detail.html",
        {
            "mother": mother,
            "legal_case": legal_case,
            "figures": figures,
            "stay": figures.stay,
            "episode": figures.stay.latest,
            "order_rows": [(order, grounds_display(order)) for order in figures.orders],
            "can_write": _may_write(user, mother),
            "today": figures.today,
        },
    )


def grounds_display(order: DetentionOrder) -> list[str]:
    """The grounds an order gives, in words (a code no longer known is shown as stored)."""
    labels = dict(DetentionGround.choices)
    return [str(labels.get(code, code)) for code in order.grounds]


def _moment_display(value: Any) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else ""


def _case_conflict(
    form: LegalCaseForm, legal_case: LegalCase | None, episode: CustodyEpisode, last: Any
) -> dict[str, Any]:
    """What the other person saved, field by field, where it differs from what she typed."""
    differences = []
    if legal_case is not None:
        differences += field_differences(form, legal_case, names=LegalCaseForm.Meta.fields)
        for model_field, day_field, _time in MOMENTS:
            if form.cleaned_data.get(model_field) != getattr(legal_case, model_field):
                saved = _moment_display(getattr(legal_case, model_field))
                differences.append({"label": form[day_field].label, "saved": saved})
    if form.cleaned_data.get("lawyer", episode.lawyer) != episode.lawyer:
        differences.append({"label": form["lawyer"].label, "saved": episode.lawyer})
    return {"differences": differences, "last": last}


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Record the legal facts of a stay, or correct them (optimistic locking: a second person
    saving meanwhile gets a 409 page with what the first saved, and loses nothing she typed)."""
    user = require_case_writer(request)
    episode = get_episode_for_user(request, code)
    mother = episode.mother
    stay = stay_for(episode)
    legal_case = case_for_stay(stay)
    context: dict[str, Any] = {"mother": mother, "stay": stay, "legal_case": legal_case}
    form: LegalCaseForm
    if legal_case is not None:
        form = LegalCaseEditForm(request.POST or None, instance=legal_case, **context)
        title = _("Correct the legal case")
        if request.method == "GET":
            _log_view(request, user, legal_case, mother)
    else:
        form = LegalCaseForm(request.POST or None, **context)
        title = _("Record the legal case")
    page: dict[str, Any] = {**context, "title": title, "submit": _("Save the legal case")}
    page["lead"] = _(
        "Record what is known now; leave the rest empty and add it later. The class of offence "
        "sets the legal maximum of pre-trial detention."
    )
    if request.method == "POST" and form.is_valid():
        try:
            if legal_case is not None:
                saved = case_actions.do_change_legal_case(
                    legal_case,
                    form.cleaned_data,
                    expected_version=form.cleaned_data["version"],
                    actor=user,
                    ip=client_ip(request),
                )
            else:
                saved = case_actions.do_record_legal_case(
                    episode, form.cleaned_data, actor=user, ip=client_ip(request)
                )
        except EditConflict as conflict:
            current_case = (
                LegalCase.objects.get(pk=legal_case.pk) if legal_case is not None else None
            )
            current_episode = CustodyEpisode.objects.get(pk=stay.latest.pk)
            details = _case_conflict(
                form, current_case, current_episode, AuditEntry.last_change(conflict.current)
            )
            # Saving again now overwrites deliberately, with the differences in front of her.
            data = request.POST.copy()
            if current_case is not None:
                data["version"] = str(current_case.version)
            data["episode_version"] = str(current_episode.version)
            if current_case is not None:
                form = LegalCaseEditForm(data, instance=current_case, **context)
            else:
                form = LegalCaseForm(data, **context)
            form.is_valid()
            return _form_page(request, form, page, conflict=details)
        except DatesRefused as refused:
            form.check_dates(refused.problems)
        except InvalidAction:
            # Someone recorded this stay's legal case meanwhile: correct it instead.
            messages.error(
                request,
                _("Someone else recorded this legal case meanwhile. Check it, then correct it."),
            )
            return redirect("legal:case_edit", code=episode.code)
        else:
            messages.success(request, _("Legal case saved."))
            return redirect(saved.get_absolute_url())
    return _form_page(request, form, page)


def _stay_of(request: HttpRequest, code: uuid.UUID) -> tuple[User, CustodyEpisode, Stay]:
    user = require_case_writer(request)
    episode = get_episode_for_user(request, code)
    return user, episode, stay_for(episode)


@login_required
@require_http_methods(["GET", "POST"])
def order_new(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user, episode, stay = _stay_of(request, code)
    mother = episode.mother
    legal_case = case_for_stay(stay)
    orders: list[DetentionOrder] = (
        list(legal_case.detention_orders.all()) if legal_case is not None else []
    )
    kind = DetentionOrder.Kind.EXTENSION if orders else DetentionOrder.Kind.ORDER
    form = DetentionOrderForm(
        request.POST or None,
        initial={"kind": kind},
        mother=mother,
        stay=stay,
        legal_case=legal_case,
        orders=orders,
    )
    if request.method == "POST" and form.is_valid():
        try:
            order = case_actions.do_record_detention_order(
                episode, form.cleaned_data, actor=user, ip=client_ip(request)
            )
        except DatesRefused as refused:
            form.check_dates(refused.problems)
        else:
            messages.success(request, _("Detention order recorded."))
            return redirect(order.legal_case.get_absolute_url())
    page = {
        "mother": mother,
        "stay": stay,
        "legal_case": legal_case,
        "title": _("Record a detention order or an extension"),
        "submit": _("Save the order"),
        "lead": _(
            "The investigating judge's order placing her in pre-trial detention, or extending "
            "it: its date, its term and the grounds it gives."
        ),
    }
    return _form_page(request, form, page)


@login_required
@require_http_methods(["GET", "POST"])
def hearing_new(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user, episode, stay = _stay_of(request, code)
    mother = episode.mother
    legal_case = case_for_stay(stay)
    scheduled = request.GET.get("scheduled") == "1"
    form = HearingForm(
        request.POST or None,
        initial={"court": stay.latest.court, "is_scheduled": scheduled},
        mother=mother,
        stay=stay,
        legal_case=legal_case,
    )
    if request.method == "POST" and form.is_valid():
        try:
            hearing = case_actions.do_record_hearing(
                episode, form.cleaned_data, actor=user, ip=client_ip(request)
            )
        except DatesRefused as refused:
            form.check_dates(refused.problems)
        else:
            messages.success(request, _("Hearing recorded."))
            return redirect(hearing.legal_case.get_absolute_url())
    page = {
        "mother": mother,
        "stay": stay,
        "legal_case": legal_case,
        "title": _("Schedule a hearing") if scheduled else _("Record a hearing"),
        "submit": _("Save the hearing"),
        "lead": _(
            "A hearing that took place: what it was, what came of it, and the next date. Or a "
            "hearing ahead: its date, its kind and the court."
        ),
    }
    return _form_page(request, form, page)


def _correct_page(
    request: HttpRequest,
    record: DetentionOrder | Hearing,
    form_class: type[DetentionOrderEditForm] | type[HearingEditForm],
    change: Any,
    texts: dict[str, str],
    **form_kwargs: Any,
) -> HttpResponse:
    """Correct one record of the legal case (optimistic locking: a second person saving
    meanwhile gets a 409 page with what the first saved, and loses nothing she typed)."""
    user = require_case_writer(request)
    legal_case = record.legal_case
    mother = legal_case.mother
    stay = stay_for(legal_case.episode)
    context: dict[str, Any] = {"mother": mother, "stay": stay, "legal_case": legal_case}
    form = form_class(request.POST or None, instance=record, **context, **form_kwargs)
    if request.method == "GET":
        _log_view(request, user, record, mother)
    page = {**context, **texts}
    if request.method == "POST" and form.is_valid():
        try:
            change(
                record,
                form.cleaned_data,
                expected_version=form.cleaned_data["version"],
                actor=user,
                ip=client_ip(request),
            )
        except EditConflict as conflict:
            current = type(record).objects.get(pk=record.pk)
            fields = form_class.Meta.fields
            details = {
                "differences": field_differences(form, current, names=fields),
                "last": AuditEntry.last_change(conflict.current),
            }
            data = request.POST.copy()
            data["version"] = str(current.version)
            form = form_class(data, instance=current, **context, **form_kwargs)
            form.is_valid()
            return _form_page(request, form, page, conflict=details)
        except DatesRefused as refused:
            form.check_dates(refused.problems)
        else:
            messages.success(request, texts["done"])
            return redirect(legal_case.get_absolute_url())
    return _form_page(request, form, page)


@login_required
@require_http_methods(["GET", "POST"])
def order_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    order = get_detention_order_for_user(request, code)
    others = [o for o in order.legal_case.detention_orders.all() if o.pk != order.pk]
    texts = {
        "title": _("Correct the detention order"),
        "submit": _("Save the order"),
        "lead": _(
            "Correct what was recorded wrongly: its kind, its date, its term or its grounds."
        ),
        "done": _("Detention order corrected."),
    }
    return _correct_page(
        request,
        order,
        DetentionOrderEditForm,
        case_actions.do_change_detention_order,
        texts,
        orders=others,
    )


@login_required
@require_http_methods(["GET", "POST"])
def hearing_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    hearing = get_hearing_for_user(request, code)
    texts = {
        "title": _("Record what came of the hearing")
        if hearing.is_scheduled
        else _("Correct the hearing"),
        "submit": _("Save the hearing"),
        "lead": _(
            'Once a scheduled hearing has taken place, untick "scheduled" and write what '
            "came of it; if it was moved, give the new date."
        )
        if hearing.is_scheduled
        else _("Correct what was recorded wrongly."),
        "done": _("Hearing saved."),
    }
    return _correct_page(request, hearing, HearingEditForm, case_actions.do_change_hearing, texts)


@login_required
@require_http_methods(["GET", "POST"])
def application_new(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user, episode, stay = _stay_of(request, code)
    mother = episode.mother
    legal_case = case_for_stay(stay)
    form = ApplicationForm(
        request.POST or None,
        initial={"filed_on": timezone.localdate()},
        mother=mother,
        stay=stay,
        legal_case=legal_case,
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = case_actions.do_record_application(
                episode, form.cleaned_data, actor=user, ip=client_ip(request)
            )
        except DatesRefused as refused:
            form.check_dates(refused.problems)
        else:
            messages.success(request, _("Application recorded: it waits for the decision."))
            return redirect(application.legal_case.get_absolute_url())
    page = {
        "mother": mother,
        "stay": stay,
        "legal_case": legal_case,
        "title": _("Record an application to the court"),
        "submit": _("Save the application"),
        "lead": _("An application filed on her behalf. Record the court's decision when it comes."),
    }
    return _form_page(request, form, page)


@login_required
@require_http_methods(["GET", "POST"])
def application_decide(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """The court's decision on an application. Granting a release or judicial supervision ends
    her custody (the page says so before she saves)."""
    user = require_case_writer(request)
    application = get_application_for_user(request, code)
    legal_case = application.legal_case
    mother = legal_case.mother
    stay = stay_for(legal_case.episode)
    form = DecisionForm(request.POST or None, instance=application, stay=stay)
    if request.method == "GET":
        _log_view(request, user, application, mother)
    page: dict[str, Any] = {
        "mother": mother,
        "stay": stay,
        "legal_case": legal_case,
        "title": _("Record the decision: %(kind)s") % {"kind": application.get_kind_display()},
        "submit": _("Save the decision"),
        "lead": _(
            "Filed on %(date)s. If the court grants it, her custody ends on the day of the "
            "decision, and you will be asked where each child who lived with her now lives."
        )
        % {"date": date_format(application.filed_on)}
        if application.kind in case_actions.RELEASING_APPLICATIONS and stay.is_open
        else _("Filed on %(date)s.") % {"date": date_format(application.filed_on)},
    }
    if request.method == "POST" and form.is_valid():
        try:
            decision = case_actions.do_decide_application(
                application,
                form.cleaned_data,
                expected_version=form.cleaned_data["version"],
                actor=user,
                ip=client_ip(request),
            )
        except EditConflict as conflict:
            current = conflict.current
            assert isinstance(current, Application)
            details = {
                "differences": field_differences(form, current),
                "last": AuditEntry.last_change(current),
            }
            data = request.POST.copy()
            data["version"] = str(current.version)
            form = DecisionForm(data, instance=current, stay=stay)
            form.is_valid()
            return _form_page(request, form, page, conflict=details)
        except DatesRefused as refused:
            form.check_dates(refused.problems)
        else:
            return _done(request, decision, _("Decision recorded."))
    return _form_page(request, form, page)


@login_required
@require_http_methods(["GET", "POST"])
def judgment(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user, episode, stay = _stay_of(request, code)
    mother = episode.mother
    legal_case = case_for_stay(stay)
    orders = list(legal_case.detention_orders.all()) if legal_case is not None else []
    context: dict[str, Any] = {
        "mother": mother,
        "stay": stay,
        "legal_case": legal_case,
        "orders": orders,
    }
    form: JudgmentForm
    if legal_case is not None:
        form = JudgmentEditForm(request.POST or None, instance=legal_case, **context)
    else:
        form = JudgmentForm(request.POST or None, **context)
    page: dict[str, Any] = {
        "mother": mother,
        "stay": stay,
        "legal_case": legal_case,
        "title": _("Record the judgment"),
        "submit": _("Save the judgment"),
        "lead": _(
            "An acquittal, a wholly suspended sentence, community service or a fine alone ends "
            "her custody on the day of the judgment; a prison term makes her “Sentenced”."
        ),
    }
    if request.method == "POST" and form.is_valid():
        try:
            decision = case_actions.do_record_judgment(
                episode,
                form.cleaned_data,
                expected_version=form.cleaned_data.get("version"),
                actor=user,
                ip=client_ip(request),
            )
        except EditConflict as conflict:
            current = conflict.current
            assert isinstance(current, LegalCase)
            details = {
                "differences": field_differences(form, current, names=case_actions.JUDGMENT_FIELDS),
                "last": AuditEntry.last_change(current),
            }
            data = request.POST.copy()
            data["version"] = str(current.version)
            form = JudgmentEditForm(data, instance=current, **{**context, "legal_case": current})
            form.is_valid()
            return _form_page(request, form, page, conflict=details)
        except DatesRefused as refused:
            form.check_dates(refused.problems)
        else:
            return _done(request, decision, _("Judgment recorded."))
    return _form_page(request, form, page)


@login_required
@require_GET
def case_children(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Where each of her children lives, with a link to record a move for each child recorded
    as living inside with her: her custody has ended, and placements change only when the
    worker records them."""
    user = require_case_reader(request)
    legal_case = get_legal_case_for_user(request, code)
    mother = legal_case.mother
    _log_view(request, user, legal_case, mother)
    children = list(mother.children.select_related("current_placement__facility"))
    return render(
        request,
        "legal/case/children.html",
        {
            "mother": mother,
            "legal_case": legal_case,
            "inside": [c for c in children if c.is_inside],
            "others": [c for c in children if not c.is_inside],
            "in_custody": mother.is_in_custody,
            "can_write": _may_write(user, mother),
            "case_url": reverse("legal:case_detail", kwargs={"code": legal_case.code}),
        },
    )
