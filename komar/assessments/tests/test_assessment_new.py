"""Starting a best-interests assessment for a child."""

import datetime as dt

import pytest
from django.urls import reverse

from komar.assessments.models import Assessment, Element
from komar.audit.models import AuditEntry
from komar.conftest import child_inside, client_for, register


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 1, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def child(sophea):
    return sophea.children.get(name_latin="Sok Vichet")


def form_data(**changes):
    data = {"occasion": "entry", "assessed_on": "2026-05-20", "recommendation": ""}
    for code in Element.values:
        data[f"element-{code}-evidence"] = ""
        data[f"element-{code}-rating"] = "not_assessed"
    data.update(changes)
    return data


def test_it_shows_every_element_with_today_and_not_assessed_by_default(sokha, child) -> None:
    response = client_for(sokha).get(reverse("assessments:assessment_new", args=[child.code]))
    assert response.status_code == 200
    html = response.content.decode()
    for code in Element.values:
        assert f'name="element-{code}-evidence"' in html
        assert f'name="element-{code}-rating"' in html
    assert html.count('<option value="not_assessed" selected>') == len(Element.values)
    assert 'name="assessed_on_day" value="1"' in html  # today, 1 June 2026
    assert 'name="assessed_on_year" value="2026"' in html
    assert "no formal determination is required" in html


def test_it_saves_a_draft_with_all_elements_and_audits_it(sokha, child) -> None:
    url = reverse("assessments:assessment_new", args=[child.code])
    response = client_for(sokha).post(
        url,
        form_data(
            **{
                "element-health-evidence": "Weight low for age at the last weighing.",
                "element-health-rating": "some_concern",
                "element-family-rating": "no_concern",
            },
            options_compared="Stay with mother; grandmother in Siem Reap.",
            recommendation="with_mother",
            recommendation_reasons="Breastfed, attached, grandmother not able now.",
        ),
    )
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response.url == assessment.get_absolute_url()
    assert assessment.child == child
    assert assessment.assessor == sokha
    assert assessment.status == Assessment.Status.DRAFT
    assert assessment.recommendation == "with_mother"
    ratings = dict(assessment.elements.values_list("element", "rating"))
    assert len(ratings) == len(Element.values)
    assert ratings["health"] == "some_concern"
    assert ratings["family"] == "no_concern"
    assert ratings["views"] == "not_assessed"
    assert assessment.elements.get(element="health").evidence.startswith("Weight low")
    entry = AuditEntry.objects.get(object_code=str(assessment.code))
    assert (entry.action, entry.actor, entry.object_type) == (
        "create",
        sokha,
        "assessments.assessment",
    )


def test_it_keeps_what_she_typed_when_the_date_is_in_the_future(sokha, child) -> None:
    url = reverse("assessments:assessment_new", args=[child.code])
    response = client_for(sokha).post(
        url,
        form_data(
            assessed_on="2026-07-01",
            **{
                "element-views-evidence": "Smiles at her mother",
                "element-views-rating": "no_concern",
            },
            options_compared="Grandmother",
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "This date is in the future." in html
    assert "Smiles at her mother</textarea>" in html
    assert '<option value="no_concern" selected>' in html
    assert "Grandmother</textarea>" in html
    assert not Assessment.objects.exists()


def test_it_checks_whether_a_determination_is_required_without_saving(sokha, child) -> None:
    url = reverse("assessments:assessment_new", args=[child.code])
    response = client_for(sokha).post(
        url,
        form_data(mother_contests_separation="on", recommendation="institution", check="1"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "a formal determination will be required" in html
    assert "The mother contests the separation" in html
    assert "A residential care institution is proposed" in html
    assert "Bangkok Rule 52" in html
    assert not Assessment.objects.exists()


def test_it_warns_from_the_start_for_a_child_over_the_limit(sokha, siem_reap) -> None:
    mother = register(sokha, siem_reap, children=[child_inside(born=dt.date(2022, 1, 1))])
    child = mother.children.get()
    response = client_for(sokha).get(reverse("assessments:assessment_new", args=[child.code]))
    html = response.content.decode()
    assert "a formal determination will be required" in html
    assert "The child is inside and over the stay limit" in html


def test_it_lets_a_legal_officer_assess_for_her_own_organisation(
    shares_with_legal_aid, vicheka, child, legal_aid
) -> None:
    url = reverse("assessments:assessment_new", args=[child.code])
    assert client_for(vicheka).post(url, form_data()).status_code == 302
    assert Assessment.objects.get().organisation == legal_aid


def test_it_refuses_a_mistyped_year_and_unbounded_evidence(sokha, child) -> None:
    url = reverse("assessments:assessment_new", args=[child.code])
    response = client_for(sokha).post(
        url, form_data(assessed_on="2006-05-20", **{"element-views-evidence": "x" * 5001})
    )
    html = response.content.decode()
    assert "This date is more than 10 years ago: check the year." in html
    assert "Ensure this value has at most 5000 characters" in html
    assert not Assessment.objects.exists()
