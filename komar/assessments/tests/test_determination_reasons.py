"""When a formal determination is required (Bangkok Rule 52; UN Alternative Care Guidelines)."""

import datetime as dt

from komar.assessments.actions import DeterminationReason, determination_reasons
from komar.assessments.models import Assessment
from komar.conftest import child_inside, register
from komar.counselling.models import CareOption, ChildDecision

TODAY = dt.date(2026, 6, 1)


def test_it_requires_none_for_a_young_child_inside_and_an_uncontested_family_option(
    sophea,
) -> None:
    child = sophea.children.get(name_latin="Sok Vichet")
    assessment = Assessment(recommendation=CareOption.RELATIVE)
    assert determination_reasons(assessment, child, TODAY) == []
    assert determination_reasons(None, child, TODAY) == []


def test_it_requires_one_when_the_mother_contests_separation(sophea) -> None:
    child = sophea.children.get(name_latin="Sok Vichet")
    assessment = Assessment(mother_contests_separation=True)
    assert determination_reasons(assessment, child, TODAY) == [DeterminationReason.CONTESTED]


def test_it_requires_one_when_the_child_inside_is_over_the_limit(sokha, siem_reap) -> None:
    mother = register(sokha, siem_reap, children=[child_inside(born=dt.date(2022, 1, 1))])
    child = mother.children.get()
    assert child.days_left(TODAY) < 0
    assert determination_reasons(None, child, TODAY) == [DeterminationReason.OVER_LIMIT]
    assert determination_reasons(Assessment(), child, TODAY) == [DeterminationReason.OVER_LIMIT]


def test_it_does_not_count_the_stay_limit_for_a_child_outside(sophea) -> None:
    # Born 2020, so older than three, but living with her grandmother.
    child = sophea.children.get(name_latin="Sok Dara")
    assert determination_reasons(None, child, TODAY) == []


def test_it_requires_one_when_an_institution_is_recommended(sophea) -> None:
    child = sophea.children.get(name_latin="Sok Vichet")
    assessment = Assessment(recommendation=CareOption.INSTITUTION)
    assert determination_reasons(assessment, child, TODAY) == [DeterminationReason.INSTITUTION]


def test_a_separation_decided_against_her_wish_is_contested(sophea) -> None:
    child = sophea.children.get(name_latin="Sok Vichet")
    against = ChildDecision.DecidedBy.OTHERS_AGAINST_HER_WISH
    separated = ChildDecision(decision=CareOption.RELATIVE, decided_by=against)
    kept = ChildDecision(decision=CareOption.WITH_MOTHER, decided_by=against)
    agreed = ChildDecision(decision=CareOption.RELATIVE, decided_by=ChildDecision.DecidedBy.MOTHER)
    assert determination_reasons(None, child, TODAY, separated) == [DeterminationReason.CONTESTED]
    assert determination_reasons(None, child, TODAY, kept) == []
    assert determination_reasons(None, child, TODAY, agreed) == []


def test_an_institution_decided_in_a_session_is_a_reason(sophea) -> None:
    child = sophea.children.get(name_latin="Sok Vichet")
    decision = ChildDecision(
        decision=CareOption.INSTITUTION, decided_by=ChildDecision.DecidedBy.MOTHER
    )
    assert determination_reasons(None, child, TODAY, decision) == [DeterminationReason.INSTITUTION]


def test_it_lists_every_reason_that_applies(sokha, siem_reap) -> None:
    mother = register(sokha, siem_reap, children=[child_inside(born=dt.date(2022, 1, 1))])
    child = mother.children.get()
    assessment = Assessment(mother_contests_separation=True, recommendation=CareOption.INSTITUTION)
    assert determination_reasons(assessment, child, TODAY) == [
        DeterminationReason.CONTESTED,
        DeterminationReason.OVER_LIMIT,
        DeterminationReason.INSTITUTION,
    ]
