from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.forms import BaseForm, BooleanField
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from komar.accounts.models import User
from komar.audit.actions import do_log_file_view, do_log_list_view
from komar.audit.models import AuditEntry
from komar.cases import actions
from komar.cases.access import (
    get_child_for_user,
    get_closure_for_user,
    get_consent_for_user,
    get_mother_for_user,
    get_referral_for_user,
    mothers_for_user,
    referrals_for_user,
    require_case_reader,
    require_case_writer,
    scope,
)
from komar.cases.date_rules import check_registration
from komar.cases.forms import (
    AssignForm,
    BirthForm,
    BulkAssignForm,
    CaseFilterForm,
    ChildEditForm,
    ChildForm,
    ChildWithPlacementForm,
    CloseForm,
    ClosureDecisionForm,
    ConfirmsDates,
    ConsentForm,
    EpisodeEditForm,
    EpisodeForm,
    HasChildrenForm,
    InCustodyForm,
    MotherEditForm,
    MotherForm,
    PlacementForm,
    ReferralAnswerForm,
    ReferralForm,
    ReferralRequestForm,
    ReleaseForm,
    ReopenForm,
    RequestAnswerForm,
    TransferForm,
    WithdrawConsentForm,
)
from komar.cases.models import Closure, CustodyEpisode, Mother, Referral
from komar.cases.queries import (
    SORTS,
    case_list_count,
    case_list_keys,
    case_rows,
    caseload_rows,
    filter_mothers,
    listed_mothers,
    pending_closures,
)
from komar.cases.search import find_likely_duplicates, search_mothers
from komar.lib.conflicts import field_differences
from komar.lib.http import client_ip
from komar.lib.paging import page_of_keys

MAX_CHILDREN_IN_FORM = 8


SAVED_SEARCHES = 10
# A filter's value in the list's address is cut to this length.
FILTER_CHARS = 100


@login_required
@require_http_methods(["GET", "POST"])
def case_list(request: HttpRequest) -> HttpResponse:
    """The case list. A name search is posted and kept in the session under a random token, so
    that names never appear in URLs, browser history or server logs."""
    user = require_case_reader(request)
    if request.method == "POST":
        posted = CaseFilterForm(request.POST, user=user)
        # The filters that exist, each cut short: a tampered value is then shown as an error
        # by the list, in an address of reasonable length.
        params = {
            k: "on" if isinstance(posted.fields[k], BooleanField) else v[:FILTER_CHARS]
            for k, v in request.POST.items()
            if k in posted.fields and k != "q" and v
        }
        query = request.POST.get("q", "").strip()[:100]
        if query:
            token = secrets.token_urlsafe(9)
            saved = dict(
                list(request.session.get("case_searches", {}).items())[-SAVED_SEARCHES + 1 :]
            )
            saved[token] = query
            request.session["case_searches"] = saved
            params["search"] = token
        return redirect(f"{reverse('cases:case_list')}?{urlencode(params)}")
    data = request.GET.copy()
    token = data.pop("search", [""])[0]
    if token:
        data["q"] = request.session.get("case_searches", {}).get(token, "")
    form = CaseFilterForm(data or None, user=user)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        filters = form.cleaned_data
    today = timezone.localdate()
    per_page, number = settings.KOMAR_CASES_PER_PAGE, request.GET.get("page")
    if filters.get("q") and not filters.get("sort"):
        queryset = filter_mothers(mothers_for_user(user), filters, today, user)
        keys = search_mothers(queryset, filters["q"]).values_list("pk")  # most relevant first
        page = page_of_keys(keys, per_page, number, listed_mothers)
    elif filters.get("q"):  # a search in another order than relevance
        queryset = filter_mothers(mothers_for_user(user), filters, today, user)
        found = search_mothers(queryset, filters["q"]).order_by(*SORTS[filters["sort"]])
        page = page_of_keys(found.values_list("pk"), per_page, number, listed_mothers)
    else:
        keys = case_list_keys(user, filters, today)  # by name unless asked otherwise
        count = partial(case_list_count, user, filters, today)  # in the indexes
        page = page_of_keys(keys, per_page, number, listed_mothers, count=count)
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    # Who looked at which list: how many women it held and whether it was a search, never
    # the query itself.
    do_log_list_view(
        actor=user,
        name="case_list",
        shown=page.paginator.count,
        searched=bool(filters.get("q")),
        ip=client_ip(request),
    )
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "page": page,
            "rows": case_rows(list(page.object_list)),
            "today": today,
            "query_without_page": query_without_page.urlencode(),
            "can_write": user.can_write_cases,
            "sorts": _sort_links(request, filters.get("sort") or ""),
            "bulk_form": (BulkAssignForm(user=user, choices=[]) if _supervises(user) else None),
        },
    )


def _sort_links(request: HttpRequest, current: str) -> dict[str, dict[str, str]]:
    """For each sortable column, the list's address sorted by it (a second click on an
    ascending column reverses it, where that order exists) and its aria-sort state."""
    columns = {
        "name": ("", "-name"),
        "facility": ("facility",),
        "admitted": ("admitted", "-admitted"),
        "limit": ("limit",),
    }
    links = {}
    for column, orders in columns.items():
        if current in orders:
            state = "descending" if current in ("-name", "admitted") else "ascending"
            following = orders[(orders.index(current) + 1) % len(orders)]
        else:
            state, following = "none", orders[0]
        params = request.GET.copy()
        params.pop("page", None)
        params.pop("sort", None)
        if following:
            params["sort"] = following
        links[column] = {"url": f"?{params.urlencode()}", "state": state}
    return links


def _supervises(user: User) -> bool:
    return user.role in actions.SUPERVISING_ROLES and user.organisation_id is not None


F = TypeVar("F", bound=BaseForm)


def _typed_but_unchecked(form_class: type[F], data: Any, prefix: str) -> F:
    """A form showing what was typed, without validating it (for "Add a child" round trips)."""
    probe = form_class(prefix=prefix)
    initial = {
        name: field.widget.value_from_datadict(data, {}, probe.add_prefix(name))
        for name, field in probe.fields.items()
    }
    return form_class(prefix=prefix, initial=initial)


class _RegistrationChild:
    """A child's two forms (details and placement) shown without validation."""

    def __init__(self, data: Any, prefix: str, *, shown: bool) -> None:
        if shown:
            self.child = _typed_but_unchecked(ChildForm, data, f"{prefix}-child")
            self.placement = _typed_but_unchecked(PlacementForm, data, f"{prefix}-placement")
        else:
            # Just added: nothing typed yet, so the fields start from their defaults.
            self.child = ChildForm(prefix=f"{prefix}-child")
            self.placement = PlacementForm(prefix=f"{prefix}-placement")


@login_required
@require_http_methods(["GET", "POST"])
def mother_register(request: HttpRequest) -> HttpResponse:
    user = require_case_writer(request)
    organisation = user.organisation
    if organisation is None:
        # Every woman is assigned to an organisation; an account without one cannot register.
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    try:
        child_count = int(request.POST.get("child_count", "0"))
    except ValueError:
        child_count = 0
    child_count = max(0, min(child_count, MAX_CHILDREN_IN_FORM))
    shown_children = child_count
    if "add_child" in request.POST:
        child_count = min(child_count + 1, MAX_CHILDREN_IN_FORM)
    if "remove_child" in request.POST:
        child_count = max(child_count - 1, 0)
    submitted = request.method == "POST" and "save" in request.POST
    duplicates: list[Any] = []
    elsewhere: list[Any] = []
    if request.method == "POST" and not submitted:
        # Adding or removing a child: keep what she typed, check nothing yet.
        return render(
            request,
            "cases/mother_register.html",
            {
                "mother_form": _typed_but_unchecked(MotherForm, request.POST, "m"),
                "custody_form": _typed_but_unchecked(InCustodyForm, request.POST, "k"),
                "episode_form": _typed_but_unchecked(EpisodeForm, request.POST, "e"),
                "has_children_form": _typed_but_unchecked(HasChildrenForm, request.POST, "h"),
                "child_forms": [
                    _RegistrationChild(request.POST, f"c{i}", shown=i < shown_children)
                    for i in range(child_count)
                ],
                "child_count": child_count,
                "max_children": MAX_CHILDREN_IN_FORM,
                "duplicates": [],
            },
        )
    mother_form = MotherForm(data, prefix="m")
    custody_form = InCustodyForm(data, prefix="k")
    episode_form = EpisodeForm(data, prefix="e")
    child_forms = [ChildWithPlacementForm(data, prefix=f"c{i}") for i in range(child_count)]
    has_children_form = HasChildrenForm(data, prefix="h", children=child_count)
    if submitted:
        children_answered = has_children_form.is_valid()
        mother_ok = mother_form.is_valid()
        in_custody = custody_form.is_valid() and custody_form.cleaned_data["in_custody"]
        episode_ok = episode_form.is_valid() if in_custody else True
        children_ok = all([f.is_valid() for f in child_forms])
        # Her dates, her custody's and each child's, checked together (the action checks again).
        forms_of: dict[str, ConfirmsDates] = {"mother": mother_form, "episode": episode_form}
        for i, f in enumerate(child_forms):
            forms_of[f"child{i}"], forms_of[f"placement{i}"] = f.child, f.placement
        if mother_ok and episode_ok and children_ok:
            found = check_registration(
                mother=mother_form.cleaned_data,
                episode=episode_form.cleaned_data if in_custody else None,
                children=[(f.child.cleaned_data, f.placement.cleaned_data) for f in child_forms],
            )
            for key, form in forms_of.items():
                form.check_dates([p for part, p in found if part.key == key])
            mother_ok = mother_form.is_valid()
            episode_ok = episode_form.is_valid() if in_custody else True
            children_ok = all([f.child.is_valid() and f.placement.is_valid() for f in child_forms])
        confirmed = [code for form in forms_of.values() for code in form.confirmed_dates]
        if mother_ok and episode_ok and children_ok and children_answered:
            if not request.POST.get("not_a_duplicate"):
                # Across her scope and the facility she is admitted to: a match outside her
                # scope is told apart, with nothing of that woman's file.
                where = scope(user)
                if in_custody:
                    where |= Q(facility=episode_form.cleaned_data["facility"])
                found_duplicates = find_likely_duplicates(
                    Mother.objects.filter(where).select_related(
                        "organisation", "latest_episode__facility"
                    ),
                    name_km=mother_form.cleaned_data["name_km"],
                    name_latin=mother_form.cleaned_data["name_latin"],
                    date_of_birth=mother_form.cleaned_data["date_of_birth"],
                    dob_is_estimated=mother_form.cleaned_data["dob_is_estimated"],
                )
                visible = set(
                    mothers_for_user(user)
                    .filter(pk__in=[d.mother.pk for d in found_duplicates])
                    .values_list("pk", flat=True)
                )
                duplicates = [d for d in found_duplicates if d.mother.pk in visible]
                elsewhere = [
                    Elsewhere(d.mother, _request_token(user, d.mother))
                    for d in found_duplicates
                    if d.mother.pk not in visible
                ]
            if not duplicates and not elsewhere:
                try:
                    mother = actions.do_register_mother(
                        mother_data=mother_form.cleaned_data,
                        episode_data=episode_form.cleaned_data if in_custody else None,
                        children=[
                            (f.child.cleaned_data, f.placement.cleaned_data) for f in child_forms
                        ],
                        organisation=organisation,
                        actor=user,
                        ip=client_ip(request),
                        confirmed=confirmed,
                    )
                except actions.InvalidAction:
                    # The forms check the same rules; this only guards against a gap between them.
                    mother_form.add_error(
                        None, _("This registration cannot be saved as it is. Check the dates.")
                    )
                else:
                    messages.success(request, _("Registered. Check the file below."))
                    return redirect("casefile:mother_file", code=mother.code)
        if not in_custody:
            # The custody fields are ignored: they show what was typed, and no errors.
            episode_form = _typed_but_unchecked(EpisodeForm, request.POST, "e")
    return render(
        request,
        "cases/mother_register.html",
        {
            "mother_form": mother_form,
            "custody_form": custody_form,
            "episode_form": episode_form,
            "has_children_form": has_children_form,
            "child_forms": child_forms,
            "child_count": child_count,
            "max_children": MAX_CHILDREN_IN_FORM,
            "duplicates": duplicates,
            "elsewhere": elsewhere,
            "request_form": ReferralRequestForm() if elsewhere and user.can_write_cases else None,
        },
    )


REQUEST_SALT = "komar.cases.referral-request"
# How long the registration page's offer to ask for a referral stays valid.
REQUEST_TOKEN_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Elsewhere:
    """A likely duplicate outside her scope: what she may be told of it (its organisation and
    birth year, in the template) and a signed token to ask that organisation for a referral."""

    mother: Mother
    token: str


def _request_token(user: User, mother: Mother) -> str:
    """Proof that the registration page showed this match to this user (her random code,
    never her id or name, signed with the user's id)."""
    return signing.dumps({"m": str(mother.code), "u": user.pk}, salt=REQUEST_SALT)


@login_required
@require_http_methods(["POST"])
def referral_request(request: HttpRequest) -> HttpResponse:
    """Ask the organisation that registered a woman to refer her to the user's own: offered by
    the registration page for a likely duplicate outside her scope, and only for it (the signed
    token). The woman is outside her scope, so this is the one view that reads her without the
    access getters; it shows nothing of her and opens nothing."""
    user = require_case_writer(request)
    try:
        signed = signing.loads(
            request.POST.get("token", ""), salt=REQUEST_SALT, max_age=REQUEST_TOKEN_SECONDS
        )
        code = uuid.UUID(str(signed["m"]))
        if signed["u"] != user.pk:
            raise signing.BadSignature
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise Http404 from None
    mother = Mother.objects.select_related("organisation").filter(code=code).first()
    if mother is None:
        raise Http404
    form = ReferralRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the service she needs, then ask again."))
        return redirect("cases:mother_register")
    try:
        actions.do_request_referral(
            mother,
            service=form.cleaned_data["service"],
            reason=form.cleaned_data["reason"],
            actor=user,
            ip=client_ip(request),
        )
    except actions.InvalidAction:
        messages.error(request, _("Your organisation has already asked for her, or receives her."))
    else:
        messages.success(
            request,
            _(
                "Your request was sent to %(organisation)s. If they refer her, her file opens "
                "to you."
            )
            % {"organisation": mother.organisation},
        )
    return redirect("cases:referral_list")


def _conflict_context(form: BaseForm, current: Any) -> dict[str, Any]:
    """After a conflicting save: keep what she typed, show what the other person saved."""
    differences = field_differences(form, current)
    last = AuditEntry.last_change(current)
    return {"conflict": {"differences": differences, "last": last}}


def _edit(
    request: HttpRequest,
    *,
    form: MotherEditForm | EpisodeEditForm | ChildEditForm,
    save: Any,
    template_context: dict[str, Any],
    done_url: str,
) -> HttpResponse:
    context: dict[str, Any] = {"form": form, **template_context}
    if request.method == "GET":
        # An edit form shows the whole record: opening it is a view of the file.
        user = request.user
        assert isinstance(user, User)
        with transaction.atomic():
            do_log_file_view(
                actor=user,
                obj=form.instance,
                mother=template_context["mother"],
                ip=client_ip(request),
            )
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data, form.cleaned_data["version"])
        except actions.EditConflict as conflict:
            context.update(_conflict_context(form, conflict.current))
            # Resubmitting now overwrites deliberately, with the differences in front of her.
            data = request.POST.copy()
            data["version"] = str(conflict.current.version)  # type: ignore[attr-defined]
            context["form"] = type(form)(data, instance=conflict.current)
            context["form"].is_valid()
            return render(request, "cases/edit.html", context, status=409)
        messages.success(request, _("Saved."))
        return redirect(done_url)
    return render(request, "cases/edit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def mother_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_writer(request)
    mother = get_mother_for_user(request, code)
    form = MotherEditForm(request.POST or None, instance=mother)

    def save(data: dict[str, Any], version: int) -> None:
        actions.do_change_mother(
            mother,
            data,
            expected_version=version,
            actor=user,
            ip=client_ip(request),
            confirmed=form.confirmed_dates,
        )

    return _edit(
        request,
        form=form,
        save=save,
        template_context={"mother": mother, "title": _("Correct her details")},
        done_url=mother.get_absolute_url(),
    )


def _latest_episode(mother: Mother) -> CustodyEpisode:
    from django.http import Http404

    if mother.latest_episode is None:
        raise Http404
    return mother.latest_episode


@login_required
@require_http_methods(["GET", "POST"])
def episode_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_writer(request)
    mother = get_mother_for_user(request, code)
    episode = _latest_episode(mother)
    form = EpisodeEditForm(request.POST or None, instance=episode)

    def save(data: dict[str, Any], version: int) -> None:
        actions.do_change_episode(
            episode,
            data,
            expected_version=version,
            actor=user,
            ip=client_ip(request),
            confirmed=form.confirmed_dates,
        )

    return _edit(
        request,
        form=form,
        save=save,
        template_context={"mother": mother, "title": _("Correct the custody details")},
        done_url=mother.get_absolute_url(),
    )


def _simple_form_page(
    request: HttpRequest, form: BaseForm, mother: Mother, title: str, submit: str
) -> HttpResponse:
    return render(
        request,
        "cases/form_page.html",
        {"form": form, "mother": mother, "title": title, "submit": submit},
    )


@login_required
@require_http_methods(["GET", "POST"])
def mother_admit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_writer(request)
    mother = get_mother_for_user(request, code)
    form = EpisodeForm(request.POST or None, mother=mother)
    if mother.is_in_custody:
        messages.error(request, _("She is already in custody. Record a transfer or release."))
        return redirect(mother.get_absolute_url())
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_admit_mother(
                mother,
                form.cleaned_data,
                actor=user,
                ip=client_ip(request),
                confirmed=form.confirmed_dates,
            )
        except actions.DatesRefused as refused:
            form.check_dates(refused.problems)
        else:
            messages.success(request, _("Admission recorded."))
            return redirect(mother.get_absolute_url())
    return _simple_form_page(request, form, mother, _("Record an admission"), _("Save admission"))


@login_required
@require_http_methods(["GET", "POST"])
def mother_transfer(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_writer(request)
    mother = get_mother_for_user(request, code)
    form = TransferForm(request.POST or None, mother=mother)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_transfer_mother(
                mother,
                to_facility=form.cleaned_data["to_facility"],
                on=form.cleaned_data["on"],
                prison_number=form.cleaned_data["prison_number"],
                actor=user,
                ip=client_ip(request),
            )
        except actions.InvalidAction:
            form.add_error(
                None,
                _(
                    "This transfer cannot be recorded: she must be in custody, the facility must "
                    "be a different one and the date not before her admission."
                ),
            )
        else:
            messages.success(
                request,
                _("Transfer recorded. Record separately where each child inside now lives."),
            )
            return redirect(mother.get_absolute_url())
    return _simple_form_page(request, form, mother, _("Record a transfer"), _("Save transfer"))


@login_required
@require_http_methods(["GET", "POST"])
def mother_release(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_writer(request)
    mother = get_mother_for_user(request, code)
    form = ReleaseForm(request.POST or None, mother=mother)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_release_mother(
                mother,
                on=form.cleaned_data["on"],
                release_kind=form.cleaned_data["release_kind"],
                actor=user,
                ip=client_ip(request),
            )
        except actions.InvalidAction:
            form.add_error(
                None,
                _(
                    "This release cannot be recorded: she must be in custody and the date not "
                    "before her admission."
                ),
            )
        else:
            messages.success(
                request, _("Release recorded. Record separately where each child now lives.")
            )
            return redirect(mother.get_absolute_url())
    return _simple_form_page(request, form, mother, _("Record a release"), _("Save release"))


@login_required
@require_http_methods(["GET", "POST"])
def child_add(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_writer(request)
    mother = get_mother_for_user(request, code)
    form = ChildWithPlacementForm(request.POST or None, prefix="c0", mother=mother)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_add_child(
                mother,
                form.child.cleaned_data,
                form.placement.cleaned_data,
                actor=user,
                ip=client_ip(request),
                confirmed=form.confirmed_dates,
            )
        except actions.InvalidAction:
            form.placement.add_error(
                "kind",
                _(
                    "The child cannot be with her inside: she is not in custody, or the date is "
                    "before her admission."
                ),
            )
        else:
            messages.success(request, _("Child added."))
            return redirect(mother.get_absolute_url())
    return render(request, "cases/child_add.html", {"form": form, "mother": mother})


@login_required
@require_http_methods(["GET", "POST"])
def mother_birth(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_writer(request)
    mother = get_mother_for_user(request, code)
    form = BirthForm(
        request.POST or None, initial={"date_of_birth": timezone.localdate()}, mother=mother
    )
    if request.method == "POST" and form.is_valid():
        try:
            child = actions.do_register_birth(
                mother,
                form.cleaned_data,
                actor=user,
                ip=client_ip(request),
                confirmed=form.confirmed_dates,
            )
        except actions.DatesRefused as refused:
            form.check_dates(refused.problems)
            return _simple_form_page(
                request, form, mother, _("Register a birth"), _("Register the baby")
            )
        messages.success(
            request,
            _("Birth registered. The stay limit is %(date)s.")
            % {"date": _format_date(child.stay_limit_date)},
        )
        return redirect(mother.get_absolute_url())
    return _simple_form_page(request, form, mother, _("Register a birth"), _("Register the baby"))


def _format_date(value: Any) -> str:
    from django.utils.formats import date_format

    return date_format(value)


@login_required
@require_http_methods(["GET", "POST"])
def child_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_writer(request)
    child = get_child_for_user(request, code)
    form = ChildEditForm(request.POST or None, instance=child)

    def save(data: dict[str, Any], version: int) -> None:
        actions.do_change_child(
            child,
            data,
            expected_version=version,
            actor=user,
            ip=client_ip(request),
            confirmed=form.confirmed_dates,
        )

    return _edit(
        request,
        form=form,
        save=save,
        template_context={
            "mother": child.mother,
            "child": child,
            "title": _("Correct the child's details"),
        },
        done_url=child.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def child_move(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_writer(request)
    child = get_child_for_user(request, code)
    form = PlacementForm(
        request.POST or None, initial={"start_date": timezone.localdate()}, child=child
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_move_child(child, form.cleaned_data, actor=user, ip=client_ip(request))
        except actions.InvalidAction:
            form.add_error(
                None,
                _(
                    "This cannot be recorded: the date is before the current placement began, or "
                    "the child is to be with her mother inside while her mother is not in custody."
                ),
            )
        else:
            messages.success(request, _("Where the child lives has been recorded."))
            return redirect(child.get_absolute_url())
    return render(
        request,
        "cases/form_page.html",
        {
            "form": form,
            "mother": child.mother,
            "child": child,
            "title": _("Record where the child lives now"),
            "submit": _("Save"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_add(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_writer(request)
    mother = get_mother_for_user(request, code)
    form = ConsentForm(
        request.POST or None, initial={"given_on": timezone.localdate()}, mother=mother
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_record_consent(mother, form.cleaned_data, actor=user, ip=client_ip(request))
        except actions.DatesRefused as refused:
            form.check_dates(refused.problems)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect(mother.get_absolute_url())
    return _simple_form_page(request, form, mother, _("Record consent"), _("Save consent"))


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_writer(request)
    consent = get_consent_for_user(request, code)
    form = WithdrawConsentForm(
        request.POST or None, initial={"on": timezone.localdate()}, consent=consent
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_withdraw_consent(
                consent,
                on=form.cleaned_data["on"],
                note=form.cleaned_data["note"],
                actor=user,
                ip=client_ip(request),
            )
        except actions.InvalidAction:
            form.add_error(
                None, _("This consent was already withdrawn, or the date is before it was given.")
            )
        else:
            messages.success(request, _("Consent withdrawn."))
            return redirect(consent.mother.get_absolute_url())
    return render(
        request,
        "cases/form_page.html",
        {
            "form": form,
            "mother": consent.mother,
            "title": _("Withdraw consent: %(purpose)s")
            % {"purpose": consent.get_purpose_display()},
            "submit": _("Withdraw consent"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_writer(request)
    mother = get_mother_for_user(request, code)
    form = ReferralForm(request.POST or None, mother=mother, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            referral = actions.do_refer(
                mother,
                to_organisation=form.cleaned_data["to_organisation"],
                service=form.cleaned_data["service"],
                reason=form.cleaned_data["reason"],
                override_reason=form.cleaned_data.get("override_reason", ""),
                actor=user,
                ip=client_ip(request),
            )
        except actions.InvalidAction:
            form.add_error(
                None,
                _(
                    "This referral cannot be sent: the same one is waiting for an answer, or "
                    "her consent to share was withdrawn meanwhile."
                ),
            )
        else:
            messages.success(
                request,
                _("Referral sent to %(organisation)s.")
                % {"organisation": referral.to_organisation},
            )
            return redirect(mother.get_absolute_url())
    return _simple_form_page(
        request, form, mother, _("Refer her to another organisation"), _("Send the referral")
    )


@login_required
@require_http_methods(["GET"])
def referral_list(request: HttpRequest) -> HttpResponse:
    """The referrals sent to her organisation (waiting first) and those it sent."""
    user = require_case_reader(request)
    related = ("mother", "from_organisation", "to_organisation")
    mine = referrals_for_user(user).select_related(*related)
    incoming = mine.filter(to_organisation_id=user.organisation_id)
    outgoing = mine.filter(from_organisation_id=user.organisation_id)
    Status = Referral.Status
    lists = {
        "waiting": list(incoming.filter(status=Status.PENDING)[:50]),
        "asked_of_us": list(outgoing.filter(status=Status.REQUESTED)[:50]),
        "our_requests": list(incoming.filter(status=Status.REQUESTED)[:20]),
        "answered": list(incoming.filter(status__in=[Status.ACCEPTED, Status.DECLINED])[:20]),
        "sent": list(outgoing.exclude(status=Status.REQUESTED)[:20]),
    }
    do_log_list_view(
        actor=user,
        name="referral_list",
        shown=sum(len(rows) for rows in lists.values()),
        ip=client_ip(request),
    )
    return render(request, "cases/referral_list.html", lists)


@login_required
@require_http_methods(["GET", "POST"])
def referral_detail(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_reader(request)
    referral = get_referral_for_user(request, code)
    if referral.requested_by_id is not None and referral.status != Referral.Status.ACCEPTED:
        return _request_detail(request, user, referral)
    can_answer = (
        referral.status == Referral.Status.PENDING
        and user.can_write_cases
        and user.organisation_id == referral.to_organisation_id
    )
    form = ReferralAnswerForm(request.POST or None) if can_answer else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            accept = form.cleaned_data["answer"] == "accept"
            try:
                actions.do_answer_referral(
                    referral,
                    accept=accept,
                    reason=form.cleaned_data["reason"],
                    actor=user,
                    ip=client_ip(request),
                )
            except actions.ConsentWithdrawn:
                form.add_error(
                    None,
                    _(
                        "She withdrew her consent to share her file with your organisation: "
                        "the referral can only be declined."
                    ),
                )
            except actions.InvalidAction:
                form.add_error(None, _("This referral was already answered."))
            else:
                if accept:
                    messages.success(request, _("Referral accepted: her file is now open to you."))
                    return redirect(referral.mother.get_absolute_url())
                messages.success(request, _("Referral declined."))
                return redirect("cases:referral_list")
    in_scope = mothers_for_user(user).filter(pk=referral.mother_id).exists()
    return render(
        request,
        "cases/referral_detail.html",
        {"referral": referral, "form": form, "in_scope": in_scope},
    )


def _request_detail(request: HttpRequest, user: User, referral: Referral) -> HttpResponse:
    """A request to refer her: her organisation refers her or declines; the organisation that
    asked sees its request, and of her only what the registration page told it."""
    can_answer = (
        referral.status == Referral.Status.REQUESTED
        and user.can_write_cases
        and user.organisation_id == referral.from_organisation_id
    )
    form = (
        RequestAnswerForm(request.POST or None, referral=referral, user=user)
        if can_answer
        else None
    )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            refer = form.cleaned_data["answer"] == "refer"
            try:
                actions.do_answer_request(
                    referral,
                    refer=refer,
                    reason=form.cleaned_data["reason"],
                    override_reason=form.cleaned_data.get("override_reason", ""),
                    actor=user,
                    ip=client_ip(request),
                )
            except actions.InvalidAction:
                form.add_error(
                    None,
                    _(
                        "This request was already answered, or her consent to share was "
                        "withdrawn meanwhile."
                    ),
                )
            else:
                messages.success(
                    request,
                    _("Referred: her file is now open to %(organisation)s.")
                    % {"organisation": referral.to_organisation}
                    if refer
                    else _("Request declined."),
                )
                return redirect("cases:referral_list")
    in_scope = mothers_for_user(user).filter(pk=referral.mother_id).exists()
    return render(
        request,
        "cases/referral_request_detail.html",
        {"referral": referral, "form": form, "in_scope": in_scope},
    )


# -- Who is responsible for her case -------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def mother_assign(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """A supervisor of her organisation chooses her responsible worker and legal officer."""
    user = require_case_writer(request)
    mother = get_mother_for_user(request, code)
    if not actions.may_assign(user, mother):
        raise PermissionDenied
    form = AssignForm(
        request.POST or None,
        mother=mother,
        initial={
            "assigned_worker": mother.assigned_worker_id,
            "assigned_legal_officer": mother.assigned_legal_officer_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_assign(
                [mother],
                worker=form.cleaned_data["assigned_worker"],
                set_legal_officer=True,
                legal_officer=form.cleaned_data["assigned_legal_officer"],
                actor=user,
                ip=client_ip(request),
            )
        except actions.InvalidAction:
            form.add_error(None, _("This person can no longer take her case. Choose again."))
        else:
            messages.success(request, _("Her case is assigned."))
            return redirect(mother.get_absolute_url())
    return _simple_form_page(request, form, mother, _("Who is responsible for her case"), _("Save"))


def _posted_codes(values: list[str]) -> list[uuid.UUID]:
    codes = []
    for value in values[: settings.KOMAR_CASES_PER_PAGE * 4]:
        try:
            codes.append(uuid.UUID(value))
        except ValueError:
            continue
    return codes


@login_required
@require_http_methods(["POST"])
def bulk_assign(request: HttpRequest) -> HttpResponse:
    """Reassign the women ticked on the case list (a supervisor, women of her organisation)."""
    user = require_case_writer(request)
    if not _supervises(user):
        raise PermissionDenied
    assert user.organisation_id is not None
    chosen = (
        mothers_for_user(user)
        .filter(code__in=_posted_codes(request.POST.getlist("women")))
        .filter(organisation_id=user.organisation_id)
    )
    choices = [(str(c), str(c)) for c in chosen.values_list("code", flat=True)]
    form = BulkAssignForm(request.POST, user=user, choices=choices)
    back = request.POST.get("back", "")
    back = back if back.startswith("?") else ""
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(reverse("cases:case_list") + back)
    worker = form.cleaned_data["assigned_worker"]
    try:
        changed = actions.do_assign(list(chosen), worker=worker, actor=user, ip=client_ip(request))
    except actions.InvalidAction:
        messages.error(request, _("Nothing was changed: one of these women cannot be assigned."))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s woman is now the case of %(worker)s.",
                "%(count)s women are now the cases of %(worker)s.",
                changed,
            )
            % {"count": changed, "worker": worker or _("nobody (not assigned)")},
        )
    return redirect(reverse("cases:case_list") + back)


@login_required
@require_http_methods(["GET"])
def caseload(request: HttpRequest) -> HttpResponse:
    """A supervisor's view of each worker's open cases: how many women, how many with a child
    inside, how many with an open flag; and the cases nobody is responsible for."""
    user = require_case_reader(request)
    if not _supervises(user):
        raise PermissionDenied
    assert user.organisation_id is not None
    rows = caseload_rows(user)
    do_log_list_view(
        actor=user, name="caseload", shown=sum(r.women for r in rows), ip=client_ip(request)
    )
    return render(request, "cases/caseload.html", {"rows": rows})


# -- Closing and reopening a case --------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def closure_new(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_writer(request)
    mother = get_mother_for_user(request, code)
    if not actions.may_close(user, mother):
        raise PermissionDenied
    if mother.is_closed or actions.open_closure(mother) is not None:
        messages.error(request, _("Her case is already closed or waiting for a supervisor."))
        return redirect(mother.get_absolute_url())
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            closure = actions.do_request_closure(
                mother,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                actor=user,
                ip=client_ip(request),
            )
        except actions.InvalidAction:
            form.add_error(None, _("Her case was closed, or its closure asked for, meanwhile."))
        else:
            if closure.status == Closure.Status.CLOSED:
                messages.success(request, _("Her case is closed. Her file is read-only."))
            else:
                messages.success(
                    request, _("Closure asked for: a supervisor will approve or refuse it.")
                )
            return redirect(mother.get_absolute_url())
    submit = _("Close her case") if user.role in actions.SUPERVISING_ROLES else _("Ask to close")
    return _simple_form_page(request, form, mother, _("Close her case"), submit)


@login_required
@require_http_methods(["GET", "POST"])
def closure_detail(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """A closure, and for a supervisor of her organisation, its approval or refusal."""
    user = require_case_reader(request)
    closure = get_closure_for_user(request, code)
    can_decide = closure.status == Closure.Status.PENDING and actions.may_decide_closure(
        user, closure
    )
    form = ClosureDecisionForm(request.POST or None) if can_decide else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            approve = form.cleaned_data["decision"] == "approve"
            try:
                actions.do_decide_closure(
                    closure,
                    approve=approve,
                    note=form.cleaned_data["note"],
                    actor=user,
                    ip=client_ip(request),
                )
            except actions.InvalidAction:
                form.add_error(None, _("This closure was already decided."))
            else:
                messages.success(
                    request,
                    _("Her case is closed. Her file is read-only.")
                    if approve
                    else _("Closure refused: her case stays open."),
                )
                return redirect(closure.mother.get_absolute_url())
    return render(
        request,
        "cases/closure_detail.html",
        {"closure": closure, "mother": closure.mother, "form": form},
    )


@login_required
@require_http_methods(["GET"])
def closure_list(request: HttpRequest) -> HttpResponse:
    """The closures waiting for a supervisor of her organisation."""
    user = require_case_reader(request)
    if not _supervises(user):
        raise PermissionDenied
    waiting = list(pending_closures(user).select_related("mother", "requested_by")[:100])
    do_log_list_view(actor=user, name="closure_list", shown=len(waiting), ip=client_ip(request))
    return render(request, "cases/closure_list.html", {"waiting": waiting})


@login_required
@require_http_methods(["GET", "POST"])
def mother_reopen(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = require_case_writer(request)
    mother = get_mother_for_user(request, code)
    if not actions.may_close(user, mother):
        raise PermissionDenied
    if not mother.is_closed:
        messages.error(request, _("Her case is open."))
        return redirect(mother.get_absolute_url())
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_reopen(
                mother, reason=form.cleaned_data["reason"], actor=user, ip=client_ip(request)
            )
        except actions.InvalidAction:
            form.add_error(None, _("Her case was reopened meanwhile."))
        else:
            messages.success(request, _("Her case is open again."))
            return redirect(mother.get_absolute_url())
    return _simple_form_page(request, form, mother, _("Reopen her case"), _("Reopen her case"))
