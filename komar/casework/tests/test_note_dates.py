"""The date rules of a case note, in the form and again in the action."""

import datetime as dt

import pytest
from django.urls import reverse

from komar.cases.actions import DatesRefused
from komar.casework.models import CaseNote
from komar.casework.tests.factories import note
from komar.casework.tests.test_note_new import form_data
from komar.conftest import client_for


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC), tick=False)


def post(user, mother, **overrides):
    url = reverse("casework:note_new", args=[mother.code])
    return client_for(user).post(url, form_data(**overrides))


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("2026-03-21", "This date is in the future."),
        ("1899-12-31", "A date before 1900 cannot be right: check the year."),
        ("1995-03-01", "The note is dated before her date of birth (2 Mar 1995)."),
    ],
)
def test_the_form_refuses_an_impossible_date(sokha, sophea, day, message) -> None:
    response = post(sokha, sophea, held_on=day)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CaseNote.objects.exists()


def test_a_note_about_a_child_is_not_dated_before_her_birth(sokha, sophea) -> None:
    child = sophea.children.get(name_latin="Sok Vichet")  # born 15 January 2025
    response = post(sokha, sophea, held_on="2025-01-14", child=str(child.pk))
    assert "A note about this child is dated before the child was born (15 Jan 2025)." in (
        response.content.decode()
    )
    assert post(sokha, sophea, held_on="2025-01-14").status_code == 302  # about her: fine
    assert post(sokha, sophea, held_on="2025-01-15", child=str(child.pk)).status_code == 302


def test_today_and_her_birthday_are_accepted(sokha, sophea) -> None:
    assert post(sokha, sophea, held_on="2026-03-20").status_code == 302
    assert post(sokha, sophea, held_on="1995-03-02").status_code == 302


def test_a_two_digit_year_is_refused_not_guessed(sokha, sophea) -> None:
    data = form_data()
    del data["held_on"]
    data.update({"held_on_day": "18", "held_on_month": "3", "held_on_year": "26"})
    response = client_for(sokha).post(reverse("casework:note_new", args=[sophea.code]), data)
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()


def test_the_action_checks_the_dates_again(sokha, sophea) -> None:
    with pytest.raises(DatesRefused) as refused:
        note(sophea, sokha, held_on=dt.date(2026, 3, 21))
    assert [p.kind for p in refused.value.problems] == ["in_future"]
    with pytest.raises(DatesRefused):
        note(sophea, sokha, held_on=dt.date(1990, 1, 1))
    child = sophea.children.get(name_latin="Sok Vichet")
    with pytest.raises(DatesRefused):
        note(sophea, sokha, held_on=dt.date(2024, 12, 1), child=child)
    assert not CaseNote.objects.exists()


def test_the_action_refuses_a_child_of_another_woman(sokha, sophea, siem_reap) -> None:
    from komar.cases.actions import InvalidAction
    from komar.conftest import child_inside, register

    other = register(sokha, siem_reap, name_latin="Srey Mom", children=[child_inside()])
    with pytest.raises(InvalidAction):
        note(sophea, sokha, child=other.children.get())
