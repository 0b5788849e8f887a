"""A read does not rewrite the session, and an active session still does not expire."""

import datetime as dt

import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse

from komar.conftest import client_for

START = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)


def _expiry(client) -> dt.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_reads_within_a_minute_do_not_write_the_session(sokha) -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = client_for(sokha)
        client.get(reverse("tasks:my_work"))  # the first request marks the session active
        saved = _expiry(client)
        clock.shift(dt.timedelta(seconds=30))
        client.get(reverse("tasks:my_work"))
        assert _expiry(client) == saved


def test_activity_pushes_the_idle_expiry_back(sokha, settings) -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = client_for(sokha)
        client.get(reverse("tasks:my_work"))
        first = _expiry(client)
        clock.shift(dt.timedelta(minutes=20))
        client.get(reverse("tasks:my_work"))
        assert _expiry(client) == first + dt.timedelta(minutes=20)
        clock.shift(dt.timedelta(minutes=25))  # 45 minutes after the start, 25 idle
        assert client.get(reverse("tasks:my_work")).status_code == 200


def test_an_idle_session_ends(sokha) -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = client_for(sokha)
        client.get(reverse("tasks:my_work"))
        clock.shift(dt.timedelta(minutes=31))
        response = client.get(reverse("tasks:my_work"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
