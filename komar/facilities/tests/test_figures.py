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


@pytest.mark.django_db
def test_recent_figures_are_read_for_some_minutes_then_counted_again(
    counter, settings, time_machine, django_assert_num_queries
):
    state, count = counter
    settings.KOMAR_FIGURES_RECENT_MINUTES = 10
    now = dt.datetime(2026, 2, 3, 4, tzinfo=dt.UTC)
    time_machine.move_to(now, tick=False)
    a = Facility.objects.order_by("pk").first()
    assert a is not None
    assert figures.recent("test.kind", [a.pk], [], count) == figures.Recent({}, None)
    found = figures.recent("test.kind", [a.pk], [FEB], count)
    assert found == figures.Recent({FEB: {a.pk: {"women": 1, "day": 1}}}, now)
    state["n"] = 2
    time_machine.move_to(now + dt.timedelta(minutes=9), tick=False)
    with django_assert_num_queries(1):  # counted 9 minutes ago: read
        assert figures.recent("test.kind", [a.pk], [FEB], count).figures[FEB][a.pk]["women"] == 1
    later = now + dt.timedelta(minutes=11)
    time_machine.move_to(later, tick=False)
    found = figures.recent("test.kind", [a.pk], [FEB], count)
    assert found == figures.Recent({FEB: {a.pk: {"women": 2, "day": 1}}}, later)
    (row,) = FacilityFigures.objects.filter(kind="test.kind")  # updated, not stored twice
    assert row.values["women"] == 2 and row.computed_at == later
    # Periods that ended read whatever is stored, however old.
    time_machine.move_to(later + dt.timedelta(days=30), tick=False)
    with django_assert_num_queries(1):
        assert figures.ended("test.kind", [a.pk], [FEB], count)[FEB][a.pk]["women"] == 2


@pytest.mark.django_db
def test_every_minute_the_recent_figures_are_counted_again_before_they_go_stale(
    counter, settings, time_machine, monkeypatch
):
    state, count = counter
    monkeypatch.setitem(figures.KINDS, "test.now", count)
    monkeypatch.setattr(figures, "NOW_KINDS", {"test.now"})
    settings.KOMAR_FIGURES_RECENT_MINUTES = 10
    settings.KOMAR_FIGURES_SETTLED_DAYS = 7
    today = dt.date(2026, 3, 20)
    now = dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC)
    time_machine.move_to(now, tick=False)
    a = Facility.objects.order_by("pk").first()
    assert a is not None
    week_ago, month_ago = today - dt.timedelta(days=5), today - dt.timedelta(days=30)
    figures.recent("test.kind", [a.pk], [today, week_ago], count)
    figures.ended("test.kind", [a.pk], [month_ago], count)
    figures.recent("test.now", [a.pk], [today], count)
    state["n"] = 7
    time_machine.move_to(now + dt.timedelta(minutes=7), tick=False)
    assert figures.refresh_recent(today) == []  # counted 7 minutes ago: not yet
    time_machine.move_to(now + dt.timedelta(minutes=8), tick=False)
    out = StringIO()
    call_command("refresh_figures", "--recent", stdout=out)
    assert "3 periods counted again" in out.getvalue()  # today twice, 5 days ago
    women = {
        (kind, on): values["women"]
        for kind, on, values in FacilityFigures.objects.values_list("kind", "on", "values")
    }
    assert women == {
        ("test.kind", today): 7,
        ("test.kind", week_ago): 7,
        ("test.kind", month_ago): 1,  # settled: only the night counts it again
        ("test.now", today): 7,
    }
    # The next night forgets the figures of the present older than today.
    time_machine.move_to(now + dt.timedelta(days=1), tick=False)
    figures.refresh(today + dt.timedelta(days=1), 400)
    assert not FacilityFigures.objects.filter(kind="test.now").exists()
    assert FacilityFigures.objects.filter(kind="test.kind").count() == 3
