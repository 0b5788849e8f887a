"""Recording a formal best-interests determination by a panel."""

import datetime as dt

import pytest
from django.urls import reverse

from komar.assessments.actions import do_start_assessment
from komar.assessments.models import Determination
from komar.audit.models import AuditEntry
from komar.conftest import client_for


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 1, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def child(sophea):
    return sophea.children.get(name_latin="Sok Vichet")


@pytest.fixture
def assessment(sokha, child):
    return do_start_assessment(
        child,
        {
            "occasion": "approaching_limit",
            "assessed_on": dt.date(2026, 5, 20),
            "mother_contests_separation": True,
            "recommendation": "relative",
        },
        elements={},
        actor=sokha,
    )


def url(child, assessment=None):
    base = reverse("assessments:determination_new", args=[child.code])
    return f"{base}?assessment={assessment.code}" if assessment else base


def form_data(members=3, **changes):
    data = {
        "reasons": ["contested"],
        "held_on": "2026-05-28",
        "decision": "relative",
        "decision_reasons": "The grandmother is able and willing; weekly visits agreed.",
        "dissent": "",
        "review_on": "2026-08-28",
    }
    people = [
        ("Sokha", "Social worker"),
        ("Dara", "Supervisor"),
        ("Chan Thy", "DoSVY officer"),
        ("Sao Lim", "Prison health officer"),
    ]
    for i, (name, role) in enumerate(people[:members]):
        data[f"member{i}-name"] = name
        data[f"member{i}-role"] = role
    data.update(changes)
    return data


def test_it_prefills_the_reasons_from_the_latest_assessment(sokha, child, assessment) -> None:
    from komar.assessments.actions import do_submit_assessment

    do_submit_assessment(assessment, actor=sokha)
    response = client_for(sokha).get(url(child))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="contested" id="id_reasons_0" checked' in html
    assert 'value="over_limit" id="id_reasons_1" checked' not in html
    assert "The mother contests the separation" in html
    assert html.count('name="member') == 2 * 6  # six rows of name and role


def test_a_draft_assessment_prefills_nothing(sokha, child, assessment) -> None:
    html = client_for(sokha).get(url(child)).content.decode()
    assert 'value="contested" id="id_reasons_0" checked' not in html
    # Linked on purpose, the draft's reasons are offered.
    html = client_for(sokha).get(url(child, assessment)).content.decode()
    assert 'value="contested" id="id_reasons_0" checked' in html


def test_it_records_the_determination_and_returns_to_the_child(sokha, child, assessment) -> None:
    response = client_for(sokha).post(url(child, assessment), form_data(members=4), follow=True)
    assert response.redirect_chain == [(child.get_absolute_url(), 302)]
    assert "Determination recorded." in response.content.decode()
    determination = Determination.objects.get()
    assert determination.child == child
    assert determination.assessment == assessment
    assert determination.reasons == ["contested"]
    assert determination.decision == "relative"
    assert determination.review_on == dt.date(2026, 8, 28)
    assert determination.recorded_by == sokha
    assert determination.members.count() == 4
    entry = AuditEntry.objects.get(object_code=str(determination.code))
    assert (entry.action, entry.actor, entry.mother) == ("create", sokha, child.mother)


def test_it_links_no_assessment_unless_asked(sokha, child, assessment) -> None:
    client_for(sokha).post(url(child), form_data())
    assert Determination.objects.get().assessment is None


def test_it_needs_at_least_three_panel_members(sokha, child) -> None:
    response = client_for(sokha).post(url(child), form_data(members=2))
    assert response.status_code == 200
    html = response.content.decode()
    assert "A panel has at least three members" in html
    assert 'value="Dara"' in html  # what she typed is kept
    assert not Determination.objects.exists()


def test_it_needs_a_role_for_each_member(sokha, child) -> None:
    response = client_for(sokha).post(url(child), form_data(**{"member2-role": ""}))
    assert "Enter this member&#x27;s role on the panel." in response.content.decode()
    assert not Determination.objects.exists()


def test_it_needs_at_least_one_reason(sokha, child) -> None:
    data = form_data()
    del data["reasons"]
    response = client_for(sokha).post(url(child), data)
    assert "Tick at least one reason." in response.content.decode()
    assert not Determination.objects.exists()


def test_it_needs_a_review_date_after_the_panel(sokha, child) -> None:
    client = client_for(sokha)
    response = client.post(url(child), form_data(review_on="2026-05-28"))
    assert "The review date must be after the date of the panel." in response.content.decode()
    response = client.post(url(child), form_data(review_on=""))
    assert "This field is required." in response.content.decode()
    assert not Determination.objects.exists()


def test_it_refuses_a_panel_in_the_future(sokha, child) -> None:
    response = client_for(sokha).post(
        url(child), form_data(held_on="2026-06-02", review_on="2026-09-01")
    )
    assert "This date is in the future." in response.content.decode()
    assert not Determination.objects.exists()


def test_it_answers_404_for_an_assessment_of_another_child(sokha, sophea, assessment) -> None:
    sibling = sophea.children.get(name_latin="Sok Dara")
    client = client_for(sokha)
    assert client.get(url(sibling, assessment)).status_code == 404
    assert client.post(url(sibling, assessment), form_data()).status_code == 404
    assert client.get(url(sibling) + "?assessment=not-a-code").status_code == 404
    assert not Determination.objects.exists()


def test_it_refuses_a_mistyped_year(sokha, child) -> None:
    response = client_for(sokha).post(url(child), form_data(held_on="2006-05-20"))
    assert "This date is more than 10 years ago: check the year." in response.content.decode()
    assert not Determination.objects.exists()
