from __future__ import annotations

from functools import partial
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from komar.accounts.models import Role
from komar.audit.actions import do_log_list_view
from komar.cases.access import require_case_reader
from komar.cases.actions import SUPERVISING_ROLES
from komar.cases.models import Referral
from komar.cases.queries import pending_closures
from komar.legal.queries import FACILITY_PAGE_ROLES
from komar.legal.screening import MEASURE_RULES
from komar.lib.http import client_ip
from komar.lib.paging import page_of_keys, with_rows
from komar.lib.rules import all_rules, rule_by_code
from komar.lib.work import list_for, lists_for
from komar.tasks import queries

# "My work" shows the first rows of each list (the most urgent flags, the most overdue reviews,
# ...); the full lists are paged (small pages on a phone, and a page whose cost does not grow
# with her caseload).
FLAGS_ON_MY_WORK = 10
REVIEWS_ON_MY_WORK = 10
ROWS_ON_MY_WORK = 10  # determinations to review, assessments to approve or returned to her
LEGAL_ROWS_ON_MY_WORK = 10  # each list of the legal work (hearings, women to screen, ...)
WORK_ROWS_ON_MY_WORK = 10  # each workflow's list (`lib/work.py`): plans, visits, measurements
# A workflow's full list is read up to its page: pages beyond this are refused.
WORK_LIST_PAGES = 400

T = TypeVar("T", bound=Model)


def _first(queryset: QuerySet[T], count: int) -> tuple[list[T], bool]:
    """The first `count` rows, and whether there are more (one query)."""
    rows = list(queryset[: count + 1])
    return rows[:count], len(rows) > count


@login_required
@require_GET
def my_work(request: HttpRequest) -> HttpResponse:
    user = require_case_reader(request)
    today = timezone.localdate()
    counts = queries.count_by_rule(user)
    reviews, more_reviews = _first(queries.reviews_due(user, today), REVIEWS_ON_MY_WORK)
    determinations, more_determinations = _first(
        queries.determination_reviews_due(user, today), ROWS_ON_MY_WORK
    )
    to_approve, more_to_approve = _first(queries.assessments_to_approve(user), ROWS_ON_MY_WORK)
    returned, more_returned = _first(queries.assessments_returned_to(user), ROWS_ON_MY_WORK)
    most_urgent = queries.most_urgent(user, counts, FLAGS_ON_MY_WORK)
    findings = with_rows(most_urgent, queries.shown_findings)
    flag_total = sum(row.count for row in counts)
    referrals_waiting = Referral.objects.filter(
        to_organisation_id=user.organisation_id, status=Referral.Status.PENDING
    ).count()
    requests_waiting = (
        Referral.objects.filter(
            from_organisation_id=user.organisation_id, status=Referral.Status.REQUESTED
        ).count()
        if user.organisation_id is not None
        else 0
    )
    closures_waiting = (
        pending_closures(user).count()
        if user.role in SUPERVISING_ROLES and user.organisation_id is not None
        else 0
    )
    # The legal work, for every reader whose files hold some; a legal officer's comes first
    # (and is shown even when empty: it is her work).
    legal = queries.legal_work(user, today, LEGAL_ROWS_ON_MY_WORK)
    legal_first = user.role == Role.LEGAL_OFFICER
    do_log_list_view(actor=user, name="my_work", shown=flag_total, ip=client_ip(request))
    return render(
        request,
        "tasks/my_work.html",
        {
            "today": today,
            "reviews": reviews,
            "more_reviews": more_reviews,
            "determination_reviews": determinations,
            "more_determination_reviews": more_determinations,
            "to_approve": to_approve,
            "more_to_approve": more_to_approve,
            "returned": returned,
            "more_returned": more_returned,
            "findings": findings,
            "flag_total": flag_total,
            "flag_counts": counts,
            "referrals_waiting": referrals_waiting,
            "closures_waiting": closures_waiting,
            "requests_waiting": requests_waiting,
            "legal": legal,
            "legal_first": legal_first,
            "show_legal": legal_first or bool(legal),
            "legal_figures": user.role in FACILITY_PAGE_ROLES,
            "work_lists": lists_for(user, today, WORK_ROWS_ON_MY_WORK),
        },
    )


@login_required
@require_GET
def flag_list(request: HttpRequest, rule_code: str) -> HttpResponse:
    """Every open flag one rule raised on the files she can see, a page at a time."""
    user = require_case_reader(request)
    rule = rule_by_code(rule_code)
    if rule is None:
        raise Http404
    page = page_of_keys(
        queries.findings_for_user(user, rule),
        settings.KOMAR_CASES_PER_PAGE,
        request.GET.get("page"),
        queries.shown_findings,
        count=partial(queries.count_findings, user, rule),
    )
    do_log_list_view(
        actor=user, name=f"flags:{rule.code}", shown=page.paginator.count, ip=client_ip(request)
    )
    return render(request, "tasks/flag_list.html", {"rule": rule, "page": page})


@login_required
@require_GET
def work_list(request: HttpRequest, key: str) -> HttpResponse:
    """Every row of one of the workflows' lists of "My work" (`lib/work.py`), a page at a time:
    the workflow's own list, read with as many rows as the pages up to this one (each list is
    one range of an index, sliced), so that it names only women she may see. 404 for a list
    that is not hers."""
    user = require_case_reader(request)
    today = timezone.localdate()
    per_page = settings.KOMAR_CASES_PER_PAGE
    number = _page_number(request.GET.get("page"))
    work = list_for(user, today, key, number * per_page)
    if work is None:
        raise Http404
    rows = work.rows[(number - 1) * per_page :]
    do_log_list_view(actor=user, name=f"work:{work.key}", shown=len(rows), ip=client_ip(request))
    return render(
        request,
        "tasks/work_list.html",
        {
            "work": work,
            "rows": rows,
            "number": number,
            "previous": number - 1 if number > 1 else None,
            "next": number + 1 if work.more and number < WORK_LIST_PAGES else None,
        },
    )


def _page_number(value: str | None) -> int:
    try:
        number = int(value or 1)
    except ValueError:
        return 1
    if number > WORK_LIST_PAGES:
        raise Http404
    return max(number, 1)


@login_required
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    """Every review due within two weeks or overdue on her files, the most overdue first."""
    user = require_case_reader(request)
    today = timezone.localdate()
    page = Paginator(queries.reviews_due(user, today), settings.KOMAR_CASES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "tasks/review_list.html", {"page": page, "today": today})


def _paged(
    request: HttpRequest, template: str, queryset: QuerySet[T], **context: Any
) -> HttpResponse:
    page = Paginator(queryset, settings.KOMAR_CASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, template, {"page": page, **context})


@login_required
@require_GET
def determination_review_list(request: HttpRequest) -> HttpResponse:
    """Every determination due for review within two weeks or overdue, the most overdue first."""
    user = require_case_reader(request)
    today = timezone.localdate()
    queryset = queries.determination_reviews_due(user, today)
    return _paged(request, "tasks/determination_review_list.html", queryset, today=today)


@login_required
@require_GET
def approval_list(request: HttpRequest) -> HttpResponse:
    """Every assessment awaiting her approval, the longest waiting first."""
    user = require_case_reader(request)
    return _paged(request, "tasks/approval_list.html", queries.assessments_to_approve(user))


@login_required
@require_GET
def returned_list(request: HttpRequest) -> HttpResponse:
    """Every assessment returned to her with comments, the most recent first."""
    user = require_case_reader(request)
    return _paged(request, "tasks/returned_list.html", queries.assessments_returned_to(user))


@login_required
@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    """Every rule, its version and the standard it rests on. Not personal data: any user."""
    return render(
        request, "tasks/rule_list.html", {"rules": all_rules(), "measure_rules": MEASURE_RULES}
    )
