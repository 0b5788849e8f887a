"""Timings for `scripts/bench` (the lead calls `run()` or `manage.py research_bench`): a full
export of every consented woman of a project, streamed as CSV and written as SPSS, and the
factor study's numbers (the prevalence page's work), each with its peak Python memory
(tracemalloc) and the process's peak resident size (resource)."""

from __future__ import annotations

import resource
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from komar.accounts.models import Role, User
from komar.research import dataset, exports, facts, study
from komar.research.models import ResearchProject


@dataclass(frozen=True)
class Timing:
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


def _measure(name: str, step: Callable[[], str]) -> Timing:
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
    return Timing(name, seconds, peak / 1e6, rss, detail)


def run(project: ResearchProject | None = None, *, page: bool = True) -> list[Timing]:
    """Time the steps over the database as it is (seed it first, e.g. `seed_demo --size N`)."""
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
    women = len(facts.women_ids(project, today, None, None))
    timings: list[Timing] = []
    holder: dict[str, Any] = {}

    def plan() -> str:
        holder["plan"] = dataset.make_plan(project, dataset.Definition(), today)
        return f"{women} women, k={holder['plan'].result.k}"

    def stream_csv() -> str:
        size = rows = 0
        for chunk in exports.csv_chunks(holder["plan"], "decisions"):
            size += len(chunk)
            rows += chunk.count(b"\r\n")
        return f"{rows - 1} rows, {size / 1e6:.1f} MB"

    def write_sav() -> str:
        with TemporaryDirectory() as directory:
            path = Path(directory) / "out.sav"
            exports.write_sav(holder["plan"], "decisions", path, lambda n: None)
            return f"{path.stat().st_size / 1e6:.1f} MB"

    def prevalence() -> str:
        result = study.compute(project, today)
        return f"{result.decisions} decisions"

    def fingerprint() -> str:
        study.fingerprint(project, today)
        return "the cache key of the page"

    timings.append(_measure("plan (pass 1, k-anonymity)", plan))
    timings.append(_measure("CSV stream (pass 2)", stream_csv))
    timings.append(_measure("SPSS .sav", write_sav))
    timings.append(_measure("factor study (numbers)", prevalence))
    timings.append(_measure("factor study fingerprint", fingerprint))
    if page:
        researcher = User.objects.filter(
            role=Role.RESEARCHER, organisation_id=project.organisation_id, is_active=True
        ).first()
        if researcher is not None:
            client = Client()
            client.force_login(researcher)
            url = reverse("research:study", args=[project.code])

            def page_view() -> str:
                return f"HTTP {client.get(url, HTTP_HOST='localhost').status_code}"

            page_view()  # the first request fills the cache (and imports the templates)
            timings.append(_measure("factor study page (cached)", page_view))
    return timings
