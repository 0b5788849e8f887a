"""Case notes and documents on her file, on the child's page and on her timeline, each section
loaded in a fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from komar.accounts.models import CASE_WRITE_ROLES, Role
from komar.casework.sections import DOCUMENTS_SHOWN, NOTES_SHOWN
from komar.casework.tests.factories import attach, note, png_bytes
from komar.conftest import client_for, register


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC), tick=False)


def _queries(client, url: str) -> int:
    client.get(url)  # the first request of a session also marks it active
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def _fill(mother, sokha, count: int) -> None:
    """`count` notes and documents about her and each child."""
    children = list(mother.children.all())
    for i in range(count):
        for about in [None, *children]:
            day = dt.date(2026, 2, 1) + dt.timedelta(days=i)
            note(mother, sokha, held_on=day, child=about)
            attach(mother, sokha, png_bytes(), child=about, dated_on=day)


def test_her_file_takes_the_same_number_of_queries_however_many_notes_and_documents(
    sokha, siem_reap
) -> None:
    from komar.conftest import child_inside, child_with_grandmother

    small = register(sokha, siem_reap, children=[child_inside()])
    large = register(
        sokha,
        siem_reap,
        name_latin="Chan Sophea",
        children=[child_inside(), child_with_grandmother()],
    )
    _fill(small, sokha, 1)
    _fill(large, sokha, 8)
    client = client_for(sokha)
    assert _queries(client, small.get_absolute_url()) == _queries(client, large.get_absolute_url())


def test_the_childs_page_takes_the_same_number_of_queries(sokha, siem_reap) -> None:
    from komar.conftest import child_inside

    small = register(sokha, siem_reap, children=[child_inside()])
    large = register(sokha, siem_reap, name_latin="Chan Sophea", children=[child_inside()])
    _fill(small, sokha, 1)
    _fill(large, sokha, 12)
    client = client_for(sokha)
    assert _queries(client, small.children.get().get_absolute_url()) == _queries(
        client, large.children.get().get_absolute_url()
    )


def test_the_lists_take_the_same_number_of_queries(sokha, siem_reap) -> None:
    from komar.conftest import child_inside

    small = register(sokha, siem_reap, children=[child_inside()])
    large = register(sokha, siem_reap, name_latin="Chan Sophea", children=[child_inside()])
    _fill(small, sokha, 1)
    _fill(large, sokha, 15)
    client = client_for(sokha)
    for name in ("casework:note_list", "casework:document_list"):
        assert _queries(client, reverse(name, args=[small.code])) == _queries(
            client, reverse(name, args=[large.code])
        ), name


def test_her_file_shows_the_newest_notes_and_links_to_all(sokha, sophea) -> None:
    child = sophea.children.get(name_latin="Sok Vichet")
    notes = [
        note(sophea, sokha, held_on=dt.date(2026, 3, 1) + dt.timedelta(days=i), discussed=f"N{i}")
        for i in range(NOTES_SHOWN + 2)
    ]
    about_child = note(sophea, sokha, held_on=dt.date(2026, 3, 19), child=child, kind="meeting")
    html = client_for(sokha).get(sophea.get_absolute_url()).content.decode()
    section = html[html.index('id="notes"') : html.index('id="documents"')]
    shown = [n for n in notes if str(n.code) in section]
    assert len(shown) == NOTES_SHOWN - 1  # with the note about the child, the newest
    assert section.index(str(about_child.code)) < section.index(str(notes[-1].code))
    assert "about Sok Vichet" in section
    assert "All 8 case notes, in full" in section
    assert reverse("casework:note_list", args=[sophea.code]) in section
    assert reverse("casework:note_new", args=[sophea.code]) in section
    assert f'href="{reverse("casework:note_edit", args=[notes[-1].code])}"' in section
    # On her timeline too.
    timeline = html[html.index('id="timeline"') :]
    assert "Case note: Visit" in timeline
    assert "Case note about Sok Vichet: Meeting" in timeline


def test_the_childs_page_shows_only_the_notes_and_documents_about_the_child(sokha, sophea) -> None:
    child = sophea.children.get(name_latin="Sok Vichet")
    hers = note(sophea, sokha, discussed="About her")
    childs = note(sophea, sokha, child=child, discussed="About him")
    her_card = attach(sophea, sokha)
    certificate = attach(sophea, sokha, png_bytes(), child=child, kind="birth_certificate")
    html = client_for(sokha).get(child.get_absolute_url()).content.decode()
    assert str(childs.code) in html and str(hers.code) not in html
    assert str(certificate.code) in html and str(her_card.code) not in html
    assert f"{reverse('casework:note_new', args=[sophea.code])}?child={child.code}" in html
    assert f"{reverse('casework:document_new', args=[sophea.code])}?child={child.code}" in html
    # Her file lists both, naming the child.
    file_html = client_for(sokha).get(sophea.get_absolute_url()).content.decode()
    assert str(certificate.code) in file_html and str(her_card.code) in file_html


def test_her_file_caps_the_documents_and_links_to_all(sokha, sophea) -> None:
    for i in range(DOCUMENTS_SHOWN + 1):
        attach(sophea, sokha, dated_on=dt.date(2026, 1, 1) + dt.timedelta(days=i))
    html = client_for(sokha).get(sophea.get_absolute_url()).content.decode()
    section = html[html.index('id="documents"') : html.index('id="consent"')]
    assert section.count("data-document=") == DOCUMENTS_SHOWN
    assert reverse("casework:document_list", args=[sophea.code]) in section


def test_a_reader_who_may_not_write_sees_no_write_links(monkeypatch, dara, sokha, sophea) -> None:
    """No role reads a file without writing it any more (the facility monitor reads none), but
    the sections still offer their links only to those who may write: so the test takes writing
    away from the supervisor's role."""
    written = note(sophea, sokha)
    document = attach(sophea, sokha)
    monkeypatch.setattr(
        "komar.accounts.models.CASE_WRITE_ROLES", CASE_WRITE_ROLES - {Role.SUPERVISOR}
    )
    assert dara.can_read_cases and not dara.can_write_cases
    html = client_for(dara).get(sophea.get_absolute_url()).content.decode()
    assert str(written.code) in html and str(document.code) in html
    assert reverse("casework:document_remove", args=[document.code]) not in html
    assert reverse("casework:note_new", args=[sophea.code]) not in html
    assert reverse("casework:document_new", args=[sophea.code]) not in html
    assert reverse("casework:note_edit", args=[written.code]) not in html


def test_an_empty_file_says_what_to_do(sokha, sophea) -> None:
    html = client_for(sokha).get(sophea.get_absolute_url()).content.decode()
    assert "No case notes yet: write one after each visit, call or meeting." in html
    assert "No documents attached yet." in html
