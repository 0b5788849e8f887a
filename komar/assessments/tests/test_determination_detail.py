"""The page of a recorded determination."""

import datetime as dt

import pytest
from django.urls import reverse

from komar.assessments.actions import do_record_determination
from komar.audit.models import AuditEntry
from komar.conftest import client_for


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 1, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def determination(sokha, sophea):
    child = sophea.children.get(name_latin="Sok Vichet")
    return do_record_determination(
        child,
        {
            "held_on": dt.date(2026, 5, 28),
            "decision": "relative",
            "decision_reasons": "The grandmother is able and willing.",
            "dissent": "The prison health officer preferred a later move.",
            "review_on": dt.date(2026, 8, 28),
        },
        assessment=None,
        reasons=["contested", "over_limit"],
        members=[("Sokha", "Social worker"), ("Dara", "Supervisor"), ("Chan Thy", "DoSVY")],
        actor=sokha,
    )


def test_it_shows_the_decision_the_reasons_and_the_panel(dara, determination) -> None:
    url = reverse("assessments:determination_detail", args=[determination.code])
    response = client_for(dara).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "With a named relative" in html
    assert "The grandmother is able and willing." in html
    assert "The prison health officer preferred a later move." in html
    assert "The mother contests the separation" in html
    assert "Bangkok Rule 52(2)" in html
    assert "Chan Thy" in html
    assert "DoSVY" in html


def test_it_audits_every_opening(dara, determination) -> None:
    url = reverse("assessments:determination_detail", args=[determination.code])
    client_for(dara).get(url)
    entry = AuditEntry.objects.get(action="view")
    assert entry.actor == dara
    assert entry.object_type == "assessments.determination"
    assert entry.object_code == str(determination.code)
    assert entry.mother == determination.child.mother
