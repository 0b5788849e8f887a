"""The registry's numbers per facility (`cases/stats.py`), against a small history counted by
hand: who was held on a day and what happened in a month."""

from __future__ import annotations

import datetime as dt

import pytest

from komar.cases import actions, stats
from komar.conftest import child_inside, child_with_grandmother, register

D = dt.date


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 20, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def history(sokha, siem_reap, battambang, allow_unplanned_moves):
    """Four women at Siem Reap, one of them transferred to Battambang and one released, with
    children of every age band, one born inside, one separated into an institution."""
    # A: pre-trial since January, no lawyer; a child of 22 months on 1 Oct, one outside.
    a = register(
        sokha,
        siem_reap,
        name_latin="Woman A",
        children=[child_inside(born=D(2024, 11, 15)), child_with_grandmother()],
    )
    # B: sentenced, with a lawyer; a child of 35 months on 1 Oct (near the limit: it falls on
    # 2026-11-05, within 90 days) and a baby born inside on 2026-10-03.
    b = register(
        sokha,
        siem_reap,
        name_latin="Woman B",
        admission_date=D(2025, 6, 1),
        is_pregnant=True,
        expected_delivery_date=D(2026, 10, 10),
        children=[child_inside(born=D(2023, 11, 5), since=D(2025, 6, 1))],
    )
    actions.do_change_episode(
        b.latest_episode,
        {"legal_status": "sentenced", "lawyer": "Legal Aid of Cambodia"},
        expected_version=b.latest_episode.version,
        actor=sokha,
    )
    baby = actions.do_register_birth(
        b,
        {"name_latin": "Baby B", "sex": "female", "date_of_birth": D(2026, 10, 3)},
        actor=sokha,
    )
    # C: admitted 2026-10-12 with a child over the limit (born 2023-06-01), who leaves for an
    # institution on 2026-10-20.
    c = register(
        sokha,
        siem_reap,
        name_latin="Woman C",
        admission_date=D(2026, 10, 12),
        children=[child_inside(born=D(2023, 6, 1), since=D(2026, 10, 12))],
    )
    actions.do_move_child(
        c.children.get(),
        {"kind": "institution", "start_date": D(2026, 10, 20), "carer_name": "Centre"},
        actor=sokha,
    )
    # D: admitted at Siem Reap in 2025, transferred to Battambang on 2026-10-15 with her
    # child (the transfer is no admission at Battambang); E: released on 2026-10-25.
    d = register(
        sokha,
        siem_reap,
        name_latin="Woman D",
        admission_date=D(2025, 3, 1),
        children=[child_inside(born=D(2026, 2, 1), since=D(2026, 2, 1))],
    )
    actions.do_transfer_mother(d, to_facility=battambang, on=D(2026, 10, 15), actor=sokha)
    actions.do_move_child(
        d.children.get(),
        {"kind": "with_mother", "facility": battambang, "start_date": D(2026, 10, 15)},
        actor=sokha,
    )
    e = register(sokha, siem_reap, name_latin="Woman E", admission_date=D(2026, 9, 1))
    actions.do_release_mother(e, on=D(2026, 10, 25), release_kind="bail", actor=sokha)
    return {"a": a, "b": b, "baby": baby, "c": c, "d": d, "e": e}


def test_who_was_held_on_the_first_of_october(history, siem_reap, battambang):
    counts = stats.facility_counts([siem_reap.pk, battambang.pk], D(2026, 10, 1))
    sr = counts[siem_reap.pk]
    # A, B, D and E were held; C came later.
    assert sr.women == 4
    # B was pregnant then (her baby came on 3 October).
    assert sr.pregnant == 1
    # A and D are pre-trial (the cast's default); B is sentenced. E was pre-trial too, but her
    # episode's legal status is "released" now, and the registry keeps no history of it.
    assert sr.pre_trial == 2
    assert sr.without_lawyer == 3
    # A's child (22 months), B's (34 months, near the limit of 5 Nov), D's (7 months).
    assert sr.children_inside == 3
    assert sr.by_age_band == {"0-11": 1, "12-23": 1, "24-35": 1, "36+": 0}
    assert sr.near_limit == 1
    assert sr.over_limit == 0
    assert sr.born_inside == 0
    assert counts[battambang.pk].women == 0
    assert counts[battambang.pk].children_inside == 0


def test_who_was_held_at_the_end_of_october(history, siem_reap, battambang):
    counts = stats.facility_counts([siem_reap.pk, battambang.pk], D(2026, 10, 31))
    sr, bb = counts[siem_reap.pk], counts[battambang.pk]
    # A, B and C at Siem Reap (D transferred, E released); D at Battambang.
    assert (sr.women, bb.women) == (3, 1)
    assert sr.pregnant == 0
    # A's child, B's child (36 months on 5 Nov: near) and baby; C's child left on the 20th.
    assert sr.children_inside == 3
    assert sr.by_age_band == {"0-11": 1, "12-23": 1, "24-35": 1, "36+": 0}
    assert sr.born_inside == 1
    assert (sr.near_limit, sr.over_limit) == (1, 0)
    assert bb.children_inside == 1
    assert bb.by_age_band["0-11"] == 1


def test_a_child_over_the_limit_is_counted_while_inside(history, siem_reap):
    # On 15 October C's child (born 2023-06-01) is 40 months old and still inside.
    sr = stats.facility_counts([siem_reap.pk], D(2026, 10, 15))[siem_reap.pk]
    assert sr.over_limit == 1
    assert sr.by_age_band["36+"] == 1


def test_what_happened_in_october(history, siem_reap, battambang):
    flows = stats.month_flows([siem_reap.pk, battambang.pk], D(2026, 10, 1), D(2026, 10, 31))
    sr, bb = flows[siem_reap.pk], flows[battambang.pk]
    assert sr.admissions == 1  # C (D's transfer is no admission at Battambang)
    assert bb.admissions == 0
    assert sr.releases == 1  # E
    assert sr.births_inside == 1  # B's baby
    # C's child left without her, into an institution; D's child left with her mother.
    assert (sr.separations, sr.placed_in_institution) == (1, 1)
    assert (bb.separations, bb.births_inside) == (0, 0)


def test_a_month_before_any_of_it_is_empty(history, siem_reap):
    flows = stats.month_flows([siem_reap.pk], D(2024, 1, 1), D(2024, 1, 31))[siem_reap.pk]
    assert flows == stats.FacilityFlows()


def test_the_query_count_does_not_grow_with_facilities(
    history, siem_reap, battambang, cc2, django_assert_num_queries
):
    with django_assert_num_queries(2):
        stats.facility_counts([siem_reap.pk, battambang.pk, cc2.pk], D(2026, 10, 31))
    with django_assert_num_queries(4):
        stats.month_flows([siem_reap.pk, battambang.pk, cc2.pk], D(2026, 10, 1), D(2026, 10, 31))
