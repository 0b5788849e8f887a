"""Changing a draft or returned assessment, protected against concurrent edits."""

import datetime as dt

import pytest
from django.urls import reverse

from komar.assessments.actions import (
    do_return_assessment,
    do_start_assessment,
    do_submit_assessment,
)
from komar.assessments.models import Assessment, Element, Rating
from komar.audit.models import AuditEntry
from komar.conftest import client_for


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 1, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def assessment(sokha, sophea):
    child = sophea.children.get(name_latin="Sok Vichet")
    return do_start_assessment(
        child,
        {"occasion": "entry", "assessed_on": dt.date(2026, 5, 20)},
        elements={code: ("", Rating.NOT_ASSESSED) for code in Element.values},
        actor=sokha,
    )


def edit_data(version, **changes):
    data = {
        "occasion": "entry",
        "assessed_on": "2026-05-20",
        "recommendation": "",
        "version": str(version),
    }
    for code in Element.values:
        data[f"element-{code}-evidence"] = ""
        data[f"element-{code}-rating"] = "not_assessed"
    data.update(changes)
    return data


def url(assessment):
    return reverse("assessments:assessment_edit", args=[assessment.code])


def test_it_shows_the_saved_values_and_audits_the_opening(sokha, assessment) -> None:
    response = client_for(sokha).get(url(assessment))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="version" value="1"' in html
    assert 'name="assessed_on_day" value="20"' in html
    assert 'name="assessed_on_year" value="2026"' in html
    assert AuditEntry.objects.filter(
        action="view", object_code=str(assessment.code), actor=sokha
    ).exists()


def test_it_saves_a_change_and_audits_the_changed_fields(sokha, assessment) -> None:
    response = client_for(sokha).post(
        url(assessment),
        edit_data(
            1,
            options_compared="Grandmother visited",
            **{"element-care-evidence": "Safe sleeping place", "element-care-rating": "no_concern"},
        ),
    )
    assert response.status_code == 302
    assert response.url == assessment.get_absolute_url()
    assessment.refresh_from_db()
    assert assessment.version == 2
    assert assessment.options_compared == "Grandmother visited"
    care = assessment.elements.get(element="care")
    assert (care.evidence, care.rating) == ("Safe sleeping place", "no_concern")
    entry = AuditEntry.objects.get(object_code=str(assessment.code), action="change")
    assert entry.fields == ["care", "options_compared"]


def test_it_lets_her_change_a_returned_assessment(sokha, dara, assessment) -> None:
    do_submit_assessment(assessment, actor=sokha)
    returned = do_return_assessment(assessment, comments="Ask the grandmother.", actor=dara)
    response = client_for(sokha).post(
        url(assessment), edit_data(returned.version, options_compared="Grandmother asked")
    )
    assert response.status_code == 302
    assert Assessment.objects.get(pk=assessment.pk).options_compared == "Grandmother asked"


def test_it_sends_her_back_when_the_assessment_is_no_longer_editable(sokha, assessment) -> None:
    do_submit_assessment(assessment, actor=sokha)
    client = client_for(sokha)
    response = client.get(url(assessment))
    assert response.status_code == 302
    assert response.url == assessment.get_absolute_url()
    html = client.get(assessment.get_absolute_url()).content.decode()
    assert "Only a draft or a returned assessment can be changed" in html


def test_a_save_after_it_was_submitted_keeps_what_she_typed(sokha, assessment) -> None:
    # She opened the form on a draft; it was submitted before she saved.
    do_submit_assessment(assessment, actor=sokha)
    response = client_for(sokha).post(url(assessment), edit_data(1, options_compared="late words"))
    assert response.status_code == 409
    html = response.content.decode()
    assert "This assessment can no longer be changed" in html
    assert "Submitted for approval" in html
    assert "late words" in html
    assert Assessment.objects.get(pk=assessment.pk).options_compared == ""


def test_the_second_editor_gets_409_and_keeps_what_she_typed(sokha, dara, assessment) -> None:
    # Both open the form at version 1; Dara saves first.
    first = client_for(dara).post(
        url(assessment),
        edit_data(
            1,
            options_compared="Dara's comparison",
            **{"element-health-evidence": "Dara's note", "element-health-rating": "no_concern"},
        ),
    )
    assert first.status_code == 302
    response = client_for(sokha).post(
        url(assessment),
        edit_data(
            1,
            options_compared="Sokha's comparison",
            **{
                "element-health-evidence": "Sokha's note on weight",
                "element-health-rating": "serious_concern",
            },
        ),
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved this record while you were editing" in html
    assert "Dara saved it at" in html
    assert "Dara&#x27;s comparison" in html  # what is saved now
    assert "Dara&#x27;s note" in html
    assert "Sokha&#x27;s comparison</textarea>" in html  # what she typed is still in the form
    assert "Sokha&#x27;s note on weight</textarea>" in html
    assert '<option value="serious_concern" selected>' in html
    assert 'name="version" value="2"' in html  # saving again is a deliberate choice
    assessment.refresh_from_db()
    assert assessment.options_compared == "Dara's comparison"
    assert assessment.elements.get(element="health").evidence == "Dara's note"


def test_saving_again_after_the_conflict_keeps_her_version(sokha, dara, assessment) -> None:
    client_for(dara).post(url(assessment), edit_data(1, options_compared="Dara's"))
    response = client_for(sokha).post(url(assessment), edit_data(2, options_compared="Sokha's"))
    assert response.status_code == 302
    assert Assessment.objects.get(pk=assessment.pk).options_compared == "Sokha's"


def test_it_keeps_a_check_round_trip_from_saving(sokha, assessment) -> None:
    response = client_for(sokha).post(
        url(assessment), edit_data(1, mother_contests_separation="on", check="1")
    )
    assert response.status_code == 200
    assert "a formal determination will be required" in response.content.decode()
    assessment.refresh_from_db()
    assert not assessment.mother_contests_separation
    assert assessment.version == 1
