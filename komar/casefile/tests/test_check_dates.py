"""`check_dates` (komar/casefile/integrity.py) checks case notes and documents like every other
record: a date written around the rules is reported, by codes only, in a fixed number of
queries per batch of women."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from komar.casefile import integrity
from komar.casefile.integrity import Broken, find_broken
from komar.casework.actions import do_remove_document
from komar.casework.models import CaseNote, Document
from komar.casework.tests.factories import attach, note
from komar.conftest import child_inside, child_with_grandmother, register

BEFORE_HER_BIRTH = dt.date(1990, 1, 1)  # she was born on 2 March 1995


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture(autouse=True)
def documents_dir(tmp_path, settings):
    settings.KOMAR_DOCUMENTS_DIR = tmp_path / "documents"
    return settings.KOMAR_DOCUMENTS_DIR


def broken_of(mother):
    return set(find_broken([mother.pk]))


def test_a_woman_with_right_notes_and_documents_has_nothing_reported(sokha, sophea) -> None:
    child = sophea.children.get(name_latin="Sok Vichet")
    note(sophea, sokha)
    note(sophea, sokha, child=child)
    attach(sophea, sokha)
    attach(sophea, sokha, child=child)
    attach(sophea, sokha, kind="family_book", dated_on=BEFORE_HER_BIRTH)  # the household's
    assert broken_of(sophea) == set()


def test_a_note_dated_before_her_birth_is_reported(sokha, sophea) -> None:
    written = note(sophea, sokha)
    CaseNote.objects.filter(pk=written.pk).update(held_on=BEFORE_HER_BIRTH)
    assert broken_of(sophea) == {
        Broken(str(sophea.code), "CaseNote", str(written.code), "before_born")
    }


def test_a_note_about_a_child_dated_before_the_childs_birth_is_reported(sokha, sophea) -> None:
    child = sophea.children.get(name_latin="Sok Vichet")  # born 15 January 2025
    written = note(sophea, sokha, child=child)
    CaseNote.objects.filter(pk=written.pk).update(held_on=dt.date(2024, 12, 1))
    assert broken_of(sophea) == {
        Broken(str(sophea.code), "CaseNote", str(written.code), "before_child_born")
    }


def test_a_note_before_1900_is_reported(sokha, sophea) -> None:
    written = note(sophea, sokha)
    CaseNote.objects.filter(pk=written.pk).update(held_on=dt.date(1800, 1, 1))
    assert {b.kind for b in broken_of(sophea)} == {"before_1900"}


def test_a_document_dated_before_her_birth_is_reported(sokha, sophea) -> None:
    document = attach(sophea, sokha, kind="national_id")
    Document.objects.filter(pk=document.pk).update(dated_on=BEFORE_HER_BIRTH)
    assert broken_of(sophea) == {
        Broken(str(sophea.code), "Document", str(document.code), "before_born")
    }


def test_a_childs_document_dated_before_the_childs_birth_is_reported(sokha, sophea) -> None:
    child = sophea.children.get(name_latin="Sok Vichet")
    document = attach(sophea, sokha, child=child)
    Document.objects.filter(pk=document.pk).update(dated_on=dt.date(2024, 12, 1))
    assert broken_of(sophea) == {
        Broken(str(sophea.code), "Document", str(document.code), "before_child_born")
    }


def test_a_family_book_older_than_her_is_not_reported_but_one_before_1900_is(sokha, sophea) -> None:
    book = attach(sophea, sokha, kind="family_book")
    Document.objects.filter(pk=book.pk).update(dated_on=BEFORE_HER_BIRTH)
    assert broken_of(sophea) == set()
    Document.objects.filter(pk=book.pk).update(dated_on=dt.date(1850, 1, 1))
    assert {b.kind for b in broken_of(sophea)} == {"before_1900"}


def test_a_removed_document_is_not_checked(sokha, sophea) -> None:
    document = attach(sophea, sokha)
    Document.objects.filter(pk=document.pk).update(dated_on=BEFORE_HER_BIRTH)
    do_remove_document(document, reason="Another woman's card.", actor=sokha)
    assert broken_of(sophea) == set()


def test_the_command_lists_a_broken_note_by_its_codes_only(sokha, sophea) -> None:
    written = note(sophea, sokha, participants="She and her sister Srey Mao")
    CaseNote.objects.filter(pk=written.pk).update(held_on=BEFORE_HER_BIRTH)
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 records break a date rule"):
        call_command("check_dates", stdout=out)
    assert out.getvalue() == f"{sophea.code} CaseNote {written.code} before_born\n"


def _fill(mother, actor, count):
    """`count` notes and documents about her and about each of her children."""
    for i in range(count):
        for child in [None, *mother.children.all()]:
            day = dt.date(2026, 2, 1) + dt.timedelta(days=i)
            note(mother, actor, held_on=day, child=child)
            attach(mother, actor, child=child, dated_on=day)


def _queries(ids) -> int:
    with CaptureQueriesContext(connection) as captured:
        list(find_broken(ids))
    return len(captured.captured_queries)


def test_the_queries_per_batch_stay_fixed_however_many_notes_and_documents(
    sokha, siem_reap, monkeypatch
) -> None:
    monkeypatch.setattr(integrity, "BATCH", 2)
    women = [
        register(sokha, siem_reap, name_latin=f"Woman {n}", children=[child_inside()])
        for n in range(4)
    ]
    ids = [w.pk for w in women]
    _fill(women[0], sokha, 1)
    one_batch = _queries(ids[:2])
    # Many more notes and documents, and another child, in the same batch: the same queries.
    _fill(women[1], sokha, 6)
    more = register(
        sokha, siem_reap, name_latin="Woman 4", children=[child_inside(), child_with_grandmother()]
    )
    _fill(more, sokha, 3)
    assert _queries(ids[:2]) == one_batch
    assert _queries([ids[0], more.pk]) == one_batch
    # Twice the women, twice the batches: twice the queries.
    _fill(women[2], sokha, 2)
    assert _queries(ids) == 2 * one_batch
    # The notes and documents are read in the batch, never woman by woman.
    with CaptureQueriesContext(connection) as captured:
        list(find_broken(ids))
    tables = [q["sql"] for q in captured.captured_queries]
    assert sum('"casework_casenote"' in sql for sql in tables) == 2
    assert sum('"casework_document"' in sql for sql in tables) == 2
