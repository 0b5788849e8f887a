"""An assessment and a panel are about a child already born (the date rules)."""

import datetime as dt

import pytest
from django.urls import reverse

from komar.assessments.models import Assessment, Determination
from komar.assessments.tests import test_assessment_new, test_determination_new
from komar.cases import actions
from komar.conftest import client_for


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 1, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def child(sophea):
    return sophea.children.get(name_latin="Sok Vichet")  # born 15 January 2025


def test_an_assessment_cannot_be_dated_before_the_child_was_born(sokha, child) -> None:
    url = reverse("assessments:assessment_new", args=[child.code])
    data = test_assessment_new.form_data(assessed_on="2024-12-01")
    response = client_for(sokha).post(url, data)
    assert response.status_code == 200
    assert "The assessment is dated before the child was born" in response.content.decode()
    assert not Assessment.objects.exists()


def test_a_panel_cannot_be_dated_before_the_child_was_born(sokha, child) -> None:
    url = test_determination_new.url(child)
    data = test_determination_new.form_data(held_on="2024-12-01", review_on="2025-03-01")
    response = client_for(sokha).post(url, data)
    assert response.status_code == 200
    assert "The panel is dated before the child was born" in response.content.decode()
    assert not Determination.objects.exists()


def test_the_actions_refuse_it_too(sokha, child) -> None:
    from komar.assessments.actions import do_start_assessment

    with pytest.raises(actions.DatesRefused):
        do_start_assessment(
            child,
            {"occasion": "entry", "assessed_on": dt.date(2024, 12, 1)},
            elements={},
            actor=sokha,
        )
