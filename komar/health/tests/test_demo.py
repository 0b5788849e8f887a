"""The health demo (`health/demo.py`, composed by `seed_demo`): measurements along WHO's curves
with the z-scores the actions would store, within the date rules, a few children faltering,
immunisations mostly on time, deterministic for a seed, and removed by `--flush`."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from komar.audit.models import AuditEntry
from komar.health.actions import measurement_values
from komar.health.models import HealthCheck, Immunisation, Measurement, Milestone

pytestmark = pytest.mark.django_db


def seed(*args: str) -> None:
    call_command("seed_demo", *args, stdout=io.StringIO())


def test_the_demo_draws_plausible_growth_within_the_date_rules() -> None:
    seed("--size", "120", "--seed", "7")
    today = timezone.localdate()
    rows = list(Measurement.objects.select_related("child__current_placement"))
    assert len(rows) > 100
    for m in rows[:200]:
        assert m.child.date_of_birth <= m.measured_on <= today
        values = {
            name: getattr(m, name)
            for name in (
                "measured_on",
                "weight_kg",
                "length_cm",
                "position",
                "head_cm",
                "muac_mm",
                "oedema",
            )
        }
        stored = {k: getattr(m, k) for k in measurement_values(m.child, values)}
        assert stored == measurement_values(m.child, values)
        assert m.implausible == []
    low = sum(1 for m in rows if m.lowest_z is not None and m.lowest_z < -2)
    assert 0.05 < low / len(rows) < 0.45  # some children falter, most do not
    given = Immunisation.objects.count()
    assert given > 0 and Milestone.objects.exists() and HealthCheck.objects.exists()
    assert not AuditEntry.objects.filter(object_type__startswith="health.").exists()
    out = io.StringIO()
    call_command("refresh_findings", "--check", stdout=out)
    assert "would raise 0, would update 0, would resolve 0" in out.getvalue()


def test_the_demo_is_deterministic_and_flushed() -> None:
    def drawn() -> list[tuple]:
        return list(
            Measurement.objects.order_by(
                "child__mother__case_number", "child__date_of_birth", "measured_on"
            ).values_list("measured_on", "weight_kg", "length_cm", "muac_mm")
        )

    seed("--size", "60", "--seed", "3")
    first = drawn()
    seed("--flush", "--size", "60", "--seed", "3")
    assert drawn() == first


def test_each_chunk_reads_its_children_back_in_the_same_number_of_queries(monkeypatch) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from komar.cases import demo as registry
    from komar.health.demo import HealthGenerator

    drawn = HealthGenerator.chunk_written
    counts: list[tuple[int, int]] = []

    def counted(self: HealthGenerator, mother_ids) -> None:
        before = Measurement.objects.count()
        with CaptureQueriesContext(connection) as queries:
            drawn(self, mother_ids)
        counts.append((len(queries), Measurement.objects.count() - before))

    monkeypatch.setattr(registry, "CHUNK_SIZE", 40)
    monkeypatch.setattr(HealthGenerator, "chunk_written", counted)
    seed("--size", "120", "--seed", "9")
    assert len(counts) == 3
    assert len({written for _queries, written in counts}) > 1  # chunks of different sizes
    assert len({queries for queries, _written in counts}) == 1, counts
