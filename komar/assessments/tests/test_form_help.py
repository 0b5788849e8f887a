"""The assessment and determination forms help: an error summary naming each element, answers
that start empty, and free text bounded and told, the supervisor's comments included."""

import datetime as dt

import pytest
from django.urls import reverse

from komar.assessments.forms import AssessmentForm, DeterminationForm, ElementForm
from komar.assessments.tests.factories import assess
from komar.assessments.tests.test_assessment_new import form_data
from komar.cases.tests.test_form_help import assert_bounded_and_told, parsed, selected, summary_text
from komar.conftest import client_for


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 1, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def child(sophea):
    return sophea.children.get(name_latin="Sok Vichet")


def test_the_summary_names_the_element_of_each_error(sokha, child) -> None:
    url = reverse("assessments:assessment_new", args=[child.code])
    data = form_data(occasion="", **{"element-views-evidence": "x" * 5001})
    html = client_for(sokha).post(url, {**data, "save": "1"}).content.decode()
    page = parsed(html)
    text = summary_text(html)
    assert "Occasion: This field is required." in text
    assert "The child's views (as age allows) · Evidence: Ensure this value has at most" in text
    assert "#id_element-views-evidence" in page.links
    assert all(link[1:] in page.ids for link in page.links)


def test_a_panel_too_small_is_in_the_summary(sokha, child) -> None:
    url = reverse("assessments:determination_new", args=[child.code])
    data = {"reasons": ["contested"], "held_on": "2026-05-30", "decision": "relative"}
    html = client_for(sokha).post(url, data).content.decode()
    text = summary_text(html)
    assert "A panel has at least three members" in text
    assert "#panel" in parsed(html).links


def test_no_answer_is_chosen_for_her(db) -> None:
    assessment = AssessmentForm()
    assert selected(assessment, "occasion") == "" and selected(assessment, "recommendation") == ""
    assert selected(DeterminationForm(), "decision") == ""


def test_every_free_text_box_is_bounded_and_says_so(db) -> None:
    boxes = [AssessmentForm(), ElementForm(element="views"), DeterminationForm()]
    assert sum(assert_bounded_and_told(form) for form in boxes) == 5


def test_a_supervisors_comments_are_bounded_too(sokha, dara, child) -> None:
    assessment = assess(child, sokha, submit=True)
    page = client_for(dara).get(assessment.get_absolute_url()).content.decode()
    assert 'maxlength="5000"' in page and "Up to 5,000 characters." in page
    url = reverse("assessments:assessment_return", args=[assessment.code])
    response = client_for(dara).post(url, {"comments": "x" * 5001}, follow=True)
    assert "Your comments are too long. Up to 5,000 characters." in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == "submitted"
