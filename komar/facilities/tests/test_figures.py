"""Stored figures of ended periods: counted once for what is missing, read after, counted
again every night (`refresh_figures`)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from komar.facilities import figures
from komar.facilities.models import Facility, FacilityFigures

JAN, FEB = dt.date(2026, 1, 1), dt.date(2026, 2, 1)


@pytest.fixture
def counter(monkeypatch):
    """A kind that counts `n` for each facility, recording what it was asked."""
    state = {"n": 1, "asked": []}

    def count(ids, on):
        state["asked"].append((sorted(ids), on))
        return {pk: {"women": state["n"], "day": on.day} for pk in ids}

    monkeypatch.setitem(figures.KINDS, "test.kind", count)
    return state, count


@pytest.mark.django_db
def test_what_is_missing_is_counted_once_and_stored(counter, django_assert_num_queries):
    state, count = counter
    a, b = Facility.objects.order_by("pk")[:2]
    found = figures.ended("test.kind", [a.pk], [JAN, FEB], count)
    assert found == {JAN: {a.pk: {"women": 1, "day": 1}}, FEB: {a.pk: {"women": 1, "day": 1}}}
    state["n"] = 2
    # Stored for a; b is counted (for b only), once per period.
    found = figures.ended("test.kind", [a.pk, b.pk], [JAN, FEB], count)
    assert found[JAN] == {a.pk: {"women": 1, "day": 1}, b.pk: {"women": 2, "day": 1}}
    assert state["asked"][-2:] == [([b.pk], JAN), ([b.pk], FEB)]
    with django_assert_num_queries(1):  # everything stored: one read
        figures.ended("test.kind", [a.pk, b.pk], [JAN, FEB], count)
    assert FacilityFigures.objects.filter(kind="test.kind").count() == 4


@pytest.mark.django_db
def test_the_night_counts_again_the_recent_ones_and_forgets_unknown_kinds(counter):
    state, count = counter
    a = Facility.objects.order_by("pk").first()
    assert a is not None
    figures.ended("test.kind", [a.pk], [dt.date(2024, 1, 1), FEB], count)
    FacilityFigures.objects.create(
        kind="gone.kind", facility=a, on=FEB, values={}, computed_at="2026-02-02T00:00Z"
    )
    state["n"] = 5
    out = StringIO()
    call_command("refresh_figures", "--days", "400", stdout=out)
    assert f"test.kind {FEB.isoformat()}: 1 facilities counted again" in out.getvalue()
    values = dict(
        FacilityFigures.objects.filter(kind="test.kind").values_list("on", "values__women")
    )
    assert values == {dt.date(2024, 1, 1): 1, FEB: 5}  # the old one kept, the recent one again
    assert not FacilityFigures.objects.filter(kind="gone.kind").exists()


def test_a_period_settles_a_week_after_it_ended(settings):
    settings.KOMAR_FIGURES_SETTLED_DAYS = 7
    end = dt.date(2026, 2, 28)
    assert not figures.settled(end, dt.date(2026, 3, 7))
    assert figures.settled(end, dt.date(2026, 3, 8))
