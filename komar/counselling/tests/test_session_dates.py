"""A session's dates agree with her custody and her children's births (the date rules)."""

import datetime as dt

import pytest

from komar.cases import actions
from komar.conftest import child_inside, client_for, register
from komar.counselling.models import CounsellingSession
from komar.counselling.tests.test_session_new import form_data, url


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 16, 3, tzinfo=dt.UTC), tick=False)


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_a_session_in_custody_cannot_be_before_her_admission(sokha, sophea) -> None:
    # Sophea was admitted on 10 January 2026.
    data = form_data(sophea, held_on="2025-12-20", review_on="2026-03-01")
    html = page(client_for(sokha).post(url(sophea), data))
    assert "No custody of hers is recorded on this date" in html
    assert not CounsellingSession.objects.exists()


def test_a_session_at_arrest_cannot_be_while_she_is_held(sokha, sophea) -> None:
    data = form_data(sophea, stage="at_arrest")
    html = page(client_for(sokha).post(url(sophea), data))
    assert "cannot be “At arrest”" in html
    assert not CounsellingSession.objects.exists()


def test_a_session_at_arrest_before_her_admission_is_saved(sokha, sophea) -> None:
    data = form_data(sophea, stage="at_arrest", held_on="2026-01-08", review_on="2026-03-20")
    # Her children were born by then, so decisions about them are fine.
    response = client_for(sokha).post(url(sophea), data)
    assert response.status_code == 302


def test_a_decision_cannot_be_about_a_child_not_yet_born(sokha, siem_reap) -> None:
    mother = register(
        sokha,
        siem_reap,
        admission_date=dt.date(2025, 1, 5),
        children=[child_inside(born=dt.date(2025, 6, 1), since=dt.date(2025, 6, 1))],
    )
    child = mother.children.get()
    data = {
        "held_on": "2025-03-01",
        "stage": "in_custody",
        "review_on": "2025-05-01",
        "mothers_words": "",
        f"child-{child.code}-decision": "with_mother",
        f"child-{child.code}-decided_by": "mother",
    }
    html = page(client_for(sokha).post(url(mother), data))
    assert "A decision for this child is dated before the child was born" in html
    assert not CounsellingSession.objects.exists()
    # The action refuses it too.
    with pytest.raises(actions.DatesRefused):
        from komar.counselling.actions import do_record_session

        do_record_session(
            mother,
            {
                "held_on": dt.date(2025, 3, 1),
                "stage": "in_custody",
                "review_on": dt.date(2025, 5, 1),
            },
            factors=[],
            main_factor=None,
            decisions=[{"child": child, "decision": "with_mother", "decided_by": "mother"}],
            actor=sokha,
        )
