from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from komar.accounts.models import Organisation, User
from komar.audit.actions import do_log_file_view
from komar.audit.models import AuditEntry
from komar.cases.access import get_mother_for_user, require_case_reader, require_case_writer
from komar.cases.actions import EditConflict
from komar.cases.models import Child, Mother
from komar.counselling.access import get_session_for_user
from komar.counselling.actions import InvalidSession, do_change_session, do_record_session
from komar.counselling.forms import SESSION_FIELDS, SessionEntry
from komar.counselling.models import CareOption, CounsellingSession, Factor, Topic
from komar.counselling.pdf import PDF_LANGUAGES, render_pdf
from komar.facilities.models import Facility
from komar.lib.conflicts import field_differences
from komar.lib.http import client_ip

# Her summary speaks to her, in short plain words.
PLAIN_DECISIONS: dict[str, Promise] = {
    CareOption.WITH_MOTHER: gettext_lazy("Stays with you in the prison"),
    CareOption.FATHER: gettext_lazy("Lives with the father"),
    CareOption.RELATIVE: gettext_lazy("Lives with a relative"),
    CareOption.OTHER_FAMILY: gettext_lazy("Lives with another family"),
    CareOption.FOSTER: gettext_lazy("Lives with a foster family"),
    CareOption.PAGODA: gettext_lazy("Lives at a pagoda"),
    CareOption.INSTITUTION: gettext_lazy("Lives in a children's home"),
}


@dataclass(frozen=True)
class SummaryLine:
    child: Child | None  # None: her unborn child
    plain_decision: Promise
    carer_name: str


@dataclass(frozen=True)
class Fact:
    label: str
    value: str  # "" when the facility record leaves it blank


def fact_rows(facts: Mapping[str, Any]) -> list[Fact]:
    """What a mother is told about a facility, as label and value, in the active language."""
    riel = facts.get("food_allowance_riel")
    space = facts.get("has_child_friendly_space")
    checked = facts.get("facts_updated_on")
    return [
        Fact(
            str(Topic.FOOD_ALLOWANCE.label),
            _("%(amount)s riel") % {"amount": number_format(riel, force_grouping=True)}
            if riel is not None
            else "",
        ),
        Fact(
            str(Topic.CHILD_FRIENDLY_SPACE.label),
            "" if space is None else (_("yes") if space else _("no")),
        ),
        Fact(str(Topic.HEALTH_CARE.label), facts.get("health_care") or ""),
        Fact(str(Topic.SPACE.label), facts.get("space") or ""),
        Fact(str(Topic.OUTDOOR_TIME.label), facts.get("outdoor_time") or ""),
        Fact(str(Topic.VISITING.label), facts.get("visiting") or ""),
        Fact(
            str(capfirst(Facility._meta.get_field("facts_updated_on").verbose_name)),
            date_format(dt.date.fromisoformat(checked)) if checked else "",
        ),
    ]


def _current_facility(mother: Mother) -> Facility | None:
    """Her facility now, as `do_record_session` will record it."""
    episode = mother.latest_episode
    return episode.facility if episode is not None and episode.is_open else None


def _language() -> str:
    return "km" if translation.get_language() == "km" else "en"


def _pdf_language(request: HttpRequest) -> str:
    """Printed for the mother: Khmer unless English is asked for."""
    asked = request.GET.get("language", "")
    return asked if asked in PDF_LANGUAGES else "km"


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    # The filename is fixed: names (personal data) never go into URLs or filenames.
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _proposes_institution(session: CounsellingSession, decisions: list[Any]) -> bool:
    return session.preference == CareOption.INSTITUTION or any(
        d.decision == CareOption.INSTITUTION for d in decisions
    )


INVALID_SESSION = gettext_lazy(
    "This session could not be recorded: check the main factor, the children and the "
    "justification for an institution, then save again."
)


def _form_page(
    request: HttpRequest,
    mother: Mother,
    entry: SessionEntry,
    *,
    session: CounsellingSession | None = None,
    conflict: dict[str, Any] | None = None,
) -> HttpResponse:
    """The session form, for a new session or a correction (facts as told, or as today)."""
    if session is not None:
        told = session.facility_facts.get(_language()) or session.facility_facts.get("en")
        facility, facts = session.facility, fact_rows(told) if told else None
    else:
        facility = _current_facility(mother)
        facts = fact_rows(facility.facts(_language())) if facility else None
    return render(
        request,
        "counselling/session_form.html",
        {
            "mother": mother,
            "entry": entry,
            "form": entry.form,
            "session": session,
            "facility": facility,
            "facts": facts,
            "conflict": conflict,
            "stay_limit_months": settings.KOMAR_CHILD_STAY_LIMIT_MONTHS,
        },
        status=409 if conflict else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_writer(request)
    mother = get_mother_for_user(request, code)
    children = list(mother.children.select_related("current_placement__facility"))
    entry = SessionEntry(
        request.POST if request.method == "POST" else None, mother=mother, children=children
    )
    if request.method == "GET":
        # The form shows all her children and where they live: opening it is a view of her file.
        with transaction.atomic():
            do_log_file_view(actor=user, obj=mother, mother=mother, ip=client_ip(request))
    if request.method == "POST" and entry.is_valid():
        form = entry.form
        try:
            session = do_record_session(
                mother,
                form.session_data(),
                factors=list(form.cleaned_data["factors"]),
                main_factor=form.cleaned_data["main_factor"],
                decisions=entry.decisions(),
                actor=user,
                ip=client_ip(request),
            )
        except InvalidSession:
            form.add_error(None, INVALID_SESSION)
        else:
            messages.success(request, _("Counselling session recorded."))
            return redirect(session.get_absolute_url())
    return _form_page(request, mother, entry)


def _may_correct(user: User, session: CounsellingSession) -> bool:
    """A session is the counselling organisation's record: its case writers correct it."""
    organisation_id = session.counsellor.organisation_id
    return (
        user.can_write_cases
        and organisation_id is not None
        and (user.organisation_id == organisation_id)
    )


def _differences(entry: SessionEntry, current: CounsellingSession) -> list[dict[str, Any]]:
    """Where what she typed differs from what the other person saved."""
    form = entry.form
    shown = {
        "options_discussed": ", ".join(current.options_display),
        "topics_given": ", ".join(current.topics_display),
    }
    differences = field_differences(form, current, names=SESSION_FIELDS, shown=shown)
    saved_factors = list(current.session_factors.select_related("factor"))
    typed = set(form.cleaned_data.get("factors") or [])
    if typed != {sf.factor for sf in saved_factors}:
        names = ", ".join(str(sf.factor) for sf in saved_factors)
        differences.append({"label": form["factors"].label, "saved": names})
    saved_decisions = {d.child_id: d for d in current.decisions.all()}
    for row in entry.all_rows:
        if not hasattr(row, "cleaned_data"):
            continue
        decision = saved_decisions.get(row.child.pk if row.child else None)
        saved_value = decision.decision if decision else ""
        if row.cleaned_data.get("decision", "") != saved_value:
            label = row.child.display_name if row.child else _("Her unborn child")
            saved = decision.get_decision_display() if decision else _("No decision")
            differences.append({"label": label, "saved": saved})
    return differences


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_writer(request)
    session = get_session_for_user(request, code)
    if not _may_correct(user, session):
        raise PermissionDenied
    mother = session.mother
    children = list(mother.children.select_related("current_placement__facility"))
    data = request.POST if request.method == "POST" else None
    entry = SessionEntry(data, mother=mother, children=children, session=session)
    if request.method == "GET":
        # The form shows the whole session and all her children: opening it is a view.
        with transaction.atomic():
            do_log_file_view(actor=user, obj=session, mother=mother, ip=client_ip(request))
    if request.method == "POST" and entry.is_valid():
        form = entry.form
        try:
            do_change_session(
                session,
                form.session_data(),
                factors=list(form.cleaned_data["factors"]),
                main_factor=form.cleaned_data["main_factor"],
                decisions=entry.decisions(),
                expected_version=form.cleaned_data["version"],
                actor=user,
                ip=client_ip(request),
            )
        except EditConflict as conflict:
            current = conflict.current
            assert isinstance(current, CounsellingSession)
            last = AuditEntry.last_change(current)
            context = {"differences": _differences(entry, current), "last": last}
            # Saving again now overwrites deliberately, with the differences in front of her.
            resubmitted = request.POST.copy()
            resubmitted["version"] = str(current.version)
            entry = SessionEntry(resubmitted, mother=mother, children=children, session=current)
            entry.is_valid()
            return _form_page(request, mother, entry, session=current, conflict=context)
        except InvalidSession:
            form.add_error(None, INVALID_SESSION)
        else:
            messages.success(request, _("Saved."))
            return redirect(session.get_absolute_url())
    return _form_page(request, mother, entry, session=session)


@login_required
@require_GET
def session_detail(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_reader(request)
    session = get_session_for_user(request, code)
    with transaction.atomic():
        do_log_file_view(actor=user, obj=session, mother=session.mother, ip=client_ip(request))
    decisions = list(session.decisions.select_related("child"))
    factors = list(session.session_factors.select_related("factor"))
    told = session.facility_facts.get(_language()) or session.facility_facts.get("en")
    return render(
        request,
        "counselling/session_detail.html",
        {
            "session": session,
            "mother": session.mother,
            "decisions": decisions,
            "factors": sorted(
                factors,
                key=lambda sf: (sf.factor.group != Factor.Group.PERSONAL, sf.factor.order),
            ),
            "facts_name": told.get("name", "") if told else "",
            "facts": fact_rows(told) if told else None,
            "proposes_institution": _proposes_institution(session, decisions),
            "can_correct": _may_correct(user, session),
        },
    )


@login_required
@require_GET
@never_cache
def session_summary_pdf(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """The decision summary she keeps: large type, plain words, nothing confidential.

    Never printed: whether a child was born in custody (Nelson Mandela Rule 28), identity or
    prison numbers, her words, the factors.
    """
    user = require_case_reader(request)
    session = get_session_for_user(request, code)
    language = _pdf_language(request)
    with transaction.atomic():
        do_log_file_view(actor=user, obj=session, mother=session.mother, ip=client_ip(request))
    counsellor = session.counsellor
    organisation: Organisation | None = counsellor.organisation or session.mother.organisation
    pdf = render_pdf(
        "counselling/summary_pdf.html",
        {
            "session": session,
            "mother": session.mother,
            "decisions": [
                SummaryLine(d.child, PLAIN_DECISIONS[d.decision], d.carer_name)
                for d in session.decisions.select_related("child")
            ],
            "counsellor": counsellor,
            "organisation": organisation,
        },
        language,
    )
    return _pdf_response(pdf, "summary.pdf")


def _get_active_facility(code: uuid.UUID) -> Facility:
    """Facility facts are not personal data: any active facility, for anyone reading cases."""
    try:
        return Facility.objects.get(code=code, is_active=True)
    except Facility.DoesNotExist:
        raise Http404 from None


@login_required
@require_GET
def facility_sheet_pdf(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_reader(request)
    facility = _get_active_facility(code)
    language = _pdf_language(request)
    with translation.override(language):
        facts = facility.facts(language)
        context = {
            "facility_name": facts["name"],
            "facts": fact_rows(facts),
            "stay_limit_months": settings.KOMAR_CHILD_STAY_LIMIT_MONTHS,
            "has_child_friendly_space": facility.has_child_friendly_space,
            "organisation": user.organisation,
            "today": timezone.localdate(),
        }
    return _pdf_response(
        render_pdf("counselling/facility_sheet_pdf.html", context, language), "facility-sheet.pdf"
    )
