"""The transitions pages as a case worker and a supervisor use them: bad input is an error on
its field with nothing lost; each write lands in the database with its audit row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from komar.audit.models import AuditEntry
from komar.cases import actions as registry
from komar.cases.models import Placement
from komar.conftest import client_for
from komar.transitions import actions
from komar.transitions.models import (
    Carer,
    CarerAssessment,
    FollowUpVisit,
    Reintegration,
    Separation,
    TransitionPlan,
)
from komar.transitions.tests.factories import (
    NOON_IN_PHNOM_PENH,
    TODAY,
    add_carer,
    approved_carer,
    approved_plan,
    assess,
    woman,
    written_plan,
)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(NOON_IN_PHNOM_PENH, tick=False)


@pytest.fixture
def family(sokha, siem_reap):
    return woman(sokha, siem_reap)


def test_a_carer_is_added_from_the_file(sokha, family) -> None:
    mother, child = family
    url = reverse("transitions:carer_new", args=[mother.code])
    response = client_for(sokha).post(url, {"relationship": "grandmother", "name_latin": ""})
    assert response.status_code == 200
    assert "Give her name in Khmer script or in Latin letters." in response.content.decode()
    assert 'value="grandmother"' in response.content.decode()
    response = client_for(sokha).post(
        url,
        {
            "name_km": "យឹម សំ",
            "name_latin": "Yim Sam",
            "relationship": "grandmother",
            "age": "58",
            "phone": "012 345 678",
            "children": [str(child.pk)],
            "is_emergency_carer": "on",
        },
    )
    carer = Carer.objects.get()
    assert response.status_code == 302 and response.url == carer.get_absolute_url()
    assert carer.phone == "+85512345678"  # stored as the registry stores phones
    assert list(carer.children.all()) == [child] and carer.is_emergency_carer


def test_the_assessment_and_its_approval_go_through_the_pages(sokha, dara, family) -> None:
    mother, child = family
    carer = add_carer(mother, sokha, [child])
    response = client_for(sokha).post(
        reverse("transitions:carer_assess", args=[carer.code]),
        {
            "assessed_on": TODAY.isoformat(),
            "willingness": "conditions",
            "conditions": "",
            "support_needs": ["transport"],
        },
    )
    assert response.status_code == 200
    assert "Write down her conditions." in response.content.decode()
    client_for(sokha).post(
        reverse("transitions:carer_assess", args=[carer.code]),
        {
            "assessed_on": TODAY.isoformat(),
            "willingness": "conditions",
            "conditions": "If school fees are paid.",
            "support_needs": ["school_fees"],
        },
    )
    assessment = CarerAssessment.objects.get()
    assert assessment.support_needs == ["school_fees"]
    url = reverse("transitions:carer_assessment_decide", args=[assessment.code])
    response = client_for(dara).post(url, {"decision": "return", "comments": ""})
    assert "Say what needs to change." in response.content.decode()
    response = client_for(dara).post(url, {"decision": "approve", "comments": ""})
    assert response.status_code == 302
    carer.refresh_from_db()
    assert carer.is_approved


def test_opening_the_plan_the_first_time_makes_the_draft(sokha, family) -> None:
    _mother, child = family
    response = client_for(sokha).get(reverse("transitions:plan_open", args=[child.code]))
    plan = TransitionPlan.objects.get(child=child)
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    page = client_for(sokha).get(plan.get_absolute_url()).content.decode()
    assert 'id="plan-missing"' in page and "Give the planned separation date." in page
    client_for(sokha).get(reverse("transitions:plan_open", args=[child.code]))
    assert TransitionPlan.objects.filter(child=child).count() == 1


def test_the_plan_form_refuses_a_review_more_than_three_months_ahead(sokha, dara, family) -> None:
    mother, child = family
    carer = approved_carer(mother, sokha, dara, child)
    plan = actions.do_start_plan(child, actor=sokha, today=TODAY)
    data = {
        "version": plan.version,
        "option": "relative",
        "carer": carer.pk,
        "mothers_view": "Agrees.",
        "goals": "Move gradually.",
        "planned_on": "2026-08-01",
        "contact_plan": "Visits every two weeks.",
        "responsible": sokha.pk,
        "review_on": "2026-09-16",
    }
    url = reverse("transitions:plan_edit", args=[plan.code])
    response = client_for(sokha).post(url, data)
    assert response.status_code == 200
    assert "The review date is at most three months ahead" in response.content.decode()
    assert "Visits every two weeks." in response.content.decode()
    response = client_for(sokha).post(url, {**data, "review_on": "2026-09-15"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.carer, plan.review_on) == (carer, dt.date(2026, 9, 15))


def test_an_unapproved_carer_is_not_offered(sokha, family) -> None:
    mother, child = family
    carer = add_carer(mother, sokha, [child])
    plan = actions.do_start_plan(child, actor=sokha, today=TODAY)
    response = client_for(sokha).post(
        reverse("transitions:plan_edit", args=[plan.code]),
        {"version": plan.version, "carer": carer.pk},
    )
    assert response.status_code == 200
    plan.refresh_from_db()
    assert plan.carer is None


def test_an_incomplete_plan_is_not_submitted(sokha, family) -> None:
    _mother, child = family
    plan = actions.do_start_plan(child, actor=sokha, today=TODAY)
    response = client_for(sokha).post(reverse("transitions:plan_submit", args=[plan.code]))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == TransitionPlan.Status.DRAFT


def test_the_supervisor_approves_from_the_page(sokha, dara, family) -> None:
    mother, child = family
    plan = actions.do_submit_plan(
        written_plan(child, sokha, approved_carer(mother, sokha, dara, child)), actor=sokha
    )
    page = client_for(dara).get(plan.get_absolute_url()).content.decode()
    assert reverse("transitions:plan_decide", args=[plan.code]) in page
    response = client_for(dara).post(
        reverse("transitions:plan_decide", args=[plan.code]), {"decision": "approve"}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == TransitionPlan.Status.APPROVED


def test_a_social_worker_sees_why_the_separation_is_refused(sokha, family) -> None:
    _mother, child = family
    url = reverse("transitions:separation_new", args=[child.code])
    page = client_for(sokha).get(url).content.decode()
    assert 'id="separation-refused"' in page
    assert "There is no approved transition plan for this child." in page
    assert 'name="separated_on_day"' not in page  # no form to fill
    assert client_for(sokha).post(url, {"separated_on": TODAY.isoformat()}).status_code == 403
    assert not Separation.objects.exists()


def test_a_supervisor_records_an_override_with_its_reason(dara, family) -> None:
    _mother, child = family
    url = reverse("transitions:separation_new", args=[child.code])
    base = {"separated_on": TODAY.isoformat(), "kind": "relative", "carer_name": "Yim Sam"}
    response = client_for(dara).post(url, base)
    assert response.status_code == 200
    assert Separation.objects.count() == 0
    response = client_for(dara).post(url, {**base, "override_reason": "Mother in hospital."})
    separation = Separation.objects.get()
    assert response.status_code == 302 and response.url == separation.get_absolute_url()
    assert separation.by_override
    child.refresh_from_db()
    assert child.current_placement.kind == Placement.Kind.RELATIVE
    page = client_for(dara).get(separation.get_absolute_url()).content.decode()
    assert "A supervisor&#x27;s override" in page or "A supervisor's override" in page


def test_the_planned_separation_and_the_first_visit(sokha, dara, family) -> None:
    mother, child = family
    approved_plan(child, sokha, dara, approved_carer(mother, sokha, dara, child))
    url = reverse("transitions:separation_new", args=[child.code])
    response = client_for(sokha).post(url, {"separated_on": TODAY.isoformat()})
    separation = Separation.objects.get()
    assert response.status_code == 302
    visit = separation.visits.get()
    response = client_for(sokha).post(
        reverse("transitions:visit_record", args=[visit.code]),
        {"visited_on": "2026-06-29", "stability": "stable", "wellbeing": "Well."},
    )
    assert response.status_code == 200  # 29 June is in the future today
    assert "This date is in the future." in response.content.decode()


def test_the_date_the_letter_was_sent_is_recorded(sokha, dara, family) -> None:
    mother, child = family
    approved_plan(child, sokha, dara, approved_carer(mother, sokha, dara, child))
    separation = actions.do_record_separation(child, separated_on=TODAY, actor=sokha)
    response = client_for(sokha).post(
        reverse("transitions:separation_notified", args=[separation.code]),
        {"to": "cccw", "sent_on": TODAY.isoformat()},
    )
    assert response.status_code == 302
    separation.refresh_from_db()
    assert separation.cccw_notified_on == TODAY and separation.dswo_notified_on is None
    entries = AuditEntry.objects.filter(object_code=str(separation.code), action="change")
    assert [e.fields for e in entries] == [["cccw_notified_on"]]


def test_a_reintegration_plan_on_the_mothers_release(sokha, dara, family) -> None:
    mother, child = family
    approved_plan(child, sokha, dara, approved_carer(mother, sokha, dara, child))
    actions.do_record_separation(child, separated_on=TODAY - dt.timedelta(days=10), actor=sokha)
    registry.do_release_mother(mother, on=TODAY, release_kind="sentence_served", actor=sokha)
    response = client_for(sokha).post(
        reverse("transitions:reintegration_new", args=[child.code]),
        {
            "decided_on": TODAY.isoformat(),
            "option": "reunite",
            "closure_criteria": "Six months settled with her mother.",
        },
    )
    assert response.status_code == 302
    assert Reintegration.objects.get().option == "reunite"


def test_the_childs_page_and_the_file_show_the_plan_carer_and_visits(sokha, dara, family) -> None:
    mother, child = family
    carer = approved_carer(mother, sokha, dara, child)
    approved_plan(child, sokha, dara, carer)
    separation = actions.do_record_separation(child, separated_on=TODAY, actor=sokha)
    page = client_for(sokha).get(child.get_absolute_url()).content.decode()
    assert 'id="section-transition"' in page or "Transition plan, carers and follow-up" in page
    assert carer.get_absolute_url() in page
    assert reverse("transitions:visit_record", args=[separation.visits.get().code]) in page
    file = client_for(sokha).get(mother.get_absolute_url()).content.decode()
    assert "Carers and transitions" in file and carer.get_absolute_url() in file
    assert "left the facility as planned" in file  # the timeline


def test_the_childs_page_takes_the_same_number_of_queries(
    sokha, dara, siem_reap, time_machine
) -> None:
    def count(child) -> int:
        client = client_for(sokha)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(child.get_absolute_url()).status_code == 200
        return len(queries.captured_queries)

    mother, child = woman(sokha, siem_reap)
    approved_plan(child, sokha, dara, approved_carer(mother, sokha, dara, child))
    separation = actions.do_record_separation(child, separated_on=TODAY, actor=sokha)
    few = count(child)
    add_carer(mother, sokha, [child], name_latin="Second")
    visit = separation.visits.get()
    time_machine.move_to(dt.datetime(2026, 7, 1, 5, tzinfo=dt.UTC), tick=False)
    actions.do_record_visit(
        visit, {"visited_on": dt.date(2026, 7, 1), "stability": "stable"}, actor=sokha
    )
    assert FollowUpVisit.objects.count() == 2
    assert count(child) == few


def test_a_closed_case_refuses_every_write(sokha, dara, family) -> None:
    mother, child = family
    carer = add_carer(mother, sokha, [child])
    registry.do_request_closure(mother, reason="other", note="Moved abroad.", actor=sokha)
    closure = registry.open_closure(mother)
    registry.do_decide_closure(closure, approve=True, note="", actor=dara)
    with pytest.raises(registry.CaseClosed):
        assess(carer, sokha)
