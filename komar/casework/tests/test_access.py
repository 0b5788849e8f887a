"""The standard access tests for every casework view."""

import pytest
from django.urls import reverse

from komar.accounts.models import Role
from komar.audit.models import AuditEntry
from komar.casework.models import CaseNote
from komar.casework.tests.factories import attach, note
from komar.conftest import client_for, make_user

MISSING = "00000000-0000-0000-0000-000000000000"


@pytest.fixture
def records(sokha, sophea):
    return {"note": note(sophea, sokha), "document": attach(sophea, sokha)}


def all_urls(sophea, records):
    """(url name, url, methods the view accepts)."""
    note_code, document_code = records["note"].code, records["document"].code
    return [
        ("casework:note_list", reverse("casework:note_list", args=[sophea.code]), {"GET"}),
        ("casework:note_new", reverse("casework:note_new", args=[sophea.code]), {"GET", "POST"}),
        ("casework:note_edit", reverse("casework:note_edit", args=[note_code]), {"GET", "POST"}),
        ("casework:document_list", reverse("casework:document_list", args=[sophea.code]), {"GET"}),
        (
            "casework:document_new",
            reverse("casework:document_new", args=[sophea.code]),
            {"GET", "POST"},
        ),
        (
            "casework:document_file",
            reverse("casework:document_file", args=[document_code]),
            {"GET"},
        ),
        (
            "casework:document_remove",
            reverse("casework:document_remove", args=[document_code]),
            {"GET", "POST"},
        ),
    ]


def test_it_sends_anonymous_users_to_login(client, sophea, records) -> None:
    for _, url, methods in all_urls(sophea, records):
        for method in methods:
            response = getattr(client, method.lower())(url)
            assert response.status_code == 302, (method, url)
            assert response.url.startswith(reverse("login")), url


def test_it_gives_the_outsider_404_for_every_record(outsider, sophea, records) -> None:
    client = client_for(outsider)
    for _, url, methods in all_urls(sophea, records):
        for method in methods:
            response = getattr(client, method.lower())(url)
            assert response.status_code == 404, (method, url)


def test_it_refuses_the_researcher_before_any_lookup(researcher, sophea, records) -> None:
    client = client_for(researcher)
    for name, url, methods in all_urls(sophea, records):
        for method in methods:
            assert getattr(client, method.lower())(url).status_code == 403, (method, url)
        missing = reverse(name, args=[MISSING])
        assert client.get(missing).status_code == 403, name


def test_it_opens_none_of_it_to_the_facility_monitor(monitor, sophea, records) -> None:
    """She never opens a woman's file, so none of its notes and documents: every view is a 403
    on GET and POST, before any lookup, and nothing is written or logged.

    No read-only reader remains: every role that reads a file may also write notes and attach
    documents to it."""
    client = client_for(monitor)
    entries = AuditEntry.objects.count()
    for name, url, methods in all_urls(sophea, records):
        for method in ("GET", "POST"):
            expected = 403 if method in methods else 405
            response = getattr(client, method.lower())(url)
            assert response.status_code == expected, (method, url)
        assert client.get(reverse(name, args=[MISSING])).status_code == 403, name
    assert AuditEntry.objects.count() == entries
    assert CaseNote.objects.get() == records["note"]
    records["note"].refresh_from_db()
    assert records["note"].version == 1
    records["document"].refresh_from_db()
    assert records["document"].removed_at is None


def test_it_refuses_wrong_methods(sokha, sophea, records) -> None:
    client = client_for(sokha)
    for _, url, methods in all_urls(sophea, records):
        if "POST" not in methods:
            assert client.post(url).status_code == 405, url
        assert client.put(url).status_code == 405, url
        assert client.delete(url).status_code == 405, url


def test_it_answers_404_for_unknown_codes(sokha) -> None:
    client = client_for(sokha)
    for name in [
        "casework:note_list",
        "casework:note_new",
        "casework:note_edit",
        "casework:document_list",
        "casework:document_new",
        "casework:document_file",
        "casework:document_remove",
    ]:
        assert client.get(reverse(name, args=[MISSING])).status_code == 404, name


def test_another_organisation_in_her_scope_reads_and_writes_but_corrects_only_its_own(
    prison_department, siem_reap, sokha, sophea, records
) -> None:
    # A social worker of the prison department sees the women held in her facility.
    worker = make_user("chenda", prison_department, Role.SOCIAL_WORKER, [siem_reap])
    client = client_for(worker)
    for name, url, _methods in all_urls(sophea, records):
        if name != "casework:note_edit":
            assert client.get(url).status_code == 200, url
    # Sokha's note is her organisation's record: another organisation reads it, never corrects it.
    edit = reverse("casework:note_edit", args=[records["note"].code])
    assert client.get(edit).status_code == 403
    assert client.post(edit).status_code == 403
    own = note(sophea, worker)
    assert client.get(reverse("casework:note_edit", args=[own.code])).status_code == 200
    assert client_for(sokha).get(reverse("casework:note_edit", args=[own.code])).status_code == 403


def test_her_supervisor_corrects_a_note_of_her_organisation(dara, records) -> None:
    url = reverse("casework:note_edit", args=[records["note"].code])
    assert client_for(dara).get(url).status_code == 200


def test_a_deactivated_worker_is_refused(sokha, sophea, records) -> None:
    client = client_for(sokha)
    sokha.is_active = False
    sokha.save(update_fields=["is_active"])
    for _, url, _methods in all_urls(sophea, records):
        assert client.get(url).status_code == 302, url
