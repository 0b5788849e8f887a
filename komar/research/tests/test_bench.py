"""`manage.py research_bench`, as `scripts/bench` runs it: every step, and nothing left behind."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from komar.accounts.models import Organisation
from komar.research.models import ResearchProject, StoredStudy
from komar.research.tests.helpers import project_for, woman


def test_it_times_every_step_and_leaves_nothing_behind(sokha, siem_reap, researcher):
    for n in range(6):
        woman(sokha, siem_reap, n)
    project_for(researcher)
    organisations = Organisation.objects.count()
    out = StringIO()
    call_command("research_bench", "--json", stdout=out)
    steps = {row["key"]: row for row in map(json.loads, out.getvalue().splitlines())}
    assert {"plan", "csv", "plan_all", "csv_all", "study", "page", "page_computed"} <= set(steps)
    assert steps["plan"]["detail"].startswith("6 women")
    assert steps["plan_all"]["detail"].startswith("6 women")  # every consented woman
    assert steps["csv_all"]["detail"].startswith("6 rows")
    assert steps["page"]["detail"].startswith("HTTP 200")
    assert all(row["seconds"] >= 0 and row["peak_mb"] >= 0 for row in steps.values())
    # The project of every facility was rolled back; the study's stored numbers were kept.
    assert Organisation.objects.count() == organisations
    assert ResearchProject.objects.count() == 1
    assert StoredStudy.objects.count() == 1


def test_it_says_when_there_is_no_project(db):
    with pytest.raises(CommandError, match="no research project"):
        call_command("research_bench")
