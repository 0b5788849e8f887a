"""Removing a document attached by mistake: a written reason, the row kept and hidden
everywhere, its file deleted from disk once the removal commits, and the removal audited
without the reason's text."""

import datetime as dt
import json

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from komar.accounts.models import CASE_WRITE_ROLES, Role
from komar.audit.models import AuditEntry
from komar.cases.actions import InvalidAction
from komar.casework import files
from komar.casework.actions import do_remove_document
from komar.casework.models import Document
from komar.casework.sections import DOCUMENTS_SHOWN
from komar.casework.tests.factories import attach, png_bytes
from komar.conftest import client_for

REASON = "Another woman's ID card: Chan Thida's, scanned with hers."


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def card(sokha, sophea):
    return attach(sophea, sokha, kind="national_id", dated_on=dt.date(2026, 2, 1))


def url(document):
    return reverse("casework:document_remove", args=[document.code])


def removals(document):
    return AuditEntry.objects.filter(object_code=str(document.code), action="delete")


def test_the_page_names_the_document_and_asks_why(sokha, sophea, card) -> None:
    response = client_for(sokha).get(url(card), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Remove a document</h1>" in html
    assert "National ID card" in html and "1 Feb 2026" in html
    assert 'name="reason"' in html and "Why it is removed" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Remove the document" in html
    assert f'href="{sophea.get_absolute_url()}"' in html  # cancel: back to her file
    # The page names the document: opening it is a view of her file, and changes nothing.
    view = AuditEntry.objects.get(object_code=str(card.code), action="view")
    assert view.actor == sokha and view.mother == sophea and view.ip_address == "10.1.2.3"
    card.refresh_from_db()
    assert card.removed_at is None
    assert files.exists(card.storage_name)


def test_it_removes_the_document_keeps_the_row_and_deletes_the_file(
    sokha, sophea, card, django_capture_on_commit_callbacks
) -> None:
    path = files.path_of(card.storage_name)
    assert path.is_file()
    client = client_for(sokha)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url(card), {"reason": REASON}, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    assert response.url == sophea.get_absolute_url()
    assert len(callbacks) == 1
    card.refresh_from_db()
    assert card.removed_at == dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC)
    assert card.removed_by == sokha and card.removal_reason == REASON
    # The row is kept, with what it was; only the file's bytes are gone.
    assert card.sha256 and card.size and card.uploaded_by == sokha
    assert not path.exists()
    entry = removals(card).get()
    assert entry.actor == sokha and entry.mother == sophea and entry.ip_address == "10.1.2.3"
    assert entry.object_type == "casework.document"
    assert entry.fields == ["removal_reason", "removed_at"]
    # Never the reason's text, nor any part of it, in the audit.
    audit = json.dumps(list(AuditEntry.objects.values()), default=str)
    assert "Thida" not in audit and "scanned" not in audit
    assert "Document removed." in client.get(response.url).content.decode()


def test_the_file_stays_until_the_removal_commits(
    sokha, card, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        do_remove_document(card, reason=REASON, actor=sokha)
        assert files.exists(card.storage_name)
    assert len(callbacks) == 1
    assert files.exists(card.storage_name)  # not committed yet: the bytes are still there
    callbacks[0]()
    assert not files.exists(card.storage_name)


def test_a_removal_rolled_back_keeps_the_document_and_its_file(
    sokha, card, django_capture_on_commit_callbacks
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        do_remove_document(card, reason=REASON, actor=sokha)
        raise RuntimeError("the caller's transaction fails")
    assert callbacks == []
    card.refresh_from_db()
    assert card.removed_at is None and card.removal_reason == ""
    assert files.exists(card.storage_name)
    assert not removals(card).exists()


@pytest.mark.parametrize("reason", ["", "   \n  "])
def test_a_reason_is_required(sokha, card, reason, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(sokha).post(url(card), {"reason": reason})
    assert response.status_code == 200
    html = response.content.decode()
    assert "This field is required." in html and "1 answer needs correcting" in html
    card.refresh_from_db()
    assert card.removed_at is None
    assert files.exists(card.storage_name)
    assert not removals(card).exists()


def test_the_reason_is_bounded(sokha, card) -> None:
    response = client_for(sokha).post(url(card), {"reason": "x" * 1001})
    assert response.status_code == 200
    card.refresh_from_db()
    assert card.removed_at is None
    assert 'maxlength="1000"' in client_for(sokha).get(url(card)).content.decode()


def test_a_removed_document_is_shown_nowhere_and_cannot_be_opened(
    sokha, dara, sophea, django_capture_on_commit_callbacks
) -> None:
    child = sophea.children.get(name_latin="Sok Vichet")
    kept = attach(sophea, sokha, kind="court_papers")
    mistaken = attach(sophea, sokha, png_bytes(), child=child, kind="birth_certificate")
    with django_capture_on_commit_callbacks(execute=True):
        do_remove_document(mistaken, reason=REASON, actor=sokha)
    for user in (sokha, dara):
        client = client_for(user)
        pages = [
            sophea.get_absolute_url(),  # her file: the documents section and the timeline
            child.get_absolute_url(),
            reverse("casework:document_list", args=[sophea.code]),
            reverse("casework:document_list", args=[sophea.code]) + f"?child={child.code}",
        ]
        for page in pages:
            html = client.get(page).content.decode()
            assert str(mistaken.code) not in html, page
            assert "Birth certificate" not in html, page
        assert str(kept.code) in client.get(sophea.get_absolute_url()).content.decode()
        file_url = reverse("casework:document_file", args=[mistaken.code])
        assert client.get(file_url).status_code == 404
        assert client.get(url(mistaken)).status_code == 404
        assert client.post(url(mistaken), {"reason": "again"}).status_code == 404
    assert removals(mistaken).count() == 1
    assert not AuditEntry.objects.filter(object_code=str(mistaken.code), action="view").exists()


def test_a_removed_document_no_longer_counts_towards_the_link_to_all(sokha, sophea) -> None:
    documents = [attach(sophea, sokha) for _ in range(DOCUMENTS_SHOWN + 1)]
    link = reverse("casework:document_list", args=[sophea.code])
    client = client_for(sokha)
    assert f'href="{link}"' in client.get(sophea.get_absolute_url()).content.decode()
    do_remove_document(documents[0], reason=REASON, actor=sokha)
    assert f'href="{link}"' not in client.get(sophea.get_absolute_url()).content.decode()


def test_a_childs_document_goes_back_to_the_childs_page(sokha, sophea) -> None:
    child = sophea.children.get(name_latin="Sok Vichet")
    document = attach(sophea, sokha, png_bytes(), child=child)
    page = client_for(sokha).get(url(document)).content.decode()
    assert f'href="{child.get_absolute_url()}"' in page and "Sok Vichet" in page
    response = client_for(sokha).post(url(document), {"reason": REASON})
    assert response.url == child.get_absolute_url()


def test_each_document_offers_removal_to_case_writers_only(
    monkeypatch, sokha, dara, sophea, card
) -> None:
    """No role reads a file without writing it any more (the facility monitor reads none): the
    test takes writing away from the supervisor's role to see that a reader gets no link."""
    link = f'href="{url(card)}"'
    pages = [sophea.get_absolute_url(), reverse("casework:document_list", args=[sophea.code])]
    for page in pages:
        assert link in client_for(sokha).get(page).content.decode(), page
    monkeypatch.setattr(
        "komar.accounts.models.CASE_WRITE_ROLES", CASE_WRITE_ROLES - {Role.SUPERVISOR}
    )
    for page in pages:
        response = client_for(dara).get(page)
        assert response.status_code == 200, page
        assert link not in response.content.decode(), page


def test_the_removal_shows_in_her_files_history_without_the_reason(dara, sokha, sophea, card):
    do_remove_document(card, reason=REASON, actor=sokha)
    html = client_for(dara).get(sophea.get_absolute_url()).content.decode()
    assert "why it was removed, removed on" in html
    assert "Thida" not in html


def test_a_post_without_the_csrf_token_is_refused(sokha, card) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(sokha)
    assert client.post(url(card), {"reason": REASON}).status_code == 403
    card.refresh_from_db()
    assert card.removed_at is None


def test_a_worker_of_another_organisation_outside_her_scope_cannot_remove_it(
    outsider, card
) -> None:
    assert client_for(outsider).post(url(card), {"reason": REASON}).status_code == 404
    card.refresh_from_db()
    assert card.removed_at is None
    assert files.exists(card.storage_name)


def test_the_action_refuses_a_second_removal_and_an_empty_reason(sokha, card) -> None:
    with pytest.raises(InvalidAction):
        do_remove_document(card, reason="  ", actor=sokha)
    do_remove_document(card, reason=REASON, actor=sokha)
    with pytest.raises(InvalidAction):
        do_remove_document(card, reason="Again.", actor=sokha)
    assert Document.objects.get().removal_reason == REASON
    assert removals(card).count() == 1


def test_a_file_that_cannot_be_deleted_leaves_the_removal_standing(
    sokha, card, monkeypatch, django_capture_on_commit_callbacks, caplog
) -> None:
    def broken(name):
        raise PermissionError("read-only disk")

    monkeypatch.setattr(files, "remove", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(sokha).post(url(card), {"reason": REASON})
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.removed_at is not None
    assert "read-only disk" in caplog.text
    # Its bytes are still on disk, but nobody can open them through Komar.
    assert client_for(sokha).get(card.get_absolute_url()).status_code == 404


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_on_a_real_commit_the_file_goes_and_on_a_rollback_it_stays(sokha, sophea) -> None:
    first, second = attach(sophea, sokha), attach(sophea, sokha)
    do_remove_document(first, reason=REASON, actor=sokha)  # its own transaction, committed
    assert not files.exists(first.storage_name)
    with pytest.raises(RuntimeError), transaction.atomic():
        do_remove_document(second, reason=REASON, actor=sokha)
        raise RuntimeError("the caller's transaction fails")
    assert files.exists(second.storage_name)
    second.refresh_from_db()
    assert second.removed_at is None
