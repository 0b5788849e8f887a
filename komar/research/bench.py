"""Timings for `scripts/bench` (through `manage.py research_bench --json`): a full export of
every consented woman of a project (its plan, then the CSV stream, XLSX, SPSS and Stata files),
and the factor study (its numbers, and the prevalence page counted now and from its stored
numbers), each with its peak Python memory (tracemalloc) and the process's peak resident size
(resource)."""

from __future__ import annotations

import datetime as dt
import resource
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from komar.accounts.models import Role, User
from komar.research import dataset, exports, facts, study
from komar.research.models import ExportFormat, ResearchProject, StoredStudy


@dataclass(frozen=True)
class Timing:
    key: str
    name: str
    seconds: float
    peak_mb: float  # tracemalloc's peak of Python allocations during the step
    rss_mb: float  # the process's peak resident size so far
    detail: str = ""

    def line(self) -> str:
        return (
            f"{self.name:<28} {self.seconds:8.2f} s  peak {self.peak_mb:7.1f} MB"
            f"  rss {self.rss_mb:7.1f} MB  {self.detail}"
        )


def _measure(key: str, name: str, step: Callable[[], str]) -> Timing:
    """Run the step twice: timed without tracemalloc (which slows every allocation), then
    traced for its peak memory."""
    started = time.perf_counter()
    detail = step()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    step()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return Timing(key, name, seconds, peak / 1e6, rss, detail)


def _export(
    project: ResearchProject,
    today: dt.date,
    holder: dict[str, Any],
    suffix: str = "",
    prefix: str = "",
) -> list[Timing]:
    """A full export's two passes over the project: its plan (kept in `holder` for the files
    written after) and the CSV stream."""
    women = len(facts.women_ids(project, today, None, None))

    def plan() -> str:
        holder["plan"] = dataset.make_plan(project, dataset.Definition(), today)
        return f"{women} women, k={holder['plan'].result.k}"

    def stream_csv() -> str:
        size = rows = 0
        for chunk in exports.csv_chunks(holder["plan"], "decisions"):
            size += len(chunk)
            rows += chunk.count(b"\r\n")
        return f"{rows - 1} rows, {size / 1e6:.1f} MB"

    return [
        _measure(f"plan{suffix}", f"{prefix}plan (pass 1, k-anonymity)", plan),
        _measure(f"csv{suffix}", f"{prefix}CSV stream (pass 2)", stream_csv),
    ]


def _every_consented_woman(today: dt.date) -> list[Timing]:
    """The plan and the CSV stream of a project whose organisation works in every facility:
    every woman of the registry with a research consent, the largest export there can be. The
    organisation and the project are made in a transaction rolled back afterwards."""
    from django.db import transaction

    from komar.accounts.models import Organisation
    from komar.facilities.models import Facility

    author = User.objects.filter(is_active=True).order_by("pk").first()
    if author is None:
        return []
    timings: list[Timing] = []
    with transaction.atomic():
        everywhere = Organisation.objects.create(
            name_en="Benchmark: every facility", name_km="Benchmark", kind=Organisation.Kind.NGO
        )
        everywhere.facilities.set(Facility.objects.all())
        project = ResearchProject.objects.create(
            organisation=everywhere, name="Benchmark: every consented woman", created_by=author
        )
        timings += _export(project, today, {}, "_all", "every consented woman: ")
        transaction.set_rollback(True)
    return timings


def run(
    project: ResearchProject | None = None, *, page: bool = True, every_woman: bool = True
) -> list[Timing]:
    """Time the steps over the database as it is (seed it first, e.g. `seed_demo --size N`);
    `every_woman` adds the export of every woman with a research consent."""
    if project is None:
        project = ResearchProject.objects.filter(is_active=True).order_by("pk").first()
        if project is None:
            raise ValueError("no research project: run seed_demo first")
    # The libraries the steps use, imported before the clock starts.
    import openpyxl  # type: ignore[import-untyped]  # noqa: F401
    import pandas  # type: ignore[import-untyped]  # noqa: F401
    import pyreadstat  # noqa: F401
    import scipy.stats  # type: ignore[import-untyped]  # noqa: F401

    today = timezone.localdate()
    timings: list[Timing] = []
    holder: dict[str, Any] = {}

    def write(fmt: str) -> Callable[[], str]:
        def step() -> str:
            with TemporaryDirectory() as directory:
                path = Path(directory) / f"out.{fmt}"
                exports.write_file(holder["plan"], "decisions", fmt, path, lambda n: None)
                return f"{path.stat().st_size / 1e6:.1f} MB"

        return step

    def prevalence() -> str:
        result = study.compute(project, today)
        return f"{result.decisions} decisions"

    def fingerprint() -> str:
        study.consent_key(project, today)
        study.data_key()
        return "the keys of the stored numbers"

    timings += _export(project, today, holder)
    if every_woman:
        timings += _every_consented_woman(today)
    timings.append(_measure("xlsx", "XLSX with its codebook", write(ExportFormat.XLSX)))
    timings.append(_measure("sav", "SPSS .sav", write(ExportFormat.SAV)))
    timings.append(_measure("dta", "Stata .dta", write(ExportFormat.DTA)))
    timings.append(_measure("study", "factor study (numbers)", prevalence))
    timings.append(_measure("fingerprint", "factor study keys", fingerprint))
    if page:
        researcher = User.objects.filter(
            role=Role.RESEARCHER, organisation_id=project.organisation_id, is_active=True
        ).first()
        if researcher is not None:
            client = Client()
            client.force_login(researcher)
            url = reverse("research:study", args=[project.code])
            hosts = [h for h in settings.ALLOWED_HOSTS if h != "*" and not h.startswith(".")]
            host = hosts[0] if hosts else "localhost"

            def page_view() -> str:
                # secure: production settings redirect plain HTTP to HTTPS.
                response = client.get(url, secure=True, HTTP_HOST=host)
                return f"HTTP {response.status_code}, {len(response.content):,} bytes"

            def page_computed() -> str:
                # As after a consent given or withdrawn: nothing stored may be shown.
                StoredStudy.objects.filter(project=project).delete()
                return page_view()

            page_view()  # the first request imports the templates (and stores the numbers)
            timings.append(
                _measure("page_computed", "factor study page (counted now)", page_computed)
            )
            page_view()
            timings.append(_measure("page", "factor study page (stored numbers)", page_view))
    return timings
