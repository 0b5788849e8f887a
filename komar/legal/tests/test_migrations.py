"""The migrations that made the obligations and the care of the children structured: what was
typed before goes, word for word, into the notes beside the new choices (0006), and back again
if the migration is reversed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from komar.accounts.models import User
from komar.cases.models import Mother

# Transactional: the migrations run outside a test transaction. Tests of this kind run after the
# others, on a database that an earlier one may have flushed: `reference_data` seeds it again.
pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("legal", "0005_structured_obligations_and_care")]
MOVED = [("legal", "0006_move_text_to_notes")]


def migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.fixture
def at_0005() -> Iterator[Any]:
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("legal")
    try:
        yield migrate(BEFORE)
    finally:
        migrate(latest)


def test_the_free_text_moves_into_the_notes_and_back(
    reference_data: None, at_0005: Any, vicheka: User, sophea: Mother
) -> None:
    old = at_0005
    Screening = old.get_model("legal", "Screening")
    Application = old.get_model("legal", "Application")
    LegalCase = old.get_model("legal", "LegalCase")
    episode_id = sophea.latest_episode_id
    screening = Screening.objects.create(
        mother_id=sophea.pk,
        episode_id=episode_id,
        screened_on=dt.date(2026, 3, 18),
        screened_by_id=vicheka.pk,
        stable_address="yes",
        guarantor="no",
        drug_treatment_need="no",
        care_if_detained="Sok Vichet: nobody.\nSok Dara: her grandmother.",
        obligations_she_can_meet="Report to the police every Monday.",
    )
    blank = Screening.objects.create(
        mother_id=sophea.pk,
        episode_id=episode_id,
        screened_on=dt.date(2026, 3, 19),
        screened_by_id=vicheka.pk,
        stable_address="no",
        guarantor="no",
        drug_treatment_need="no",
    )
    case = LegalCase.objects.create(episode_id=episode_id, mother_id=sophea.pk)
    application = Application.objects.create(
        legal_case_id=case.pk,
        kind="judicial_supervision",
        filed_on=dt.date(2026, 3, 1),
        outcome="granted",
        decided_on=dt.date(2026, 3, 18),
        obligations="Live at her mother's house; report monthly.",
        recorded_by_id=vicheka.pk,
    )

    moved = migrate(MOVED)
    screening = moved.get_model("legal", "Screening").objects.get(pk=screening.pk)
    assert screening.care_note == "Sok Vichet: nobody.\nSok Dara: her grandmother."
    assert screening.obligations_note == "Report to the police every Monday."
    assert screening.care == [] and screening.obligations == []  # no choice is guessed
    blank = moved.get_model("legal", "Screening").objects.get(pk=blank.pk)
    assert blank.care_note == "" and blank.obligations_note == ""
    application = moved.get_model("legal", "Application").objects.get(pk=application.pk)
    assert application.obligations_note == "Live at her mother's house; report monthly."
    assert application.obligation_codes == []

    back = migrate(BEFORE)
    screening = back.get_model("legal", "Screening").objects.get(pk=screening.pk)
    assert screening.obligations_she_can_meet == "Report to the police every Monday."
    assert screening.care_if_detained == "Sok Vichet: nobody.\nSok Dara: her grandmother."
    application = back.get_model("legal", "Application").objects.get(pk=application.pk)
    assert application.obligations == "Live at her mother's house; report monthly."


@pytest.mark.django_db  # the data as the migrations left it (the test above flushes it)
def test_the_seeded_source_of_the_petty_offence_limit_is_corrected() -> None:
    from komar.legal.models import LegalLimit

    source = LegalLimit.objects.get(offence_class="petty").source
    assert "art. 204" in source and "one year or more" in source
