"""The standard access tests for every screening page: anonymous users sign in, a woman outside
the scope is a 404, a researcher and a facility monitor are refused before any lookup, another
organisation reads a screening but does not change it (`test_screening_change`), a closed case
is read-only, and wrong methods are refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from komar.audit.models import AuditEntry
from komar.cases.actions import do_request_closure
from komar.conftest import client_for
from komar.legal.models import Screening
from komar.legal.tests.test_screening_new import screened

MISSING = "00000000-0000-0000-0000-000000000000"
WRITES = {"legal:screening_new", "legal:screening_choose", "legal:screening_edit"}


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def screening(vicheka, sophea, shares_with_legal_aid):
    return screened(sophea, vicheka)


def all_urls(sophea, screening) -> list[tuple[str, str, set[str]]]:
    """(url name, url, methods the view accepts) of every page about a woman or a screening."""
    return [
        (
            "legal:screening_new",
            reverse("legal:screening_new", args=[sophea.code]),
            {"GET", "POST"},
        ),
        ("legal:screening_detail", screening.get_absolute_url(), {"GET"}),
        (
            "legal:screening_choose",
            reverse("legal:screening_choose", args=[screening.code]),
            {"GET", "POST"},
        ),
        (
            "legal:screening_edit",
            reverse("legal:screening_edit", args=[screening.code]),
            {"GET", "POST"},
        ),
    ]


def test_it_sends_anonymous_users_to_login(client, sophea, screening) -> None:
    for _, url, methods in [
        *all_urls(sophea, screening),
        ("", reverse("legal:screening_rules"), {"GET"}),
    ]:
        for method in methods:
            response = getattr(client, method.lower())(url)
            assert response.status_code == 302, (method, url)
            assert response.url.startswith(reverse("login")), url


def test_it_gives_the_outsider_404_for_every_record(outsider, sophea, screening) -> None:
    client = client_for(outsider)
    for _, url, methods in all_urls(sophea, screening):
        for method in methods:
            assert getattr(client, method.lower())(url).status_code == 404, (method, url)


def test_the_legal_officer_sees_her_only_once_she_shares_her_file(vicheka, sokha, sophea):
    # Without her consent to share, the legal-aid provider does not see her.
    client = client_for(vicheka)
    assert client.get(reverse("legal:screening_new", args=[sophea.code])).status_code == 404
    screening = screened(sophea, sokha)
    assert client.get(screening.get_absolute_url()).status_code == 404


def test_it_refuses_the_researcher_before_any_lookup(researcher, sophea, screening) -> None:
    client = client_for(researcher)
    for name, url, methods in all_urls(sophea, screening):
        for method in methods:
            assert getattr(client, method.lower())(url).status_code == 403, (method, url)
        assert client.get(reverse(name, args=[MISSING])).status_code == 403, name


def test_it_opens_none_of_it_to_the_facility_monitor(monitor, sophea, screening) -> None:
    """She never opens a woman's file, so no screening of hers: a 403 on GET and POST, before
    any lookup, and nothing is recorded or logged. (The rules of the measures are no one's
    personal data: open to every user.)"""
    client = client_for(monitor)
    entries = AuditEntry.objects.count()
    for name, url, methods in all_urls(sophea, screening):
        for method in methods:
            assert getattr(client, method.lower())(url).status_code == 403, (method, url)
        assert client.get(reverse(name, args=[MISSING])).status_code == 403, name
    assert client.get(sophea.get_absolute_url()).status_code == 403
    assert AuditEntry.objects.count() == entries
    assert Screening.objects.get() == screening
    screening.refresh_from_db()
    assert screening.version == 1 and screening.chosen == []


def test_it_refuses_wrong_methods(vicheka, sophea, screening) -> None:
    client = client_for(vicheka)
    for _, url, methods in [
        *all_urls(sophea, screening),
        ("", reverse("legal:screening_rules"), {"GET"}),
    ]:
        if "POST" not in methods:
            assert client.post(url).status_code == 405, url
        assert client.put(url).status_code == 405, url
        assert client.delete(url).status_code == 405, url


def test_it_answers_404_for_unknown_codes(vicheka) -> None:
    client = client_for(vicheka)
    for name in ["legal:screening_new", *WRITES, "legal:screening_detail"]:
        assert client.get(reverse(name, args=[MISSING])).status_code == 404, name


def test_the_rules_of_the_measures_are_open_to_every_user(researcher) -> None:
    html = client_for(researcher).get(reverse("legal:screening_rules")).content.decode()
    assert 'id="rule-measure_judicial_supervision"' in html
    assert "version 1" in html and "Bangkok Rules 57, 58 and 64" in html


def test_a_closed_case_is_read_only(vicheka, dara, sokha, sophea, screening) -> None:
    do_request_closure(sophea, reason="lost_contact", note="", actor=dara)
    client = client_for(vicheka)
    assert client.get(screening.get_absolute_url()).status_code == 200
    html = client.get(screening.get_absolute_url()).content.decode()
    assert reverse("legal:screening_choose", args=[screening.code]) not in html
    response = client.post(
        reverse("legal:screening_choose", args=[screening.code]),
        {"chosen": ["release"], "chosen_reason": "Why not.", "version": "1"},
    )
    assert response.status_code == 403
    assert "Her case is closed" in response.content.decode()
    screening.refresh_from_db()
    assert screening.chosen == []
    new = client.get(reverse("legal:screening_new", args=[sophea.code])).content.decode()
    assert "Her case is closed." in new
    # Her file shows the screening, and offers no new one.
    html = client.get(sophea.get_absolute_url()).content.decode()
    section = html[html.index('id="screening"') :]
    assert "Screened on 18 Mar 2026 by Vicheka" in section
    assert reverse("legal:screening_new", args=[sophea.code]) not in section
