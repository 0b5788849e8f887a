"""Stored findings: raised, kept current and resolved by the actions and the daily command.

Here in the assessments layer because the rules of every workflow below it take part.
"""

import datetime as dt
from dataclasses import replace

import pytest
import time_machine
from django.core.management import CommandError, call_command

from komar.assessments.tests.factories import assess, counsel
from komar.cases.actions import do_move_child, do_transfer_mother
from komar.cases.findings import compare, refresh_findings
from komar.cases.models import Finding
from komar.conftest import child_inside, register
from komar.lib import rules as engine

TODAY = dt.datetime(2026, 6, 1, 5, tzinfo=dt.UTC)


def open_codes(mother) -> set[str]:
    return set(
        Finding.objects.filter(mother=mother, resolved_at__isnull=True).values_list(
            "rule_code", flat=True
        )
    )


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False) as clock:
        yield clock


def test_registering_a_child_inside_raises_a_stored_flag(sokha, sophea, frozen) -> None:
    finding = Finding.objects.get(mother=sophea, rule_code="no_counselling")
    assert finding.child.name_latin == "Sok Vichet"
    assert finding.rule_version == 1
    assert finding.facility_id == sophea.facility_id
    assert finding.organisation_id == sophea.organisation_id
    assert finding.born_on == dt.date(2025, 1, 15)
    assert finding.facts == [
        ["Lives", {"msg": "with the mother in the facility"}],
        ["Decisions on record", {"number": 0}],
    ]
    assert finding.resolved_at is None


def test_counselling_resolves_it_in_the_same_action(sokha, sophea, frozen) -> None:
    child = sophea.children.get(name_latin="Sok Vichet")
    counsel(child, sokha, held_on=dt.date(2026, 5, 20), review_on=dt.date(2026, 8, 1))
    finding = Finding.objects.get(mother=sophea, rule_code="no_counselling")
    assert finding.resolved_at is not None
    assert finding.resolution == Finding.Resolution.NO_LONGER_APPLIES
    assert "no_counselling" not in open_codes(sophea)


def test_a_transfer_moves_her_flags_with_her_scope(sokha, sophea, battambang, frozen) -> None:
    do_transfer_mother(sophea, to_facility=battambang, on=dt.date(2026, 5, 1), actor=sokha)
    sophea.refresh_from_db()
    assert sophea.facility == battambang
    finding = Finding.objects.get(mother=sophea, rule_code="no_counselling", resolved_at=None)
    assert finding.facility == battambang


@pytest.mark.usefixtures("allow_unplanned_moves")
def test_the_child_leaving_resolves_the_stay_limit_flag(sokha, siem_reap, frozen) -> None:
    mother = register(sokha, siem_reap, children=[child_inside(born=dt.date(2023, 5, 1))])
    assert "over_limit" in open_codes(mother)
    do_move_child(
        mother.children.get(),
        {"kind": "relative", "carer_name": "Yim Sam", "start_date": dt.date(2026, 5, 31)},
        actor=sokha,
    )
    assert "over_limit" not in open_codes(mother)
    assert Finding.objects.filter(mother=mother, rule_code="over_limit").count() == 1


def test_the_daily_command_raises_flags_that_the_date_brings(sokha, siem_reap, frozen) -> None:
    # Limit 15 Jan 2028: near it from 17 Oct 2027 (90 days before).
    mother = register(sokha, siem_reap, children=[child_inside()])
    assert "near_limit" not in open_codes(mother)
    frozen.move_to(dt.datetime(2027, 11, 1, 5, tzinfo=dt.UTC))
    with pytest.raises(CommandError):
        call_command("refresh_findings", "--check", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("refresh_findings", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert {"near_limit", "near_limit_without_assessment"} <= open_codes(mother)
    near = Finding.objects.get(mother=mother, rule_code="near_limit", resolved_at=None)
    assert dict(engine.shown(near.facts))["Days left"] == "75"
    call_command("refresh_findings", "--check", stdout=open("/dev/null", "w"))  # noqa: SIM115
    # The next day only the facts change: the same finding, updated in place.
    frozen.move_to(dt.datetime(2027, 11, 2, 5, tzinfo=dt.UTC))
    call_command("refresh_findings", stdout=open("/dev/null", "w"))  # noqa: SIM115
    near.refresh_from_db()
    assert near.resolved_at is None
    assert dict(engine.shown(near.facts))["Days left"] == "74"


def test_a_new_version_of_a_rule_resolves_the_old_finding(sokha, sophea, frozen) -> None:
    rule_set = next(
        s for s in engine.rule_sets() if any(r.code == "no_counselling" for r in s.rules)
    )
    old_rules = list(rule_set.rules)
    rule_set.rules = [
        replace(r, version=r.version + 1) if r.code == "no_counselling" else r for r in old_rules
    ]
    try:
        refresh_findings([sophea.pk])
    finally:
        rule_set.rules = old_rules
    rows = Finding.objects.filter(mother=sophea, rule_code="no_counselling").order_by("pk")
    assert [(f.rule_version, f.resolution) for f in rows] == [
        (1, Finding.Resolution.RULE_CHANGED),
        (2, ""),
    ]


def test_a_retired_rule_resolves_its_findings(sokha, sophea, frozen) -> None:
    installed = engine.rule_sets()
    engine.install([s for s in installed if s.name != "counselling"])
    try:
        refresh_findings([sophea.pk])
    finally:
        engine.install(installed)
    finding = Finding.objects.get(mother=sophea, rule_code="no_counselling")
    assert finding.resolution == Finding.Resolution.RULE_RETIRED


def test_stored_findings_never_differ_from_a_fresh_evaluation(sokha, dara, siem_reap, frozen):
    """Many states through the real actions, then the check over all of them."""
    mothers = [
        register(sokha, siem_reap, children=[child_inside(born=dt.date(2023, 5, 1))]),
        register(sokha, siem_reap, children=[child_inside(born=dt.date(2023, 8, 1))]),
        register(sokha, siem_reap, children=[child_inside()]),
        register(sokha, siem_reap, children=[child_inside(born=dt.date(2025, 9, 1))]),
    ]
    counsel(mothers[1].children.get(), sokha, review_on=dt.date(2026, 3, 1))
    counsel(mothers[2].children.get(), sokha, decision="institution")
    assess(mothers[3].children.get(), sokha, approve_by=dara)
    ids = [m.pk for m in mothers]
    difference, _expected = compare(ids, dt.date(2026, 6, 1))
    assert not difference
    assert Finding.objects.filter(resolved_at__isnull=True).count() >= 6


def test_refreshing_twice_changes_nothing(frozen, sokha, sophea) -> None:
    # Frozen first: she is registered on the day the refresh runs (the health rules' facts,
    # doses overdue say, change from one day to the next).
    assert not refresh_findings([sophea.pk])
