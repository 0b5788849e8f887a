"""The counselling form helps: its error summary names each child's row, "who decided" starts
empty, and every free-text box is bounded and says so."""

import datetime as dt

import pytest

from komar.cases.tests.test_form_help import assert_bounded_and_told, parsed, selected, summary_text
from komar.conftest import client_for
from komar.counselling.forms import DecisionForm, SessionForm
from komar.counselling.tests.test_session_new import form_data, url


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 16, 3, tzinfo=dt.UTC), tick=False)


def test_the_summary_names_the_child_of_each_row(sokha, sophea) -> None:
    vichet = sophea.children.get(name_latin="Sok Vichet")
    data = form_data(sophea, **{f"child-{vichet.code}-decided_by": "", "stage": ""})
    response = client_for(sokha).post(url(sophea), data)
    html = response.content.decode()
    page = parsed(html)
    text = summary_text(html)
    assert response.status_code == 200
    assert page.first_form_after_summary
    assert "Stage: This field is required." in text
    assert "Sok Vichet · Who decided: Say who decided." in text
    assert f"#id_child-{vichet.code}-decided_by" in page.links
    assert all(link[1:] in page.ids for link in page.links)


def test_a_missing_decision_is_in_the_summary_and_leads_to_the_decisions(sokha, sophea) -> None:
    blank = {key: "" for key in form_data(sophea) if key.endswith(("-decision", "-decided_by"))}
    html = client_for(sokha).post(url(sophea), form_data(sophea, **blank)).content.decode()
    assert "Record a decision for at least one child." in summary_text(html)
    assert "#decisions" in parsed(html).links


def test_no_answer_is_chosen_for_her(sophea) -> None:
    row = DecisionForm(prefix="x", child=sophea.children.first())
    assert selected(row, "decided_by") == "" and selected(row, "decision") == ""
    session = SessionForm(mother=sophea)
    assert selected(session, "stage") == "" and selected(session, "preference") == ""
    html = client_for(sophea.created_by).get(url(sophea)).content.decode()
    assert "selected>The mother</option>" not in html


def test_a_carers_name_is_checked(sokha, sophea) -> None:
    outside = sophea.children.get(name_latin="Sok Dara")
    data = form_data(sophea, **{f"child-{outside.code}-carer_name": "Yim 5am"})
    html = client_for(sokha).post(url(sophea), data).content.decode()
    assert "Sok Dara · Named carer: A name has no digits." in summary_text(html)


def test_every_free_text_box_is_bounded_and_says_so(sophea) -> None:
    assert assert_bounded_and_told(SessionForm(mother=sophea)) == 2
