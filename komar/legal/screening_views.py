"""The diversion screening's pages: screening a woman from her file, the screening with its
candidate measures and their reasons, choosing the measures to pursue, correcting the answers,
and the list of the candidate rules."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from komar.accounts.models import User
from komar.audit.actions import do_log_file_view
from komar.audit.models import AuditEntry
from komar.cases.access import get_mother_for_user, require_case_reader, require_case_writer, scope
from komar.cases.actions import DatesRefused, EditConflict, InvalidAction
from komar.cases.models import Child, Mother
from komar.legal.models import DetentionGround, Screening, obligation_labels
from komar.legal.screening import (
    MEASURE_RULES,
    Recorded,
    care_rows,
    chosen_labels,
    not_eligible_reasons,
    sorted_candidates,
)
from komar.legal.screening_actions import (
    CHOICE_FIELDS,
    INPUT_FIELDS,
    NotEligible,
    do_change_screening,
    do_record_screening,
    may_change_screening,
)
from komar.legal.screening_forms import (
    BaseCareFormSet,
    ChoiceForm,
    ScreeningEditForm,
    ScreeningForm,
    care_formset,
)
from komar.lib.conflicts import field_differences
from komar.lib.http import client_ip


def get_screening_for_user(request: HttpRequest, code: uuid.UUID) -> Screening:
    """A screening of a woman in her scope; anything else is a 404."""
    user = require_case_reader(request)
    try:
        return (
            Screening.objects.select_related(
                "mother__latest_episode__facility", "mother__organisation", "screened_by", "episode"
            )
            .filter(scope(user, "mother__"))
            .get(code=code)
        )
    except Screening.DoesNotExist:
        raise Http404 from None


def _case_link(recorded: Recorded) -> str:
    """Her legal case's page, or the page to start recording it, where they exist (they are
    another part's: the link is left out rather than the page broken)."""
    try:
        if recorded.legal_case is not None:
            return recorded.legal_case.get_absolute_url()
        if recorded.episode is not None:
            return reverse("legal:case_edit", args=[recorded.episode.code])
    except NoReverseMatch:
        pass
    return ""


def _grounds_shown(values: list[str]) -> str:
    labels = [str(DetentionGround(v).label) for v in values if v in DetentionGround.values]
    return ", ".join(labels) or _("None claimed")


def obligations_shown(values: list[str]) -> str:
    return ", ".join(obligation_labels(values)) or "—"


def _form_page(
    request: HttpRequest,
    form: ScreeningForm,
    care: BaseCareFormSet,
    recorded: Recorded,
    *,
    screening: Screening | None = None,
    conflict: dict[str, Any] | None = None,
) -> HttpResponse:
    return render(
        request,
        "legal/screening/form.html",
        {
            "form": form,
            "care": care,
            "mother": recorded.mother,
            "recorded": recorded,
            "missing": recorded.missing(),
            "case_link": _case_link(recorded),
            "screening": screening,
            "conflict": conflict,
        },
        status=409 if conflict else 200,
    )


def _not_eligible(request: HttpRequest, mother: Mother, reasons: list[str]) -> HttpResponse:
    return render(
        request, "legal/screening/not_eligible.html", {"mother": mother, "reasons": reasons}
    )


@login_required
@require_http_methods(["GET", "POST"])
def screening_new(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_writer(request)
    mother = get_mother_for_user(request, code)
    today = timezone.localdate()
    recorded = Recorded.of(mother, today)
    if not recorded.is_eligible:
        return _not_eligible(request, mother, not_eligible_reasons(mother, today))
    if request.method == "GET":
        # The page shows her children and her custody: opening it is a view of her file.
        with transaction.atomic():
            do_log_file_view(actor=user, obj=mother, mother=mother, ip=client_ip(request))
    form = ScreeningForm(
        request.POST or None,
        initial={"screened_on": today, "grounds_claimed": recorded.order_grounds},
        mother=mother,
        episode=recorded.episode,
    )
    care = care_formset(request.POST or None, recorded.children)
    if request.method == "POST" and _both_valid(form, care):
        try:
            screening = do_record_screening(
                mother,
                {**form.cleaned_data, "care": care.rows()},
                actor=user,
                ip=client_ip(request),
            )
        except NotEligible as refused:
            return _not_eligible(request, mother, refused.reasons)
        except DatesRefused as refused:
            form.check_dates(refused.problems)
        else:
            messages.success(
                request, _("Screening recorded. Read the candidate measures, then choose.")
            )
            return redirect(screening.get_absolute_url())
    return _form_page(request, form, care, recorded)


def _both_valid(form: ScreeningForm, care: BaseCareFormSet) -> bool:
    valid_form = form.is_valid()  # both, so that every error is shown at once
    return care.is_valid() and valid_form


@login_required
@require_GET
def screening_detail(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_reader(request)
    screening = get_screening_for_user(request, code)
    mother = screening.mother
    with transaction.atomic():
        do_log_file_view(actor=user, obj=screening, mother=mother, ip=client_ip(request))
    children = (
        list(Child.objects.filter(mother=mother, code__in=[r.get("child") for r in screening.care]))
        if screening.care
        else []
    )
    return render(
        request,
        "legal/screening/detail.html",
        {
            "screening": screening,
            "mother": mother,
            "care": care_rows(screening.care, children),
            "obligations": obligations_shown(screening.obligations),
            "candidates": sorted_candidates(screening.candidates),
            "chosen": chosen_labels(screening.chosen),
            "grounds": _grounds_shown(screening.grounds_claimed),
            "may_change": may_change_screening(user, screening) and not mother.is_closed,
        },
    )


def _conflict(form: Any, current: Screening) -> dict[str, Any]:
    shown = {
        "grounds_claimed": _grounds_shown(current.grounds_claimed),
        "obligations": obligations_shown(current.obligations),
        "chosen": ", ".join(chosen_labels(current.chosen)) or "—",
    }
    return {
        "differences": field_differences(form, current, shown=shown),
        "last": AuditEntry.last_change(current),
    }


def _changeable(request: HttpRequest, code: uuid.UUID) -> tuple[User, Screening]:
    user = require_case_writer(request)
    screening = get_screening_for_user(request, code)
    if not may_change_screening(user, screening):
        raise PermissionDenied
    return user, screening


@login_required
@require_http_methods(["GET", "POST"])
def screening_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Correct her answers: the candidates are judged again on her file as it is today."""
    user, screening = _changeable(request, code)
    mother = screening.mother
    recorded = Recorded.of(mother, timezone.localdate())
    form = ScreeningEditForm(
        request.POST or None, instance=screening, mother=mother, episode=screening.episode
    )
    care = care_formset(request.POST or None, recorded.children, screening.care)
    if request.method == "GET":
        with transaction.atomic():
            do_log_file_view(actor=user, obj=screening, mother=mother, ip=client_ip(request))
    if request.method == "POST" and _both_valid(form, care):
        data = {name: form.cleaned_data[name] for name in INPUT_FIELDS if name != "care"}
        data["care"] = care.rows()
        try:
            do_change_screening(
                screening,
                data,
                expected_version=form.cleaned_data["version"],
                actor=user,
                ip=client_ip(request),
            )
        except EditConflict as conflict:
            current = conflict.current
            assert isinstance(current, Screening)
            context = _conflict(form, current)
            # Saving again now overwrites deliberately, with the differences in front of her.
            resubmitted = request.POST.copy()
            resubmitted["version"] = str(current.version)
            form = ScreeningEditForm(
                resubmitted, instance=current, mother=mother, episode=current.episode
            )
            form.is_valid()
            return _form_page(request, form, care, recorded, screening=current, conflict=context)
        except DatesRefused as refused:
            form.check_dates(refused.problems)
        else:
            messages.success(request, _("Saved. The candidate measures were judged again."))
            return redirect(screening.get_absolute_url())
    return _form_page(request, form, care, recorded, screening=screening)


def _choice_page(
    request: HttpRequest,
    form: ChoiceForm,
    screening: Screening,
    conflict: dict[str, Any] | None = None,
) -> HttpResponse:
    shown = sorted_candidates(screening.candidates)
    by_measure = {c.measure: c for c in shown}
    rows = [(widget, by_measure.get(str(widget.data["value"]))) for widget in form["chosen"]]
    return render(
        request,
        "legal/screening/choose.html",
        {
            "form": form,
            "screening": screening,
            "mother": screening.mother,
            "candidates": shown,
            "rows": rows,
            "conflict": conflict,
        },
        status=409 if conflict else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def screening_choose(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """The legal officer chooses the measures to pursue, and says why."""
    user, screening = _changeable(request, code)
    form = ChoiceForm(request.POST or None, instance=screening)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in CHOICE_FIELDS}
        try:
            do_change_screening(
                screening,
                data,
                expected_version=form.cleaned_data["version"],
                actor=user,
                ip=client_ip(request),
            )
        except EditConflict as conflict:
            current = conflict.current
            assert isinstance(current, Screening)
            context = _conflict(form, current)
            resubmitted = request.POST.copy()
            resubmitted["version"] = str(current.version)
            form = ChoiceForm(resubmitted, instance=current)
            form.is_valid()
            return _choice_page(request, form, current, context)
        except InvalidAction:
            form.add_error("chosen_reason", _("Say why you chose these measures."))
        else:
            messages.success(request, _("The measures to pursue are saved."))
            return redirect(screening.get_absolute_url())
    return _choice_page(request, form, screening)


@login_required
@require_GET
def screening_rules(request: HttpRequest) -> HttpResponse:
    """The rules that judge the candidate measures. Not personal data: any user."""
    return render(request, "legal/screening/rules.html", {"measure_rules": MEASURE_RULES})
