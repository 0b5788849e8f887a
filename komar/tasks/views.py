from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from komar.cases.access import require_case_reader
from komar.lib.paging import page_of, with_rows
from komar.lib.rules import all_rules, rule_by_code
from komar.tasks import queries

# "My work" shows the most urgent flags; each rule's full list is paged (small pages on a phone).
FLAGS_ON_MY_WORK = 20


@login_required
@require_GET
def my_work(request: HttpRequest) -> HttpResponse:
    user = require_case_reader(request)
    today = timezone.localdate()
    counts = queries.count_by_rule(user)
    most_urgent = queries.findings_for_user(user).values_list("pk", flat=True)[:FLAGS_ON_MY_WORK]
    findings = with_rows(list(most_urgent), queries.shown_findings)
    return render(
        request,
        "tasks/my_work.html",
        {
            "today": today,
            "reviews": queries.reviews_due(user, today),
            "determination_reviews": queries.determination_reviews_due(user, today),
            "to_approve": queries.assessments_to_approve(user),
            "returned": queries.assessments_returned_to(user),
            "findings": findings,
            "flag_total": sum(row.count for row in counts),
            "flag_counts": counts,
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
    page = page_of(
        queries.findings_for_user(user, rule),
        settings.KOMAR_CASES_PER_PAGE,
        request.GET.get("page"),
        queries.shown_findings,
    )
    return render(request, "tasks/flag_list.html", {"rule": rule, "page": page})


@login_required
@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    """Every rule, its version and the standard it rests on. Not personal data: any user."""
    return render(request, "tasks/rule_list.html", {"rules": all_rules()})
