"""The demo's case notes: a few per counselled woman, deterministic, within the date rules."""

import io

import pytest
from django.core.management import call_command

from komar.casework.actions import note_problems
from komar.casework.models import CaseNote, Document
from komar.counselling.models import CounsellingSession

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def notes() -> list[tuple[str, str, str, str]]:
    return sorted(
        (str(n.code), n.held_on.isoformat(), n.kind, n.discussed) for n in CaseNote.objects.all()
    )


def test_counselled_women_have_a_few_notes_by_their_counsellor_within_the_rules() -> None:
    output = seed("--seed", "3", "--size", "80")
    assert "case notes" in output
    counselled = set(CounsellingSession.objects.values_list("mother_id", flat=True))
    written = CaseNote.objects.select_related("mother", "child", "mother__latest_episode")
    assert written.exists()
    assert {n.mother_id for n in written} <= counselled
    counsellors = set(CounsellingSession.objects.values_list("mother_id", "counsellor_id"))
    for note in written:
        assert (note.mother_id, note.author_id) in counsellors
        assert note_problems(note.mother, held_on=note.held_on, child=note.child) == []
        assert note.child is None or note.child.mother_id == note.mother_id
    assert not Document.objects.exists()


def test_the_same_seed_gives_the_same_notes() -> None:
    seed("--seed", "5", "--size", "40")
    first = notes()
    seed("--seed", "5", "--size", "40", "--flush")
    assert notes() == first
    seed("--seed", "6", "--size", "40", "--flush")
    assert notes() != first
