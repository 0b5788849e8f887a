"""Sign-in lockout per username and address, a limit per address, private pages, and a session
that ends 12 hours after sign-in whatever happens."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from komar.conftest import PASSWORD, client_for
from komar.lib.http import client_ip

LOGIN = reverse("login")


def attempt(address: str, username: str, password: str = "wrong") -> int:  # noqa: S107
    return (
        Client(REMOTE_ADDR=address)
        .post(LOGIN, {"username": username, "password": password})
        .status_code
    )


def test_failures_from_elsewhere_do_not_lock_her_out(sokha) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt("203.0.113.9", "sokha")
    # Locked from that address...
    assert attempt("203.0.113.9", "sokha", PASSWORD) == 429
    # ...but she signs in from her office.
    assert attempt("198.51.100.20", "sokha", PASSWORD) == 302


def test_many_usernames_from_one_address_are_stopped(sokha, settings) -> None:
    settings.KOMAR_LOGIN_ADDRESS_LIMIT = 8
    for i in range(8):
        attempt("203.0.113.50", f"guess{i}")
    client = Client(REMOTE_ADDR="203.0.113.50")
    response = client.post(LOGIN, {"username": "sokha", "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed sign-ins from this place." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_pages_with_personal_data_are_not_stored(sokha, sophea) -> None:
    response = client_for(sokha).get(sophea.get_absolute_url())
    assert response.headers["Cache-Control"] == "no-store"
    assert "camera=()" in response.headers["Permissions-Policy"]
    # The title names no one.
    html = response.content.decode()
    title = html[html.index("<title>") : html.index("</title>")]
    assert sophea.name_latin not in title and sophea.name_km not in title


def test_a_session_ends_12_hours_after_sign_in_however_active(sokha, time_machine) -> None:
    time_machine.move_to(dt.datetime(2026, 3, 16, 1, tzinfo=dt.UTC), tick=False)
    client = Client()
    client.post(LOGIN, {"username": "sokha", "password": PASSWORD})
    url = reverse("cases:case_list")
    signed_in = dt.datetime(2026, 3, 16, 1, tzinfo=dt.UTC)
    for step in range(1, 36):
        # Active every 20 minutes for 11 h 40 min: the idle timeout never ends it.
        time_machine.move_to(signed_in + dt.timedelta(minutes=20 * step))
        assert client.get(url).status_code == 200
    time_machine.move_to(dt.datetime(2026, 3, 16, 13, 5, tzinfo=dt.UTC))
    response = client.get(url)
    assert response.status_code == 302 and reverse("login") in response.url


@pytest.mark.parametrize(
    ("forwarded", "count", "expected"),
    [
        ("198.51.100.7", 1, "198.51.100.7"),
        ("10.0.0.1, 198.51.100.7", 1, "198.51.100.7"),  # the client's own entry is not trusted
        ("198.51.100.7, 10.0.0.2", 2, "198.51.100.7"),
        ("not-an-address", 1, None),
        ("", 1, None),
        ("198.51.100.7", 2, None),  # fewer entries than proxies
        ("2001:db8::1", 1, "2001:db8::1"),
    ],
)
def test_the_forwarded_address_is_read_after_the_trusted_proxies(
    rf, settings, forwarded, count, expected
) -> None:
    settings.KOMAR_BEHIND_PROXY = True
    settings.KOMAR_PROXY_COUNT = count
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="127.0.0.1")
    assert client_ip(request) == expected


def test_without_a_proxy_the_peer_address_is_used(rf, settings) -> None:
    settings.KOMAR_BEHIND_PROXY = False
    assert client_ip(rf.get("/", REMOTE_ADDR="198.51.100.7")) == "198.51.100.7"
    assert client_ip(rf.get("/", REMOTE_ADDR="junk")) is None


def test_changing_her_own_password_is_audited(sokha) -> None:
    from komar.audit.models import AuditEntry

    client = client_for(sokha)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-phrase-42",
            "new_password2": "another-long-phrase-42",
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(object_code=str(sokha.code))
    assert entry.actor == sokha and entry.fields == ["password"]
