"""The legal case's flags, every branch: raised and resolved by the actions (each ends with a
refresh of her findings) and by the daily refresh as the days pass, with the facts that say
why, and the thresholds read from settings."""

from __future__ import annotations

import datetime as dt

import pytest

from komar.cases import actions as registry
from komar.cases.findings import compare, refresh_findings
from komar.cases.models import Finding
from komar.conftest import register
from komar.legal import rules_case
from komar.legal.models import Screening
from komar.legal.tests.test_case_actions import (
    apply,
    at,
    change_case,
    current,
    decide,
    judge,
    order,
    record_case,
)
from komar.lib.rules import rule_by_code, shown

TODAY = dt.date(2026, 3, 20)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC), tick=False)


def fact(mother, code: str, label: str) -> str:
    """One fact of her open finding of a rule (the finding must be open)."""
    facts = flag(mother, code)
    assert facts is not None, code
    return facts[label]


def flag(mother, code: str) -> dict[str, str] | None:
    """The open finding of a rule about her (not a child), as its facts in English."""
    finding = Finding.objects.filter(
        mother=mother, child=None, rule_code=code, resolved_at__isnull=True
    ).first()
    return dict(shown(finding.facts)) if finding is not None else None


def refresh(mother, day: dt.date, time_machine) -> None:
    time_machine.move_to(dt.datetime.combine(day, dt.time(3), tzinfo=dt.UTC), tick=False)
    refresh_findings([mother.pk], today=day)


def test_every_rule_is_registered_named_versioned_and_cites_its_standard() -> None:
    for code, cites in [
        ("no_lawyer", "Bangkok Rule 2(1)"),
        ("detention_near_maximum", "art. 209"),
        ("detention_over_maximum", "arts. 208 and 209"),
        ("police_custody_over", "art. 96"),
        ("measure_without_application", "Bangkok Rules 57 and 58"),
    ]:
        rule = rule_by_code(code)
        assert rule is not None and rule.subject == "mother" and rule.version == 1, code
        assert cites in str(rule.standard), code
    assert rules_case.RULE_SETS == [rules_case.RULES]


# -- No lawyer


def test_no_lawyer_14_days_into_pre_trial_detention(sokha, siem_reap, time_machine) -> None:
    mother = register(sokha, siem_reap, admission_date=dt.date(2026, 3, 10))
    assert flag(mother, "no_lawyer") is None  # 10 days
    refresh(mother, dt.date(2026, 3, 23), time_machine)
    assert flag(mother, "no_lawyer") is None  # 13 days
    refresh(mother, dt.date(2026, 3, 24), time_machine)
    assert flag(mother, "no_lawyer") == {
        "In pre-trial detention since": "10 Mar 2026",
        "Lawyer": "none recorded",
    }


def test_no_lawyer_is_resolved_when_a_lawyer_is_recorded(sokha, sophea) -> None:
    assert flag(sophea, "no_lawyer") is not None  # since 10 January, no lawyer
    record_case(sophea, sokha, lawyer="Meas Dara", episode_version=1)
    assert flag(sophea, "no_lawyer") is None
    finding = Finding.objects.get(mother=sophea, rule_code="no_lawyer")
    assert finding.resolution == "facts"


def test_no_lawyer_counts_from_the_detention_order(sokha, siem_reap) -> None:
    mother = register(sokha, siem_reap, admission_date=dt.date(2026, 2, 1))
    assert flag(mother, "no_lawyer") is not None
    order(mother, sokha, dt.date(2026, 3, 10), 4)  # held on remand from the 10th only
    assert flag(mother, "no_lawyer") is None


def test_no_lawyer_does_not_apply_once_she_is_sentenced(sokha, sophea) -> None:
    judge(sophea, sokha, judgment="prison", prison_months=24)
    assert flag(sophea, "no_lawyer") is None


def test_the_lawyer_threshold_is_a_setting(sokha, siem_reap, settings) -> None:
    settings.KOMAR_LEGAL_LAWYER_DAYS = 7
    mother = register(sokha, siem_reap, admission_date=dt.date(2026, 3, 10))
    assert flag(mother, "no_lawyer") is not None


# -- The legal maximum


def test_near_the_maximum(sokha, sophea) -> None:
    # Half a minimum penalty of 6 months: 3 months from 10 January, to 9 April: 20 days left.
    record_case(sophea, sokha, offence_class="misdemeanour", minimum_penalty_months=6)
    order(sophea, sokha, dt.date(2026, 1, 10), 3)
    assert flag(sophea, "detention_over_maximum") is None
    assert flag(sophea, "detention_near_maximum") == {
        "Class of offence": "Misdemeanour",
        "In pre-trial detention since": "10 Jan 2026",
        "Legal maximum": "9 Apr 2026",
        "Days left": "20",
    }


def test_not_yet_near_the_maximum(sokha, sophea, time_machine) -> None:
    record_case(sophea, sokha, offence_class="misdemeanour", minimum_penalty_months=24)
    order(sophea, sokha, dt.date(2026, 1, 10), 4)  # to 9 July: 111 days left
    assert flag(sophea, "detention_near_maximum") is None
    refresh(sophea, dt.date(2026, 6, 8), time_machine)  # 31 days left
    assert flag(sophea, "detention_near_maximum") is None
    refresh(sophea, dt.date(2026, 6, 9), time_machine)  # 30 days left
    assert fact(sophea, "detention_near_maximum", "Days left") == "30"
    refresh(sophea, dt.date(2026, 7, 9), time_machine)  # the last day allowed
    assert fact(sophea, "detention_near_maximum", "Days left") == "0"
    refresh(sophea, dt.date(2026, 7, 10), time_machine)
    assert flag(sophea, "detention_near_maximum") is None
    assert fact(sophea, "detention_over_maximum", "Days over") == "1"


def test_the_warning_window_is_a_setting(sokha, sophea, settings) -> None:
    settings.KOMAR_LEGAL_MAXIMUM_WARNING_DAYS = 10
    record_case(sophea, sokha, offence_class="misdemeanour", minimum_penalty_months=6)
    assert flag(sophea, "detention_near_maximum") is None  # 20 days left


def test_an_unrecorded_minimum_penalty_is_said_in_the_facts(sokha, sophea, time_machine):
    record_case(sophea, sokha, offence_class="misdemeanour")
    refresh(sophea, dt.date(2026, 6, 20), time_machine)
    assert flag(sophea, "detention_near_maximum") == {
        "Class of offence": "Misdemeanour",
        "In pre-trial detention since": "10 Jan 2026",
        "Legal maximum": "9 Jul 2026",
        "Minimum penalty": "not recorded: the maximum may be shorter",
        "Days left": "19",
    }


def test_past_the_maximum(sokha, sophea) -> None:
    record_case(sophea, sokha, offence_class="misdemeanour", minimum_penalty_months=5)
    assert flag(sophea, "detention_over_maximum") == {
        "Class of offence": "Misdemeanour",
        "In pre-trial detention since": "10 Jan 2026",
        "Legal maximum": "9 Mar 2026",
        "Days over": "11",
    }


def test_a_petty_offence_is_over_from_the_first_day(sokha, sophea) -> None:
    record_case(sophea, sokha, offence_class="petty")
    assert flag(sophea, "detention_over_maximum") == {
        "Class of offence": "Petty offence",
        "In pre-trial detention since": "10 Jan 2026",
        "Legal maximum": "no pre-trial detention allowed",
        "Days over": "70",
    }


def test_an_unknown_class_raises_no_maximum_flag(sokha, sophea) -> None:
    record_case(sophea, sokha, arrest_place="Puok")
    assert flag(sophea, "detention_near_maximum") is None
    assert flag(sophea, "detention_over_maximum") is None


def test_the_maximum_flag_is_resolved_by_her_release(sokha, sophea) -> None:
    record_case(sophea, sokha, offence_class="petty")
    decide(apply(sophea, sokha), sokha)
    assert flag(sophea, "detention_over_maximum") is None
    assert Finding.objects.get(rule_code="detention_over_maximum").resolved_at is not None


# -- Police custody


def _custody(mother, sokha, **extra):
    return record_case(
        mother,
        sokha,
        arrested_at=at("2026-01-08", "07:00"),
        police_custody_start=at("2026-01-08", "08:00"),
        police_custody_end=at("2026-01-10", "14:00"),
        **extra,
    )


def test_police_custody_past_48_hours_with_no_extension(sokha, sophea) -> None:
    _custody(sophea, sokha)
    assert flag(sophea, "police_custody_over") == {
        "Police custody from": "8 Jan 2026",
        "Hours in police custody": "54",
        "Hours allowed": "48",
        "Extension": "none recorded",
    }


def test_a_felonys_written_extension_covers_it(sokha, sophea) -> None:
    _custody(
        sophea,
        sokha,
        offence_class="felony",
        police_custody_extended=True,
        extension_authorised_by="Prosecutor Chan",
    )
    assert flag(sophea, "police_custody_over") is None


def test_an_extension_of_a_misdemeanours_custody_does_not_count(sokha, sophea) -> None:
    _custody(
        sophea,
        sokha,
        offence_class="misdemeanour",
        police_custody_extended=True,
        extension_authorised_by="Prosecutor Chan",
    )
    facts = flag(sophea, "police_custody_over")
    assert facts is not None
    assert facts["Extension"] == "recorded, but the law allows none for this class"


def test_police_custody_within_the_hours_raises_nothing(sokha, sophea) -> None:
    legal_case = _custody(sophea, sokha)
    change_case(legal_case, sokha, police_custody_end=at("2026-01-10", "07:59"))
    assert flag(sophea, "police_custody_over") is None


def test_police_custody_going_on_past_48_hours(sokha, siem_reap, time_machine) -> None:
    mother = register(sokha, siem_reap, admission_date=dt.date(2026, 3, 19))
    registry.do_change_episode(
        current(mother), {"legal_status": "police_custody"}, expected_version=1, actor=sokha
    )
    record_case(mother, sokha, police_custody_start=at("2026-03-19", "06:00"))
    assert flag(mother, "police_custody_over") is None  # 28 hours
    refresh(mother, dt.date(2026, 3, 21), time_machine)  # 10:00 on the 21st: 52 hours
    facts = flag(mother, "police_custody_over")
    assert facts is not None and facts["Police custody"] == "still going on"


# -- A measure chosen and no application


def screened(mother, actor, on: dt.date, chosen: list[str]) -> Screening:
    """A screening row as the screening part stores it (its own actions are not tested here)."""
    screening = Screening.objects.create(
        mother=mother,
        episode=current(mother),
        screened_on=on,
        screened_by=actor,
        stable_address="yes",
        guarantor="yes",
        drug_treatment_need="no",
        chosen=chosen,
    )
    refresh_findings([mother.pk], today=TODAY)
    return screening


def test_a_measure_chosen_and_no_application_within_14_days(vicheka, sophea, time_machine):
    screened(sophea, vicheka, dt.date(2026, 3, 6), ["judicial_supervision"])
    assert flag(sophea, "measure_without_application") is None  # 14 days
    refresh(sophea, dt.date(2026, 3, 21), time_machine)
    assert flag(sophea, "measure_without_application") == {
        "Screened on": "6 Mar 2026",
        "Measures to pursue": "Release under judicial supervision",
        "Applications filed since": "0",
    }
    apply(sophea, vicheka, dt.date(2026, 3, 21))
    assert flag(sophea, "measure_without_application") is None


def test_an_application_filed_before_the_screening_does_not_count(vicheka, sophea) -> None:
    apply(sophea, vicheka, dt.date(2026, 2, 1))
    screened(sophea, vicheka, dt.date(2026, 3, 1), ["release", "drug_treatment"])
    facts = flag(sophea, "measure_without_application")
    assert facts is not None
    assert facts["Measures to pursue"] == (
        "Release, no conditions, Referral to community drug treatment"
    )


def test_a_screening_that_chose_nothing_raises_nothing(vicheka, sophea) -> None:
    screened(sophea, vicheka, dt.date(2026, 3, 1), ["judicial_supervision"])
    screened(sophea, vicheka, dt.date(2026, 3, 2), [])  # the latest screening decides
    assert flag(sophea, "measure_without_application") is None


def test_a_screening_of_an_earlier_custody_raises_nothing(vicheka, sokha, sophea, siem_reap):
    Screening.objects.create(
        mother=sophea,
        episode=current(sophea),
        screened_on=dt.date(2026, 1, 20),
        screened_by=vicheka,
        stable_address="yes",
        guarantor="yes",
        drug_treatment_need="no",
        chosen=["judicial_supervision"],
    )
    registry.do_release_mother(sophea, on=dt.date(2026, 2, 1), release_kind="other", actor=sokha)
    registry.do_admit_mother(
        sophea,
        {"facility": siem_reap, "admission_date": dt.date(2026, 3, 1), "legal_status": "pre_trial"},
        actor=sokha,
    )
    assert flag(sophea, "measure_without_application") is None


def test_the_application_window_is_a_setting(vicheka, sophea, settings) -> None:
    settings.KOMAR_LEGAL_APPLICATION_DAYS = 30
    screened(sophea, vicheka, dt.date(2026, 3, 1), ["judicial_supervision"])
    assert flag(sophea, "measure_without_application") is None


# -- Kept current


def test_no_lawyer_and_a_measure_without_application_read_the_same_day_after_day(
    vicheka, sophea, time_machine
) -> None:
    screened(sophea, vicheka, dt.date(2026, 3, 1), ["judicial_supervision"])
    refresh(sophea, dt.date(2026, 3, 21), time_machine)
    assert not refresh_findings([sophea.pk], today=dt.date(2026, 3, 22))


def test_the_stored_findings_match_a_fresh_evaluation(sokha, sophea) -> None:
    legal_case = _custody(sophea, sokha, offence_class="misdemeanour", minimum_penalty_months=5)
    order(sophea, sokha, dt.date(2026, 1, 10), 2)
    change_case(legal_case, sokha, investigating_judge="Judge Sok Chea")
    difference, _ = compare([sophea.pk], TODAY)
    assert not difference
    codes = set(
        Finding.objects.filter(mother=sophea, child=None, resolved_at__isnull=True).values_list(
            "rule_code", flat=True
        )
    )
    assert {"no_lawyer", "detention_over_maximum", "police_custody_over"} <= codes
