"""The monitoring demo (composed by `seed_demo`): registers only for children then inside,
snapshots whose counts are the registry's, some facilities missing last month, checklists for
two or three quarters; the same for a seed, no audit rows, removed by `--flush`."""

from __future__ import annotations

import datetime as dt
import io
import random

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from komar.audit.models import AuditEntry
from komar.cases import demo as demo_registry
from komar.cases.models import Placement
from komar.monitoring import demo, registry
from komar.monitoring.models import (
    Attendance,
    Checklist,
    Register,
    Snapshot,
    Status,
    first_of_month,
    previous_month,
)

pytestmark = pytest.mark.django_db


def seed(*args: str) -> None:
    call_command("seed_demo", *args, stdout=io.StringIO())


def _fingerprint() -> list[tuple]:
    return sorted(
        [
            *(
                (str(r.code), str(r.on), r.facility_id, str(a.child.code), str(a.hours))
                for a in Attendance.objects.select_related("register", "child")
                for r in [a.register]
            ),
            *((str(s.code), str(s.month), s.status, s.women) for s in Snapshot.objects.all()),
        ]
    )


def test_the_demo_is_plausible_deterministic_unaudited_and_flushed() -> None:
    seed("--size", "60", "--seed", "7")
    today = timezone.localdate()
    assert Register.objects.exists() and Attendance.objects.exists()
    assert not Register.objects.filter(on=today).exists()
    for attendance in Attendance.objects.select_related("register")[:200]:
        day = attendance.register.on
        assert (
            Placement.objects.filter(
                child_id=attendance.child_id,
                kind=Placement.Kind.WITH_MOTHER,
                facility_id=attendance.register.facility_id,
                start_date__lte=day,
            )
            .exclude(end_date__lte=day)
            .exists()
        )
    last_month = previous_month(first_of_month(today))
    completed = Snapshot.objects.filter(status=Status.COMPLETED)
    sample = completed.filter(month=last_month).first() or completed.first()
    assert sample is not None
    end = (sample.month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(
        days=1
    )
    frozen = registry.snapshot_counts([sample.facility_id], sample.month, end)[sample.facility_id]
    assert {k: getattr(sample, k) for k in frozen} == frozen
    facilities = set(Snapshot.objects.values_list("facility_id", flat=True))
    done_last_month = set(completed.filter(month=last_month).values_list("facility_id", flat=True))
    assert facilities - done_last_month  # some are due on the monitor's "My work"
    periods = Checklist.objects.values_list("period", flat=True).distinct()
    assert 2 <= len(periods) <= 3
    assert not AuditEntry.objects.filter(object_type__startswith="monitoring.").exists()

    first = _fingerprint()
    seed("--size", "60", "--seed", "7", "--flush")
    assert _fingerprint() == first

    codes = set(Snapshot.objects.values_list("code", flat=True))
    seed("--size", "0", "--flush")
    assert not Register.objects.exists() and not Attendance.objects.exists()
    assert not Snapshot.objects.filter(code__in=codes).exists()


def test_its_records_are_drawn_without_writing() -> None:
    """Drawn before the write lock is taken (SQLite's transactions here are IMMEDIATE): the
    draw only reads; the writes come after, in one transaction."""
    seed("--size", "30", "--seed", "3")
    rows = demo_registry.read_reference_rows()
    organisations = demo_registry.ensure_organisations()
    users = demo_registry.ensure_users(organisations, rows.facilities)
    ref = demo_registry.reference(
        rows, organisations, users, today=timezone.localdate(), now=timezone.now()
    )
    with CaptureQueriesContext(connection) as queries:
        tables = demo.draw(random.Random(11), ref)  # noqa: S311 - not secrets
    assert queries.captured_queries
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries.captured_queries)
    registers, attendances, snapshots, checklists, scores = tables
    assert registers and attendances and snapshots and checklists and scores
    assert all(row.pk is None for table in tables for row in table)
