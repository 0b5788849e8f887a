"""The candidate measures: each rule's branches (applies, does not apply, cannot tell), with the
facts each shows, stored without a language and read back in the reader's; and the facts the
rules read from her file."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from komar.cases.actions import do_change_episode, do_change_mother
from komar.cases.models import CustodyEpisode, Mother
from komar.legal import screening
from komar.legal.models import LegalCase, Measure
from komar.legal.screening import (
    MEASURE_RULES,
    ChildFacts,
    Recorded,
    ScreeningFacts,
    Verdict,
    candidates,
    judge,
)
from komar.lib.rules import store_facts

TODAY = dt.date(2026, 3, 20)
BABY = ChildFacts("Sok Vichet", dt.date(2025, 1, 15), 14, "with_mother", "")
GIRL = ChildFacts("Sok Dara", dt.date(2020, 6, 1), 69, "relative", "Yim Sam")
PRE_TRIAL = CustodyEpisode.LegalStatus.PRE_TRIAL
SENTENCED = CustodyEpisode.LegalStatus.SENTENCED


def plain(value: dict[str, Any]) -> Any:
    """A stored fact's value, in English."""
    kind, stored = next(iter(value.items()))
    return stored if kind != "date" else dt.date.fromisoformat(stored)


def judged(rule: Any, **facts: Any) -> tuple[Verdict, str, dict[str, Any]]:
    """A rule's verdict, its sentence and the facts it used, as stored."""
    given = {"legal_status": PRE_TRIAL, "children": (BABY, GIRL), **facts}
    answer = rule(ScreeningFacts(today=TODAY, **given))
    with translation.override(None):
        used = {label: plain(value) for label, value in store_facts(answer.facts)}
        return answer.verdict, str(answer.because), used


A_MISDEMEANOUR = {"offence_class": "misdemeanour", "violent": False, "violence_from": "case"}
CAN_MEET = {
    "stable_address": "yes",
    "guarantor": "no",
    "obligations": ("keep_residence", "report"),
    "obligations_note": "The police post every Monday.",
}
REPORT = "To report to the police or gendarmerie unit the judge names"
RESIDE = "To live at a fixed address and not move without the judge's permission"
NO_CARE = "Children with no alternative care if she stays detained"
BABY_ALONE = ChildFacts(
    "Sok Vichet", dt.date(2025, 1, 15), 14, "with_mother", "", "c1", care_if_detained="no_one"
)
GIRL_CARED = ChildFacts(
    "Sok Dara", dt.date(2020, 6, 1), 69, "relative", "Yim Sam", "c2", care_if_detained="grandparent"
)


# Release, no conditions.


def test_release_applies_when_no_reason_for_detention_is_claimed() -> None:
    verdict, because, facts = judged(screening.release, **A_MISDEMEANOUR)
    assert verdict == Verdict.APPLIES
    assert because.endswith("liberty is the rule.")
    assert facts["Reasons for detention claimed"] == "None claimed"
    assert facts["Violent offence"] == "No"
    assert facts["Violence, as recorded in"] == "her legal case"
    assert facts["Children under 18"] == 2
    assert facts["Youngest child's date of birth"] == dt.date(2025, 1, 15)
    assert facts["Children living inside with her"] == 1


def test_release_applies_for_a_class_that_allows_no_detention() -> None:
    verdict, _, facts = judged(
        screening.release, offence_class="petty", detention_allowed=False, grounds=("evidence",)
    )
    assert verdict == Verdict.APPLIES
    assert facts["Class of offence"] == "Petty offence"


def test_release_does_not_apply_when_reasons_are_claimed() -> None:
    verdict, because, facts = judged(
        screening.release, **A_MISDEMEANOUR, grounds=("evidence", "appearance")
    )
    assert verdict == Verdict.DOES_NOT_APPLY
    assert "judicial supervision" in because
    assert facts["Reasons for detention claimed"] == [
        "To preserve evidence",
        "To ensure she appears before the court",
    ]


def test_release_does_not_apply_for_a_violent_offence_or_once_she_is_sentenced() -> None:
    verdict, _, facts = judged(screening.release, violent=True, violence_from="category")
    assert verdict == Verdict.DOES_NOT_APPLY
    assert facts["Violence, as recorded in"] == "the category of the offence"
    verdict, _, facts = judged(screening.release, **A_MISDEMEANOUR, legal_status=SENTENCED)
    assert verdict == Verdict.DOES_NOT_APPLY and facts == {"Legal status": "Sentenced"}


def test_release_cannot_tell_without_knowing_whether_the_offence_was_violent() -> None:
    verdict, because, facts = judged(screening.release)
    assert verdict == Verdict.CANNOT_TELL
    assert because == "Record on her legal case whether the offence was violent."
    assert facts["Violent offence"] == "Not recorded"


# Release under judicial supervision.


def test_judicial_supervision_applies_with_an_address_and_obligations_she_can_meet() -> None:
    verdict, _, facts = judged(
        screening.judicial_supervision, **A_MISDEMEANOUR, **CAN_MEET, grounds=("appearance",)
    )
    assert verdict == Verdict.APPLIES
    assert facts["A stable address"] == "Yes" and facts["A guarantor"] == "No"
    assert facts["Obligations she can meet"] == [RESIDE, REPORT]
    assert facts["Other conditions or details"] == "The police post every Monday."
    assert facts["Reasons for detention claimed"] == ["To ensure she appears before the court"]
    assert facts["Children under 18"] == 2
    assert NO_CARE not in facts  # who would care is not recorded: no child is named


@pytest.mark.parametrize("rule", [screening.release, screening.judicial_supervision])
def test_a_child_with_no_one_to_care_is_named_in_the_reasons(rule) -> None:
    given = {**A_MISDEMEANOUR, **CAN_MEET, "children": (BABY_ALONE, GIRL_CARED)}
    verdict, _, facts = judged(rule, **given)
    assert verdict == Verdict.APPLIES
    assert facts[NO_CARE] == "Sok Vichet"
    for arrangement in ("institution", "unknown"):
        child = ChildFacts(
            "Sok Vichet",
            dt.date(2025, 1, 15),
            14,
            "with_mother",
            "",
            "c1",
            care_if_detained=arrangement,
        )
        _, _, facts = judged(rule, **{**given, "children": (child, GIRL_CARED)})
        assert facts[NO_CARE] == "Sok Vichet"
    # Even where the measure does not apply, the court hears of her.
    _, _, facts = judged(rule, **{**given, "grounds": ("evidence",), "violent": True})
    assert facts[NO_CARE] == "Sok Vichet"


@pytest.mark.parametrize(
    ("obligations", "answers", "unfit"),
    [
        (("keep_residence", "report"), {"stable_address": "no", "guarantor": "yes"}, [RESIDE]),
        (
            ("bail", "report"),
            {"stable_address": "yes", "guarantor": "no"},
            ["To pay bail, or give a guarantee through a guarantor"],
        ),
    ],
)
def test_an_obligation_she_lacks_the_means_for_does_not_fit(obligations, answers, unfit) -> None:
    verdict, because, facts = judged(
        screening.judicial_supervision, **A_MISDEMEANOUR, **answers, obligations=obligations
    )
    assert verdict == Verdict.CANNOT_TELL
    assert because.startswith("Some obligations chosen need what the screening records she lacks")
    assert facts["Obligations that do not fit"] == unfit


def test_treatment_as_an_obligation_fits_her_need_for_drug_treatment() -> None:
    verdict, _, facts = judged(
        screening.judicial_supervision,
        **A_MISDEMEANOUR,
        **{**CAN_MEET, "obligations": ("report", "treatment")},
        drug_treatment_need="yes",
    )
    assert verdict == Verdict.APPLIES
    assert facts["Treatment as an obligation"] == "Fits her need for drug treatment"
    _, _, facts = judged(
        screening.judicial_supervision, **A_MISDEMEANOUR, **CAN_MEET, drug_treatment_need="yes"
    )
    assert facts["An obligation to consider"] == (
        "To undergo medical examination or treatment, including drug treatment"
    )


def test_bail_fits_when_a_guarantor_is_recorded() -> None:
    _, _, facts = judged(
        screening.judicial_supervision,
        **A_MISDEMEANOUR,
        **{**CAN_MEET, "guarantor": "yes", "obligations": ("bail",)},
    )
    assert facts["Bail"] == "A guarantor is recorded"


def test_judicial_supervision_does_not_apply_without_address_or_guarantor() -> None:
    verdict, because, facts = judged(
        screening.judicial_supervision, **A_MISDEMEANOUR, stable_address="no", guarantor="no"
    )
    assert verdict == Verdict.DOES_NOT_APPLY
    assert because.startswith("No stable address and no guarantor")
    assert facts == {"A stable address": "No", "A guarantor": "No"}
    verdict, _, _ = judged(screening.judicial_supervision, detention_allowed=False)
    assert verdict == Verdict.DOES_NOT_APPLY  # no detention to replace: release


@pytest.mark.parametrize(
    ("answers", "missing"),
    [
        ({"stable_address": "unknown", "obligations": ("report",)}, "A stable address"),
        ({"stable_address": "yes", "guarantor": "yes", "obligations": ()}, "Obligations"),
    ],
)
def test_judicial_supervision_cannot_tell_without_address_or_obligations(answers, missing):
    verdict, because, facts = judged(screening.judicial_supervision, **A_MISDEMEANOUR, **answers)
    assert verdict == Verdict.CANNOT_TELL
    assert because.startswith("Record whether she has a stable address")
    if missing == "Obligations":
        assert facts["Obligations she can meet"] == "Not recorded"
    else:
        assert facts["A stable address"] == "Not known"


def test_judicial_supervision_leaves_a_violent_offence_to_the_lawyer() -> None:
    verdict, because, facts = judged(
        screening.judicial_supervision, violent=True, violence_from="case", **CAN_MEET
    )
    assert verdict == Verdict.CANNOT_TELL
    assert "Bangkok Rule 64" in because and facts["Violent offence"] == "Yes"


# Immediate appearance.


def test_immediate_appearance_applies_to_a_misdemeanour_not_under_investigation() -> None:
    verdict, because, facts = judged(screening.immediate_appearance, **A_MISDEMEANOUR)
    assert verdict == Verdict.APPLIES
    assert "within two weeks" in because
    assert facts == {
        "Class of offence": "Misdemeanour",
        "Investigating judge": "Not recorded",
        "Legal status": "Pre-trial detention",
    }


@pytest.mark.parametrize(
    ("facts", "because"),
    [
        ({"offence_class": "felony"}, "A felony: immediate appearance is for a misdemeanour."),
        ({"offence_class": "petty"}, "A petty offence allows no detention: ask for release."),
        (
            {"offence_class": "misdemeanour", "investigating_judge": True},
            "An investigating judge has the case: it goes through the judicial investigation.",
        ),
        (
            {"offence_class": "misdemeanour", "legal_status": SENTENCED},
            "She is no longer held before trial: this measure is for that stage.",
        ),
    ],
)
def test_immediate_appearance_does_not_apply(facts, because) -> None:
    verdict, said, _ = judged(screening.immediate_appearance, **facts)
    assert verdict == Verdict.DOES_NOT_APPLY and said == because


def test_immediate_appearance_cannot_tell_without_the_class() -> None:
    verdict, _, facts = judged(screening.immediate_appearance)
    assert verdict == Verdict.CANNOT_TELL and facts == {"Class of offence": "Not recorded"}


# Suspended sentence.


def test_a_suspended_sentence_applies_to_a_first_offence_not_violent() -> None:
    verdict, _, facts = judged(screening.suspended_sentence, **A_MISDEMEANOUR, first_offence="yes")
    assert verdict == Verdict.APPLIES
    assert facts["First offence"] == "Yes, first time"
    assert facts["Class of offence"] == "Misdemeanour" and facts["Violent offence"] == "No"


def test_a_suspended_sentence_does_not_apply_once_judged() -> None:
    verdict, because, facts = judged(
        screening.suspended_sentence, legal_status=SENTENCED, judgment="prison"
    )
    assert verdict == Verdict.DOES_NOT_APPLY
    assert because.startswith("A judgment is recorded")
    assert facts == {"Legal status": "Sentenced", "Judgment": "Prison term"}


@pytest.mark.parametrize(
    ("facts", "because"),
    [
        ({**A_MISDEMEANOUR, "first_offence": "no"}, "Previous convictions"),
        ({**A_MISDEMEANOUR, "first_offence": "unknown"}, "Record whether this is her first"),
        ({"first_offence": "yes"}, "Record whether this is her first"),  # violence unknown
        ({"violent": True, "first_offence": "yes"}, "A violent offence"),
    ],
)
def test_a_suspended_sentence_cannot_tell(facts, because) -> None:
    verdict, said, used = judged(screening.suspended_sentence, **facts)
    assert verdict == Verdict.CANNOT_TELL and said.startswith(because)
    assert "First offence" in used


# Community service.


def test_community_service_applies_to_a_misdemeanour_not_violent() -> None:
    verdict, because, _ = judged(screening.community_service, **A_MISDEMEANOUR)
    assert verdict == Verdict.APPLIES and because.endswith("if she agrees.")


def test_community_service_does_not_apply_to_a_felony_or_once_judged() -> None:
    verdict, _, facts = judged(screening.community_service, offence_class="felony")
    assert verdict == Verdict.DOES_NOT_APPLY and facts == {"Class of offence": "Felony"}
    verdict, _, _ = judged(screening.community_service, **A_MISDEMEANOUR, judgment="acquittal")
    assert verdict == Verdict.DOES_NOT_APPLY


def test_community_service_cannot_tell_without_the_class_or_for_violence() -> None:
    verdict, _, facts = judged(screening.community_service)
    assert verdict == Verdict.CANNOT_TELL and facts == {"Class of offence": "Not recorded"}
    verdict, _, _ = judged(screening.community_service, offence_class="misdemeanour", violent=True)
    assert verdict == Verdict.CANNOT_TELL


# Early or conditional release, pardon: after a sentence.


def test_early_release_and_pardon_do_not_apply_before_a_sentence() -> None:
    for rule in (screening.early_release, screening.pardon):
        verdict, because, facts = judged(rule)
        assert verdict == Verdict.DOES_NOT_APPLY
        assert because.startswith("She has not been sentenced")
        assert facts == {"Legal status": "Pre-trial detention"}


def test_early_release_and_pardon_cannot_tell_while_the_judgment_is_not_final() -> None:
    for rule in (screening.early_release, screening.pardon):
        verdict, _, facts = judged(rule, legal_status="awaiting_judgment")
        assert verdict == Verdict.CANNOT_TELL
        assert facts == {"Legal status": "Tried, awaiting final judgment"}


def test_early_release_applies_to_a_prison_term_and_cannot_tell_without_one() -> None:
    verdict, _, facts = judged(screening.early_release, legal_status=SENTENCED, prison_months=18)
    assert verdict == Verdict.APPLIES
    assert facts["Prison term, months"] == 18 and facts["Children under 18"] == 2
    verdict, _, facts = judged(screening.early_release, legal_status=SENTENCED)
    assert verdict == Verdict.CANNOT_TELL and facts["Prison term, months"] == "Not recorded"


def test_a_pardon_applies_once_sentenced() -> None:
    verdict, _, facts = judged(screening.pardon, legal_status=SENTENCED, pregnant=True)
    assert verdict == Verdict.APPLIES and facts["Pregnant"] == "Yes"


# Referral to community drug treatment.


@pytest.mark.parametrize(
    ("need", "verdict"),
    [("yes", Verdict.APPLIES), ("no", Verdict.DOES_NOT_APPLY), ("unknown", Verdict.CANNOT_TELL)],
)
def test_drug_treatment_follows_her_need(need, verdict) -> None:
    said, _, facts = judged(screening.drug_treatment, drug_treatment_need=need, drug_related=True)
    assert said == verdict
    assert facts["Drug-related offence"] == "Yes"
    assert facts["Needs drug treatment"] == {"yes": "Yes", "no": "No", "unknown": "Not known"}[need]


# The rules together.


def test_each_measure_has_one_named_versioned_rule_with_a_legal_basis() -> None:
    assert [r.measure for r in MEASURE_RULES] == list(Measure)
    assert len({r.code for r in MEASURE_RULES}) == len(MEASURE_RULES)
    for rule in MEASURE_RULES:
        assert rule.code.startswith("measure_") and rule.version >= 1
        assert str(rule.basis)


def test_a_stored_candidate_reads_the_same_later_in_the_readers_language() -> None:
    stored = judge(ScreeningFacts(today=TODAY, drug_treatment_need="no"))
    drug = next(c for c in stored if c["measure"] == "drug_treatment")
    assert drug == {
        "measure": "drug_treatment",
        "rule": "measure_drug_treatment",
        "version": 1,
        "verdict": "does_not_apply",
        "because": "She does not need drug treatment.",
        "reasons": [["Needs drug treatment", {"msg": "No"}]],
        "basis": drug["basis"],
        "judged_on": "2026-03-20",
    }
    with translation.override("km"):
        shown = next(c for c in candidates(stored) if c.measure == "drug_treatment")
        no_in_khmer = translation.gettext("No")
        label_in_khmer = translation.gettext("Needs drug treatment")
    assert no_in_khmer != "No" and label_in_khmer != "Needs drug treatment"  # both translated
    assert shown.reasons == [(label_in_khmer, no_in_khmer)]
    assert shown.level == "none" and shown.judged_on == TODAY


# The facts the rules read from her file.


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC), tick=False)


def test_the_rules_read_her_legal_case_her_children_and_her_answers(sokha, sophea) -> None:
    LegalCase.objects.create(
        episode=sophea.latest_episode,
        mother=sophea,
        offence_class="petty",
        is_violent=False,
        investigating_judge="Judge Chan",
    )
    do_change_mother(sophea, {"first_offence": "yes"}, expected_version=sophea.version, actor=sokha)
    mother = Mother.objects.get(pk=sophea.pk)
    facts = Recorded.of(mother, TODAY).facts({"grounds_claimed": ["evidence"], "guarantor": "yes"})
    assert facts.legal_status == PRE_TRIAL and facts.offence_class == "petty"
    assert (facts.violent, facts.violence_from) == (False, "case")
    assert facts.investigating_judge is True
    assert facts.detention_allowed is False  # the legal limits say so for a petty offence
    assert facts.first_offence == "yes"
    assert facts.grounds == ("evidence",) and facts.guarantor == "yes"
    assert facts.stable_address == "unknown" and facts.obligations == ()
    assert [(c.name, c.age_months, c.lives, c.carer) for c in facts.children] == [
        ("Sok Vichet", 14, "with_mother", ""),
        ("Sok Dara", 69, "relative", "Yim Sam"),
    ]


def test_without_a_legal_case_a_drug_offence_is_read_as_not_violent(sokha, sophea, drug_use):
    episode = sophea.latest_episode
    do_change_episode(
        episode, {"offence_category": drug_use}, expected_version=episode.version, actor=sokha
    )
    recorded = Recorded.of(Mother.objects.get(pk=sophea.pk), TODAY)
    facts = recorded.facts({})
    assert (facts.violent, facts.violence_from) == (False, "category")
    assert facts.drug_related is True and facts.offence_class == ""
    assert recorded.violence_label() == "No (as recorded in the category of the offence)"
    assert "the class of the offence (her legal case)" in recorded.missing()
