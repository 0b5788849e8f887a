"""The standard access tests for every counselling view."""

import datetime as dt

import pytest
from django.urls import reverse

from komar.audit.models import AuditEntry
from komar.conftest import client_for
from komar.counselling.actions import do_record_session
from komar.counselling.models import CounsellingSession

MISSING = "00000000-0000-0000-0000-000000000000"


@pytest.fixture
def session(sokha, sophea):
    child = sophea.children.get(name_latin="Sok Vichet")
    return do_record_session(
        sophea,
        {"held_on": dt.date(2026, 3, 2), "stage": "in_custody", "review_on": dt.date(2026, 6, 1)},
        factors=[],
        main_factor=None,
        decisions=[
            {
                "child": child,
                "decision": "with_mother",
                "decided_by": "mother",
                "carer_name": "",
                "notes": "",
            }
        ],
        actor=sokha,
    )


def record_urls(sophea, session):
    """Views of a woman's records: (url, methods the view accepts)."""
    return [
        (reverse("counselling:session_new", args=[sophea.code]), {"GET", "POST"}),
        (reverse("counselling:session_detail", args=[session.code]), {"GET"}),
        (reverse("counselling:session_edit", args=[session.code]), {"GET", "POST"}),
        (reverse("counselling:session_summary_pdf", args=[session.code]), {"GET"}),
    ]


def sheet_url(facility):
    return reverse("counselling:facility_sheet_pdf", args=[facility.code])


def test_it_sends_anonymous_users_to_login(client, sophea, session, siem_reap) -> None:
    urls = [url for url, _ in record_urls(sophea, session)] + [sheet_url(siem_reap)]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_it_gives_the_outsider_404_for_every_record(outsider, sophea, session) -> None:
    client = client_for(outsider)
    for url, methods in record_urls(sophea, session):
        for method in methods:
            response = getattr(client, method.lower())(url)
            assert response.status_code == 404, (method, url)


def test_it_refuses_the_researcher_before_any_lookup(researcher, sophea, session, siem_reap):
    client = client_for(researcher)
    for url, _ in record_urls(sophea, session):
        assert client.get(url).status_code == 403, url
    assert client.get(sheet_url(siem_reap)).status_code == 403
    for name in (
        "session_new",
        "session_detail",
        "session_edit",
        "session_summary_pdf",
        "facility_sheet_pdf",
    ):
        missing = reverse(f"counselling:{name}", args=[MISSING])
        assert client.get(missing).status_code == 403, name


def test_it_opens_none_of_it_to_the_facility_monitor(monitor, sophea, session, siem_reap):
    """She never opens a woman's file, so no counselling view either (the facility sheet is a
    worker's tool, for case readers): a 403 on GET and POST, before any lookup, and nothing is
    recorded or logged. A legal officer the file is shared with reads it (below)."""
    client = client_for(monitor)
    entries = AuditEntry.objects.count()
    for url, methods in [*record_urls(sophea, session), (sheet_url(siem_reap), {"GET"})]:
        for method in methods:
            response = getattr(client, method.lower())(url)
            assert response.status_code == 403, (method, url)
    for name in (
        "session_new",
        "session_detail",
        "session_edit",
        "session_summary_pdf",
        "facility_sheet_pdf",
    ):
        missing = reverse(f"counselling:{name}", args=[MISSING])
        assert client.get(missing).status_code == 403, name
    assert AuditEntry.objects.count() == entries
    assert CounsellingSession.objects.get() == session
    session.refresh_from_db()
    assert session.version == 1


def test_it_refuses_wrong_methods(sokha, sophea, session, siem_reap) -> None:
    client = client_for(sokha)
    urls = [*record_urls(sophea, session), (sheet_url(siem_reap), {"GET"})]
    for url, methods in urls:
        if "POST" not in methods:
            assert client.post(url).status_code == 405, url
        assert client.delete(url).status_code == 405, url
        assert client.put(url).status_code == 405, url


def test_it_answers_404_for_unknown_codes(sokha) -> None:
    client = client_for(sokha)
    names = ["session_new", "session_detail", "session_edit", "session_summary_pdf"]
    for name in [*names, "facility_sheet_pdf"]:
        assert client.get(reverse(f"counselling:{name}", args=[MISSING])).status_code == 404, name


def test_it_answers_404_for_an_inactive_facility(sokha, siem_reap) -> None:
    siem_reap.is_active = False
    siem_reap.save(update_fields=["is_active"])
    assert client_for(sokha).get(sheet_url(siem_reap)).status_code == 404


def test_it_lets_a_legal_officer_of_another_organisation_read_sessions_in_her_facility(
    shares_with_legal_aid, vicheka, session
) -> None:
    assert client_for(vicheka).get(session.get_absolute_url()).status_code == 200


def test_only_the_counselling_organisation_corrects_a_session(
    shares_with_legal_aid, vicheka, dara, session
) -> None:
    url = reverse("counselling:session_edit", args=[session.code])
    # A legal officer of another organisation reads it in her facility, but does not correct it.
    assert client_for(vicheka).get(url).status_code == 403
    assert client_for(vicheka).post(url).status_code == 403
    assert client_for(dara).get(url).status_code == 200
