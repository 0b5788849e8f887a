from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from komar.cases.access import require_case_reader
from komar.tasks import queries
from komar.tasks.rules import RULES


@login_required
@require_GET
def my_work(request: HttpRequest) -> HttpResponse:
    user = require_case_reader(request)
    today = timezone.localdate()
    return render(
        request,
        "tasks/my_work.html",
        {
            "today": today,
            "reviews": queries.reviews_due(user, today),
            "to_approve": queries.assessments_to_approve(user),
            "returned": queries.assessments_returned_to(user),
            "findings": queries.findings_for_user(user, today),
        },
    )


@login_required
@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    """Every rule, its version and the standard it rests on. Not personal data: any user."""
    return render(request, "tasks/rule_list.html", {"rules": RULES})
