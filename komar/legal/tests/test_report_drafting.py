"""Drafting a court report from her file and her latest screening: each section from the facts,
confidential facts left out, in the report's language, in a fixed number of queries.

The helpers here (`screen`, `start`) are shared by the other court-report tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from komar.accounts.models import User
from komar.assessments.tests.factories import assess, determine
from komar.cases.actions import do_add_child, do_change_episode, do_change_mother
from komar.cases.models import Mother
from komar.conftest import child_inside, child_with_grandmother, register
from komar.counselling.actions import do_record_session
from komar.legal.models import (
    CareArrangement,
    CourtReport,
    LegalCase,
    Screening,
    SupervisionObligation,
)
from komar.legal.report import SECTION_KEYS, draft_sections, latest_screening, load_facts
from komar.legal.report_actions import do_start_report

TODAY = dt.date(2026, 3, 20)


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC), tick=False)


def screen(mother: Mother, actor: User, **extra: Any) -> Screening:
    """A screening built directly (its pages are another part's), as a legal officer fills it."""
    episode = mother.latest_episode
    assert episode is not None
    data: dict[str, Any] = {
        "screened_on": dt.date(2026, 3, 16),
        "grounds_claimed": ["appearance"],
        "stable_address": "yes",
        "address_note": "Her mother's house, Svay Dangkum commune, Siem Reap",
        "guarantor": "yes",
        "guarantor_note": "Her brother, a teacher",
        "drug_treatment_need": "no",
        "health_note": "Anaemia, treated at the prison clinic.",
        "care_note": "The grandmother cannot take the baby: she already cares for Dara.",
        "obligations": ["keep_residence", "report"],
        "obligations_note": "Her mother's house; the commune police every week.",
        "chosen": ["judicial_supervision"],
        "chosen_reason": "A first offence, with a baby she breastfeeds.",
        **extra,
    }
    return Screening.objects.create(mother=mother, episode=episode, screened_by=actor, **data)


def start(mother: Mother, actor: User, language: str = "en") -> CourtReport:
    return do_start_report(mother, language=language, actor=actor)


def drafted(mother: Mother, language: str = "en") -> dict[str, str]:
    mother = Mother.objects.select_related("latest_episode__facility").get(pk=mother.pk)
    episode = mother.latest_episode
    assert episode is not None
    return draft_sections(load_facts(mother, episode, latest_screening(episode), TODAY), language)


def everything(sections: dict[str, str]) -> str:
    return "\n".join(sections.values())


@pytest.fixture
def mother(sokha: User, siem_reap: Any, drug_use: Any) -> Mother:
    return with_confidential_facts(sokha, siem_reap, drug_use)


def with_confidential_facts(sokha: User, siem_reap: Any, drug_use: Any) -> Mother:
    """A woman whose baby was born in custody, with identity numbers and a prison number on
    file, counselled in her own words, and charged (with the place of her arrest recorded)."""
    mother = register(
        sokha,
        siem_reap,
        national_id_number="ID-110223344",
        family_book_number="FB-556677",
        admission_date=dt.date(2024, 12, 1),
        first_offence="yes",
        is_breastfeeding=True,
        children=[child_inside(born_in_custody=True), child_with_grandmother()],
    )
    episode = mother.latest_episode
    assert episode is not None
    do_change_episode(
        episode,
        {"prison_number": "P-4471", "offence_category": drug_use, "charges": ""},
        expected_version=episode.version,
        actor=sokha,
    )
    LegalCase.objects.create(
        episode=episode,
        mother=mother,
        offence_class="misdemeanour",
        arrest_place="Behind the Old Market guesthouse",
        notes="She was carrying 0.3 g when stopped.",
    )
    vichet = mother.children.get(name_latin="Sok Vichet")
    dara = mother.children.get(name_latin="Sok Dara")
    do_record_session(
        mother,
        {
            "held_on": dt.date(2026, 3, 2),
            "stage": "in_custody",
            "mothers_words": "Private words: I cannot leave my baby.",
            "review_on": dt.date(2026, 5, 29),
        },
        factors=[],
        main_factor=None,
        decisions=[
            {"child": vichet, "decision": "with_mother", "decided_by": "mother", "notes": "Secret"},
            {
                "child": dara,
                "decision": "relative",
                "decided_by": "mother",
                "carer_name": "Yim Sam",
                "notes": "Secret",
            },
        ],
        actor=sokha,
    )
    return mother


def test_it_drafts_her_circumstances(sokha, vicheka, mother) -> None:
    screen(mother, vicheka)
    text = drafted(mother)["circumstances"]
    assert "Srey Sophea is 31 years old." in text
    assert "held at Siem Reap Provincial Prison since 1 Dec 2024 (Pre-trial detention)" in text
    # 1 December 2024 to 20 March 2026, counting the first day.
    assert "in pre-trial detention for 475 days" in text
    assert "She is charged with Drug use (Misdemeanour)." in text
    assert "It is her first offence." in text
    assert "She is the mother of 2 children." in text
    assert "She has a stable address: Her mother's house, Svay Dangkum commune" in text
    assert "A guarantor will support her: Her brother, a teacher." in text
    assert "No lawyer is recorded for her." in text


def test_it_drafts_each_childs_situation(sokha, mother) -> None:
    text = drafted(mother)["children"]
    dara, vichet = text.split("\n\n")  # the eldest first
    assert vichet.startswith("Sok Vichet (Boy, 14 months old):")
    assert "Lives with her in Siem Reap Provincial Prison." in vichet
    # Born 15 January 2025: the limit is his third birthday (KOMAR_CHILD_STAY_LIMIT_MONTHS).
    assert "reached on 15 Jan 2028, in 666 days" in vichet
    assert "grows up in prison" in vichet
    assert dara.startswith("Sok Dara (Girl, 5 years and 9 months old):")
    assert "With a relative (Yim Sam, grandmother)." in dara
    assert "While she is detained the child is separated from her." in dara
    assert "012 345 678" not in text  # the carer's phone stays in the file


def test_a_child_past_the_age_limit_is_said_to_be(sokha, siem_reap) -> None:
    mother = register(sokha, siem_reap, children=[child_inside(born=dt.date(2022, 12, 1))])
    text = drafted(mother)["children"]
    assert "past the age limit for living in prison (1 Dec 2025)" in text


def test_it_drafts_the_care_alternatives_assessed(sokha, dara, vicheka, mother) -> None:
    vichet = mother.children.get(name_latin="Sok Vichet")
    child_dara = mother.children.get(name_latin="Sok Dara")
    assess(
        vichet,
        sokha,
        approve_by=dara,
        assessed_on=dt.date(2026, 3, 5),
        recommendation="with_mother",
        options_compared="With the mother; with the grandmother in Siem Reap.",
        recommendation_reasons="Private reasons",
    )
    assess(child_dara, sokha, assessed_on=dt.date(2026, 3, 6), recommendation="relative")
    determine(child_dara, dara, review_on=dt.date(2026, 9, 1))
    screen(
        mother,
        vicheka,
        care=[
            {"child": str(vichet.code), "arrangement": "no_one", "carer_name": "", "note": ""},
            {
                "child": str(child_dara.code),
                "arrangement": "grandparent",
                "carer_name": "Yim Sam",
                "note": "She is willing.",
            },
        ],
    )
    text = drafted(mother)["care"]
    dara_part, vichet_part, if_detained = text.split("\n\n")
    assert vichet_part.startswith("Sok Vichet:")
    assert "Counselling on 2 Mar 2026: Stays with the mother in the facility." in vichet_part
    assert "Who decided: The mother." in vichet_part
    assert "Best-interests assessment of 5 Mar 2026 (Approved)" in vichet_part
    assert "Options compared: With the mother; with the grandmother in Siem Reap." in vichet_part
    # A draft assessment is not an assessment of the alternatives yet.
    assert "6 Mar 2026" not in dara_part
    assert "With a named relative (Yim Sam)" in dara_part
    assert "Best-interests determination of 10 Feb 2026: With a named relative." in dara_part
    # Who would care for each child if she stays detained, from the screening's rows.
    assert "If she stays detained: A grandparent (Yim Sam). She is willing." in dara_part
    assert (
        "If she stays detained: No one identified. No suitable alternative care has been found "
        "for this child." in vichet_part
    )
    assert if_detained == "The grandmother cannot take the baby: she already cares for Dara."
    # Her own words, a decision's notes and the assessment's reasons stay in the file.
    assert "Private" not in text and "Secret" not in text


def test_it_drafts_her_health_and_pregnancy(sokha, vicheka, siem_reap) -> None:
    mother = register(
        sokha,
        siem_reap,
        is_pregnant=True,
        expected_delivery_date=dt.date(2026, 6, 10),
        children=[child_with_grandmother()],
    )
    screen(mother, vicheka, drug_treatment_need="yes")
    text = drafted(mother)["health"]
    assert "She is pregnant; the child is expected on 10 Jun 2026." in text
    assert "Anaemia, treated at the prison clinic." in text
    # Her need for drug treatment is the court's business only when the measure answers it.
    assert "drug" not in text
    Screening.objects.update(chosen=["judicial_supervision", "drug_treatment"])
    assert "She needs treatment for drug use" in drafted(mother)["health"]


def test_it_drafts_the_measure_proposed_with_the_obligations_she_can_meet(vicheka, mother) -> None:
    screen(mother, vicheka, chosen=["judicial_supervision", "drug_treatment"])
    text = drafted(mother)["measure"]
    assert text.split("\n\n") == [
        "The measures proposed: Release under judicial supervision; Referral to community drug "
        "treatment.",
        "A first offence, with a baby she breastfeeds.",
        "The obligations of judicial supervision she can meet: To live at a fixed address and "
        "not move without the judge's permission; To report to the police or gendarmerie unit "
        "the judge names",
        "Her mother's house; the commune police every week.",
    ]


def test_it_lists_the_obligations_in_the_language_of_the_report(vicheka, mother) -> None:
    """The sentence is Khmer, and each obligation is its label as the Khmer catalogue gives it
    (the labels' Khmer is in the translation fragment until the catalogue is compiled)."""
    screen(mother, vicheka, obligations=["report", "treatment"], obligations_note="")
    text = drafted(mother, "km")["measure"]
    with translation.override("km"):
        labels = [str(SupervisionObligation(c).label) for c in ("report", "treatment")]
        separator = translation.gettext("; ")
    assert text.endswith(
        "កាតព្វកិច្ចនៃការត្រួតពិនិត្យតាមផ្លូវតុលាការ ដែលគាត់អាចគោរពបាន៖ " + separator.join(labels)
    )


def test_a_child_with_no_one_to_care_is_named_in_the_khmer_report(vicheka, mother) -> None:
    vichet = mother.children.get(name_latin="Sok Vichet")
    row = {"child": str(vichet.code), "arrangement": "no_one", "carer_name": "", "note": ""}
    screen(mother, vicheka, care=[row])
    text = drafted(mother, "km")["care"]
    with translation.override("km"):
        no_one = str(CareArrangement.NO_ONE.label)
    # In the child's own paragraph, not in a note about all of them.
    assert no_one in next(p for p in text.split("\n\n") if no_one in p)
    assert len([p for p in text.split("\n\n") if no_one in p]) == 1


def test_it_drafts_from_her_latest_screening(vicheka, mother) -> None:
    screen(mother, vicheka, screened_on=dt.date(2026, 3, 1), chosen=["pardon"])
    screen(mother, vicheka, screened_on=dt.date(2026, 3, 18), chosen=["community_service"])
    assert drafted(mother)["measure"].startswith("The measure proposed: Community service.")


def test_without_a_screening_the_measure_is_left_to_the_author(mother) -> None:
    sections = drafted(mother)
    assert sections["measure"] == (
        "No screening has been recorded: write here the measure proposed."
    )
    assert "stable address" not in sections["circumstances"]


def test_it_cites_the_legal_grounds(vicheka, mother) -> None:
    screen(mother, vicheka, grounds_claimed=["appearance", "evidence"])
    text = drafted(mother)["grounds"]
    for citation in (
        "Code of Criminal Procedure (2007), arts. 203 to 205",
        "Judicial supervision: the investigating judge may release her under obligations",
        "Bangkok Rules 57 and 58",
        "Bangkok Rule 60",
        "Bangkok Rule 64",
        "Tokyo Rule 7",
        "Ministry of Justice guideline",
    ):
        assert citation in text
    assert (
        "The grounds for detention claimed (art. 205): To ensure she appears before the court; "
        "To preserve evidence." in text
    )


def test_it_leaves_confidential_facts_and_what_the_court_does_not_need_out(vicheka, mother) -> None:
    screen(mother, vicheka)
    for language in ("en", "km"):
        text = everything(drafted(mother, language))
        # Nelson Mandela Rule 28: nothing says the baby was born in custody.
        assert "born" not in text.lower(), language
        # Her words and the decisions' notes from counselling.
        assert "Private" not in text and "Secret" not in text, language
        # No identity or prison number, nothing of the offence beyond the charge.
        for private in ("ID-110223344", "FB-556677", "P-4471", "Old Market", "0.3 g"):
            assert private not in text, (language, private)
    assert set(drafted(mother)) == set(SECTION_KEYS)
    assert drafted(mother)["additional"] == ""


def test_it_drafts_in_the_report_language(sokha, vicheka, mother) -> None:
    screen(mother, vicheka)
    english = everything(drafted(mother, "en"))
    khmer = everything(drafted(mother, "km"))
    assert "Srey Sophea" in english and "ស្រី សុភា" not in english
    assert "ស្រី សុភា" in khmer and "Srey Sophea" not in khmer
    assert "សុខ វិចិត្រ" in khmer and "Sok Vichet" not in khmer
    with translation.override("km"):
        relative = translation.gettext("With a relative")
        pre_trial = translation.gettext("Pre-trial detention")
    assert relative != "With a relative" and relative in khmer
    assert pre_trial in khmer
    assert "មីនា" in khmer and "Mar" not in khmer  # the months in Khmer
    # The report's language is the draft's, whatever the author's own.
    vicheka.language = "en"
    report = start(mother, vicheka, language="km")
    assert "ស្រី សុភា" in report.sections["circumstances"]


def _queries(mother: Mother) -> int:
    with CaptureQueriesContext(connection) as captured:
        drafted(mother)
    return len(captured.captured_queries)


def test_it_drafts_in_the_same_number_of_queries_however_much_her_file_holds(
    sokha, dara, vicheka, siem_reap
) -> None:
    small = register(sokha, siem_reap, children=[child_inside()])
    large = register(sokha, siem_reap, name_latin="Chan Sophea", children=[child_inside()])
    for born in (dt.date(2025, 6, 1), dt.date(2021, 1, 1)):
        do_add_child(large, *child_inside(born=born), actor=sokha)
    for child in large.children.all():
        assess(child, sokha, approve_by=dara)
        determine(child, dara, review_on=dt.date(2026, 9, 1))
    for mother in (small, large):
        screen(mother, vicheka)
    do_change_mother(large, {"notes": "x"}, expected_version=large.version, actor=sokha)
    assert large.children.count() == 3
    assert _queries(small) == _queries(large)
