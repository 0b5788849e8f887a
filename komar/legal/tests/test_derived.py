"""The figures of a legal case: the legal maximum of pre-trial detention per class of offence
(from the seeded `LegalLimit` rows), the days detained and left, police custody hours, the
orders' end, the next hearing and what is pending; counted over a whole custody, transfers
included; and loaded for many women in a fixed number of queries.

Expected dates are worked out here by hand (calendar months, the last day being the day before
the same date N months later), not with the code under test."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from komar.cases import actions as registry
from komar.conftest import child_inside, register
from komar.legal.derived import figures_for_episode, latest_for_mothers, stays_of
from komar.legal.models import LegalLimit
from komar.legal.tests.test_case_actions import (
    apply,
    at,
    current,
    decide,
    hearing,
    judge,
    order,
    record_case,
)

TODAY = dt.date(2026, 3, 20)
ADMITTED = dt.date(2026, 1, 10)
DAYS_SO_FAR = 21 + 28 + 20 + 1  # 10-31 January, February, 1-20 March, counting the first day


@pytest.fixture(autouse=True)
def _today(time_machine):
    # 10:00 in Phnom Penh.
    time_machine.move_to(dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC), tick=False)


def figures(mother):
    return figures_for_episode(current(mother), TODAY)


def test_a_felony_may_be_held_18_months_before_trial(sokha, sophea) -> None:
    record_case(sophea, sokha, offence_class="felony")
    order(sophea, sokha, ADMITTED, 6)
    f = figures(sophea)
    assert f.max_months == 18
    assert f.max_until == dt.date(2027, 7, 9)  # 10 January 2026 + 18 months, less a day
    assert f.detention_days == DAYS_SO_FAR == 70
    assert f.days_left == (dt.date(2027, 7, 9) - TODAY).days == 476
    assert not f.cap_unknown and not f.none_allowed


def test_a_misdemeanour_may_be_held_6_months(sokha, sophea) -> None:
    record_case(sophea, sokha, offence_class="misdemeanour", minimum_penalty_months=24)
    order(sophea, sokha, ADMITTED, 4)
    f = figures(sophea)
    assert f.max_months == 6  # half the minimum penalty (12 months) is longer: 6 stands
    assert f.max_until == dt.date(2026, 7, 9)
    assert f.days_left == 111


def test_a_misdemeanour_is_capped_at_half_the_minimum_penalty(sokha, sophea) -> None:
    record_case(sophea, sokha, offence_class="misdemeanour", minimum_penalty_months=5)
    order(sophea, sokha, ADMITTED, 2)
    f = figures(sophea)
    assert f.max_months == 2  # half of 5 months, in whole months
    assert f.max_until == dt.date(2026, 3, 9)
    assert f.days_left == -11 and f.days_over == 11


def test_a_misdemeanour_with_no_minimum_penalty_says_the_maximum_may_be_shorter(sokha, sophea):
    record_case(sophea, sokha, offence_class="misdemeanour")
    f = figures(sophea)
    assert f.max_months == 6 and f.cap_unknown


def test_a_petty_offence_allows_no_pre_trial_detention(sokha, sophea) -> None:
    record_case(sophea, sokha, offence_class="petty")
    f = figures(sophea)
    assert f.none_allowed and f.max_until is None
    assert f.days_over == DAYS_SO_FAR  # every day held is a day over


def test_an_unknown_class_gives_no_maximum(sokha, sophea) -> None:
    f = figures(sophea)
    assert f.legal_case is None and f.limit is None
    assert f.max_months is None and f.max_until is None and f.days_left is None
    assert f.detained_from == ADMITTED and f.detention_days == DAYS_SO_FAR


def test_the_maximum_follows_the_reference_data_as_corrected(sokha, sophea) -> None:
    LegalLimit.objects.filter(offence_class="felony").update(max_extensions=1)
    record_case(sophea, sokha, offence_class="felony")
    assert figures(sophea).max_until == dt.date(2027, 1, 9)


def test_detention_counts_from_the_first_order_else_from_her_admission(sokha, sophea) -> None:
    f = figures(sophea)
    assert f.detained_from == ADMITTED and not f.detained_from_order
    order(sophea, sokha, dt.date(2026, 1, 12), 4)
    f = figures(sophea)
    assert f.detained_from == dt.date(2026, 1, 12) and f.detained_from_order
    assert f.detention_days == DAYS_SO_FAR - 2


def test_in_police_custody_with_no_order_nothing_is_counted(sokha, siem_reap) -> None:
    mother = register(sokha, siem_reap)
    episode = current(mother)
    registry.do_change_episode(
        episode, {"legal_status": "police_custody"}, expected_version=1, actor=sokha
    )
    f = figures(mother)
    assert f.detained_from is None and f.detention_days is None and not f.detention_running


def test_the_orders_run_until_the_end_of_their_terms(sokha, sophea) -> None:
    order(sophea, sokha, ADMITTED, 2)
    f = figures(sophea)
    assert f.ordered_until == dt.date(2026, 3, 9) and f.orders_lapsed
    order(sophea, sokha, dt.date(2026, 3, 5), 2, kind="extension")
    f = figures(sophea)
    assert f.ordered_until == dt.date(2026, 5, 9) and not f.orders_lapsed


def test_a_judgment_stops_the_count(sokha, sophea) -> None:
    record_case(sophea, sokha, offence_class="felony")
    order(sophea, sokha, ADMITTED, 6)
    judge(sophea, sokha, judgment="prison", prison_months=24, judgment_on=dt.date(2026, 2, 9))
    f = figures(sophea)
    assert not f.detention_running
    assert f.detained_until == dt.date(2026, 2, 9) and f.detention_days == 31


def test_a_release_ends_the_count_and_shows_days_past_the_maximum(sokha, sophea) -> None:
    record_case(sophea, sokha, offence_class="petty")
    decide(apply(sophea, sokha, dt.date(2026, 1, 20)), sokha, decided_on=dt.date(2026, 1, 29))
    f = figures(sophea)
    assert not f.detention_running and f.detention_days == 20 and f.days_over == 20


def test_a_transfer_neither_restarts_the_count_nor_loses_the_case(sokha, sophea, cc2) -> None:
    record_case(sophea, sokha, offence_class="felony")
    order(sophea, sokha, ADMITTED, 6)
    registry.do_transfer_mother(sophea, to_facility=cc2, on=dt.date(2026, 2, 15), actor=sokha)
    f = figures(sophea)
    assert len(f.stay.episodes) == 2 and f.stay.latest.facility_id == cc2.pk
    assert f.legal_case is not None and len(f.orders) == 1
    assert f.detained_from == ADMITTED and f.detention_days == DAYS_SO_FAR
    # A hearing recorded from the new episode goes to the same case.
    assert hearing(sophea, sokha, dt.date(2026, 3, 1)).legal_case == f.legal_case


def test_a_new_admission_is_a_new_stay(sokha, sophea, siem_reap) -> None:
    record_case(sophea, sokha, offence_class="felony")
    registry.do_release_mother(sophea, on=dt.date(2026, 2, 1), release_kind="bail", actor=sokha)
    registry.do_admit_mother(
        sophea,
        {"facility": siem_reap, "admission_date": dt.date(2026, 3, 1), "legal_status": "pre_trial"},
        actor=sokha,
    )
    stays = stays_of(sophea.episodes.all())
    assert [len(s.episodes) for s in stays] == [1, 1]
    f = figures(sophea)
    assert f.legal_case is None and f.detained_from == dt.date(2026, 3, 1)


def test_police_custody_hours_against_the_hours_allowed(sokha, sophea) -> None:
    record_case(
        sophea,
        sokha,
        arrested_at=at("2026-01-08", "07:00"),
        police_custody_start=at("2026-01-08", "08:00"),
        police_custody_end=at("2026-01-10", "14:00"),
    )
    f = figures(sophea)
    assert f.police_custody_hours == 54
    assert f.police_custody_allowed_hours == 48  # class unknown: the shortest, no extension
    assert f.police_custody_hours_over == 6


def test_a_felonys_extension_adds_24_hours_and_a_misdemeanours_adds_none(sokha, sophea) -> None:
    legal_case = record_case(
        sophea,
        sokha,
        offence_class="felony",
        police_custody_start=at("2026-01-08", "08:00"),
        police_custody_end=at("2026-01-10", "14:00"),
        police_custody_extended=True,
        extension_authorised_by="Prosecutor Chan",
    )
    f = figures(sophea)
    assert f.police_custody_allowed_hours == 72 and f.police_custody_hours_over is None
    legal_case.offence_class = "misdemeanour"
    legal_case.save(update_fields=["offence_class"])
    f = figures(sophea)
    assert f.police_custody_allowed_hours == 48 and f.extension_not_allowed
    assert f.police_custody_hours_over == 6


def test_police_custody_still_going_on_is_counted_to_now(sokha, siem_reap) -> None:
    mother = register(sokha, siem_reap, admission_date=dt.date(2026, 3, 18))
    registry.do_change_episode(
        current(mother), {"legal_status": "police_custody"}, expected_version=1, actor=sokha
    )
    record_case(mother, sokha, police_custody_start=at("2026-03-18", "06:00"))
    f = figures(mother)
    assert f.police_custody_ongoing and f.police_custody_hours == 52  # to 10:00 on the 20th


def test_an_unended_police_custody_is_unknown_once_she_is_in_prison(sokha, sophea) -> None:
    record_case(sophea, sokha, police_custody_start=at("2026-01-08", "08:00"))
    assert figures(sophea).police_custody_hours is None


def test_the_next_hearing_and_a_hearing_not_recorded(sokha, sophea) -> None:
    hearing(sophea, sokha, dt.date(2026, 2, 2), next_on=dt.date(2026, 3, 10))
    f = figures(sophea)
    assert f.next_hearing is None and f.hearing_not_recorded == dt.date(2026, 3, 10)
    hearing(sophea, sokha, dt.date(2026, 3, 10), next_on=dt.date(2026, 4, 7))
    f = figures(sophea)
    assert f.next_hearing == dt.date(2026, 4, 7) and f.hearing_not_recorded is None


def test_pending_applications(sokha, sophea) -> None:
    first = apply(sophea, sokha, dt.date(2026, 2, 1), kind="release")
    second = apply(sophea, sokha, dt.date(2026, 3, 1), kind="immediate_appearance")
    decide(first, sokha, outcome="refused", decided_on=dt.date(2026, 2, 10))
    assert [a.pk for a in figures(sophea).pending] == [second.pk]


def _fill(mother, sokha) -> None:
    record_case(mother, sokha, offence_class="felony")
    order(mother, sokha, ADMITTED, 6)
    order(mother, sokha, dt.date(2026, 3, 1), 6, kind="extension")
    hearing(mother, sokha, dt.date(2026, 2, 2), next_on=dt.date(2026, 4, 2))
    apply(mother, sokha)


def test_many_women_are_loaded_in_a_fixed_number_of_queries(sokha, siem_reap) -> None:
    one = register(sokha, siem_reap)
    _fill(one, sokha)
    several = [register(sokha, siem_reap, children=[child_inside()]) for _ in range(4)]
    for mother in several:
        _fill(mother, sokha)
    registry.do_transfer_mother(
        several[0],
        to_facility=siem_reap.__class__.objects.exclude(pk=siem_reap.pk).first(),
        on=dt.date(2026, 3, 2),
        actor=sokha,
    )

    def count(ids: list[int]) -> int:
        with CaptureQueriesContext(connection) as captured:
            loaded = latest_for_mothers(ids, TODAY)
            assert all(f.max_until is not None and f.pending for f in loaded.values())
        return len(captured.captured_queries)

    assert count([one.pk]) == count([m.pk for m in [one, *several]]) == 6
