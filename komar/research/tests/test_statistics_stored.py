"""The monthly statistics read the months that ended a week ago or more from the stored
figures, and the night counts them again: a woman registered late reaches them next morning."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from komar.conftest import client_for, register
from komar.facilities.models import FacilityFigures
from komar.research import monthly


def women_by_month(client):
    response = client.get(reverse("research:statistics"), {"month": "2026-03"})
    assert response.status_code == 200
    return {m.first.month: m.total("women") for m in response.context["report"].trend[-3:]}


def test_a_late_registration_reaches_the_past_months_after_the_night(
    sophea, sokha, siem_reap, dara, time_machine
):
    time_machine.move_to(dt.datetime(2026, 3, 20, 10, 0, tzinfo=dt.UTC))
    client = client_for(dara)
    assert women_by_month(client) == {1: 1, 2: 1, 3: 1}
    stored = FacilityFigures.objects.filter(kind=monthly.KIND, facility=siem_reap)
    assert sorted(stored.values_list("on", flat=True))[-2:] == [
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
    ]  # March is still being entered: counted on every request
    register(sokha, siem_reap, name_latin="Keo Late", admission_date=dt.date(2026, 1, 20))
    assert women_by_month(client) == {1: 1, 2: 1, 3: 2}
    html = client.get(reverse("research:statistics")).content.decode()
    assert "counts from tomorrow" in html
    call_command("refresh_figures", stdout=StringIO())
    assert women_by_month(client) == {1: 2, 2: 2, 3: 2}
