"""All her case notes, in full, a page at a time: a view of her file."""

import datetime as dt

import pytest
from django.urls import reverse

from komar.audit.models import AuditEntry
from komar.casework.tests.factories import note
from komar.conftest import client_for


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC), tick=False)


def url(mother):
    return reverse("casework:note_list", args=[mother.code])


def test_it_lists_every_note_in_full_newest_first_and_is_audited(sokha, sophea) -> None:
    long_text = "ពិភាក្សា " * 300
    old = note(sophea, sokha, held_on=dt.date(2026, 1, 20), discussed=long_text)
    new = note(sophea, sokha, held_on=dt.date(2026, 3, 1))
    html = client_for(sokha).get(url(sophea), REMOTE_ADDR="10.1.2.3").content.decode()
    assert html.index(str(new.code)) < html.index(str(old.code))
    assert long_text.strip() in html  # not cut short, unlike on the file
    entry = AuditEntry.objects.get(action="view", object_code=str(sophea.code))
    assert entry.actor == sokha and entry.ip_address == "10.1.2.3"


def test_it_pages_the_notes(sokha, sophea, settings) -> None:
    settings.KOMAR_CASES_PER_PAGE = 2
    notes = [note(sophea, sokha, held_on=dt.date(2026, 3, 1) + dt.timedelta(i)) for i in range(5)]
    client = client_for(sokha)
    first = client.get(url(sophea)).content.decode()
    assert "Page 1 of 3" in first
    assert str(notes[4].code) in first and str(notes[2].code) not in first
    last = client.get(url(sophea), {"page": "3"}).content.decode()
    assert str(notes[0].code) in last
    assert client.get(url(sophea), {"page": "x"}).status_code == 200


def test_it_shows_the_notes_about_one_child(sokha, sophea) -> None:
    child = sophea.children.get(name_latin="Sok Vichet")
    hers = note(sophea, sokha)
    childs = note(sophea, sokha, child=child)
    html = client_for(sokha).get(url(sophea), {"child": str(child.code)}).content.decode()
    assert "Case notes about this child" in html
    assert str(childs.code) in html and str(hers.code) not in html
