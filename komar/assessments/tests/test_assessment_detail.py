"""The assessment page: its content, the determination box and who sees which button."""

import datetime as dt

import pytest
from django.urls import reverse

from komar.accounts.models import Role
from komar.assessments.actions import (
    do_approve_assessment,
    do_record_determination,
    do_start_assessment,
    do_submit_assessment,
)
from komar.assessments.models import Element, Rating
from komar.audit.models import AuditEntry
from komar.conftest import child_inside, client_for, make_user, register


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 1, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def child(sophea):
    return sophea.children.get(name_latin="Sok Vichet")


def start(child, actor, **data):
    return do_start_assessment(
        child,
        {"occasion": "entry", "assessed_on": dt.date(2026, 5, 20), **data},
        elements={Element.HEALTH: ("Weight low for age", Rating.SERIOUS_CONCERN)},
        actor=actor,
    )


def page(user, assessment):
    response = client_for(user).get(assessment.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def buttons(html):
    return {
        "edit": "/edit/" in html,
        "submit": "/submit/" in html,
        "approve": "/approve/" in html,
        "return": "/return/" in html,
    }


def test_it_shows_the_whole_assessment(sokha, child) -> None:
    assessment = start(
        child,
        sokha,
        options_compared="Stay; grandmother in Siem Reap",
        recommendation="with_mother",
        recommendation_reasons="Still breastfed",
    )
    html = page(sokha, assessment)
    for label in Element.labels:
        assert str(label).replace("'", "&#x27;") in html
    assert "Weight low for age" in html
    assert "Serious concern" in html
    assert "Not assessed" in html  # the elements never filled in
    assert "Stay; grandmother in Siem Reap" in html
    assert "Stays with the mother in the facility" in html
    assert "Still breastfed" in html
    assert "Draft" in html
    assert "Sokha" in html
    assert "A formal determination is required" not in html


def test_it_audits_every_opening(sokha, dara, child) -> None:
    assessment = start(child, sokha)
    page(dara, assessment)
    entry = AuditEntry.objects.get(action="view", object_code=str(assessment.code))
    assert entry.actor == dara
    assert entry.object_type == "assessments.assessment"
    assert entry.mother == child.mother


def test_it_says_when_a_formal_determination_is_required_and_why(sokha, child) -> None:
    assessment = start(child, sokha, mother_contests_separation=True, recommendation="institution")
    html = page(sokha, assessment)
    assert "A formal determination is required" in html
    assert "The mother contests the separation" in html
    assert "A residential care institution is proposed" in html
    assert "Bangkok Rule 52" in html
    assert "UN Guidelines for the Alternative Care of Children" in html
    url = reverse("assessments:determination_new", args=[child.code])
    assert f"{url}?assessment={assessment.code}" in html


def test_it_counts_the_stay_limit_of_the_child_as_it_is_today(sokha, siem_reap) -> None:
    mother = register(sokha, siem_reap, children=[child_inside(born=dt.date(2022, 1, 1))])
    assessment = start(mother.children.get(), sokha)
    html = page(sokha, assessment)
    assert "A formal determination is required" in html
    assert "over the stay limit" in html


def test_it_lists_the_determinations_for_the_child(sokha, child) -> None:
    assessment = start(child, sokha, mother_contests_separation=True)
    determination = do_record_determination(
        child,
        {
            "held_on": dt.date(2026, 5, 25),
            "decision": "relative",
            "decision_reasons": "Grandmother able and willing.",
            "review_on": dt.date(2026, 8, 25),
        },
        assessment=assessment,
        reasons=["contested"],
        members=[("A", "Chair"), ("B", "Social worker"), ("C", "Health")],
        actor=sokha,
    )
    html = page(sokha, assessment)
    assert reverse("assessments:determination_detail", args=[determination.code]) in html
    assert "With a named relative" in html


def test_it_offers_edit_and_submit_to_the_organisation_on_a_draft(sokha, dara, child) -> None:
    assessment = start(child, sokha)
    expected = {"edit": True, "submit": True, "approve": False, "return": False}
    assert buttons(page(sokha, assessment)) == expected
    assert buttons(page(dara, assessment)) == expected  # a draft is not approved yet


def test_it_offers_approve_and_return_only_to_an_allowed_approver(
    sokha, dara, vicheka, shares_with_legal_aid, child
) -> None:
    """Vicheka reads the file (shared with her organisation) but may not write it. The facility
    monitor does not open it at all (`test_access`)."""
    assessment = do_submit_assessment(start(child, sokha), actor=sokha)
    nothing = {"edit": False, "submit": False, "approve": False, "return": False}
    assert buttons(page(sokha, assessment)) == nothing
    assert buttons(page(vicheka, assessment)) == nothing
    decide = {"edit": False, "submit": False, "approve": True, "return": True}
    assert buttons(page(dara, assessment)) == decide


def test_it_hides_the_decision_from_the_supervisor_who_wrote_it(
    dara, ngo, siem_reap, child
) -> None:
    chenda = make_user("chenda", ngo, Role.SUPERVISOR, [siem_reap])
    assessment = do_submit_assessment(start(child, dara), actor=dara)
    assert not buttons(page(dara, assessment))["approve"]
    assert buttons(page(chenda, assessment))["approve"]


def test_it_shows_the_decision_and_offers_no_more_steps_once_approved(sokha, dara, child) -> None:
    assessment = do_submit_assessment(start(child, sokha), actor=sokha)
    do_approve_assessment(assessment, comments="Good evidence on health.", actor=dara)
    html = page(sokha, assessment)
    assert "Approved" in html
    assert "Good evidence on health." in html
    assert "Dara" in html
    assert buttons(html) == {"edit": False, "submit": False, "approve": False, "return": False}
