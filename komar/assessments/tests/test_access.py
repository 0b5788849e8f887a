"""The standard access tests for every assessment and determination view."""

import datetime as dt

import pytest
from django.urls import reverse

from komar.assessments.actions import do_record_determination, do_start_assessment
from komar.assessments.models import Assessment
from komar.audit.models import AuditEntry
from komar.conftest import client_for

# (url name, whose code, methods the view accepts)
VIEWS = [
    ("assessments:assessment_new", "child", {"GET", "POST"}),
    ("assessments:determination_new", "child", {"GET", "POST"}),
    ("assessments:assessment_detail", "assessment", {"GET"}),
    ("assessments:assessment_edit", "assessment", {"GET", "POST"}),
    ("assessments:assessment_submit", "assessment", {"POST"}),
    ("assessments:assessment_approve", "assessment", {"POST"}),
    ("assessments:assessment_return", "assessment", {"POST"}),
    ("assessments:determination_detail", "determination", {"GET"}),
]
# Only supervisors and administrators decide: any other role gets 403 before any lookup.
DECIDE_VIEWS = {"assessments:assessment_approve", "assessments:assessment_return"}


@pytest.fixture
def records(sokha, sophea):
    child = sophea.children.get(name_latin="Sok Vichet")
    assessment = do_start_assessment(
        child,
        {"occasion": "entry", "assessed_on": dt.date(2026, 5, 20)},
        elements={},
        actor=sokha,
    )
    determination = do_record_determination(
        child,
        {
            "held_on": dt.date(2026, 5, 25),
            "decision": "with_mother",
            "decision_reasons": "Too young to be separated.",
            "review_on": dt.date(2026, 8, 25),
        },
        assessment=assessment,
        reasons=["contested"],
        members=[("A", "Chair"), ("B", "Social worker"), ("C", "Health")],
        actor=sokha,
    )
    return {"child": child, "assessment": assessment, "determination": determination}


def all_urls(records):
    return [
        (name, reverse(name, args=[records[whose].code]), methods) for name, whose, methods in VIEWS
    ]


def test_it_sends_anonymous_visitors_to_login(client, records) -> None:
    for _, url, _ in all_urls(records):
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 302, url
            assert response.url.startswith(reverse("login")), url


def test_it_gives_an_outsider_404_for_every_record(outsider, other_ngo, battambang, records):
    from komar.conftest import make_user

    outside_supervisor = make_user("outsup", other_ngo, "supervisor", [battambang])
    for name, url, methods in all_urls(records):
        client = client_for(outside_supervisor if name in DECIDE_VIEWS else outsider)
        for method in methods:
            response = getattr(client, method.lower())(url)
            assert response.status_code == 404, (method, url)


def test_a_role_that_does_not_decide_gets_403_before_any_lookup(sokha, records) -> None:
    client = client_for(sokha)
    zero = "00000000-0000-0000-0000-000000000000"
    for name in DECIDE_VIEWS:
        for code in (zero, records["assessment"].code):
            assert client.post(reverse(name, args=[code])).status_code == 403, name


def test_it_never_opens_personal_files_to_a_researcher(researcher, records) -> None:
    client = client_for(researcher)
    for _, url, methods in all_urls(records):
        for method in methods:
            response = getattr(client, method.lower())(url)
            assert response.status_code == 403, (method, url)
    missing = reverse(
        "assessments:assessment_detail", args=["00000000-0000-0000-0000-000000000000"]
    )
    assert client.get(missing).status_code == 403


def test_it_opens_none_of_it_to_the_facility_monitor(monitor, records) -> None:
    """She never opens a woman's or a child's file: every view is a 403 to her, on every method
    it accepts, before any lookup, and nothing is written or logged. The read-only reader is
    a legal officer of an organisation the file is shared with (below)."""
    client = client_for(monitor)
    entries = AuditEntry.objects.count()
    for _, url, methods in all_urls(records):
        for method in methods:
            response = getattr(client, method.lower())(url)
            assert response.status_code == 403, (method, url)
    missing = reverse(
        "assessments:assessment_detail", args=["00000000-0000-0000-0000-000000000000"]
    )
    assert client.get(missing).status_code == 403
    assert AuditEntry.objects.count() == entries
    assessment = Assessment.objects.get()
    assert assessment.status == Assessment.Status.DRAFT
    assert assessment.version == 1
    assert records["child"].determinations.count() == 1


def test_it_refuses_wrong_methods(sokha, records) -> None:
    client = client_for(sokha)
    for _, url, methods in all_urls(records):
        if "GET" not in methods:
            assert client.get(url).status_code == 405, url
        if "POST" not in methods:
            assert client.post(url).status_code == 405, url
        assert client.delete(url).status_code == 405, url
        assert client.put(url).status_code == 405, url


def test_it_answers_404_for_an_unknown_code(sokha, dara, db) -> None:
    zero = "00000000-0000-0000-0000-000000000000"
    for name, _, methods in VIEWS:
        client = client_for(dara if name in DECIDE_VIEWS else sokha)
        method = "get" if "GET" in methods else "post"
        response = getattr(client, method)(reverse(name, args=[zero]))
        assert response.status_code == 404, name


def test_it_shows_a_legal_officer_of_another_organisation_but_lets_her_change_nothing(
    shares_with_legal_aid, vicheka, records
) -> None:
    client = client_for(vicheka)
    assessment = records["assessment"]
    assert client.get(assessment.get_absolute_url()).status_code == 200
    for name in ("assessment_edit", "assessment_submit", "assessment_approve", "assessment_return"):
        url = reverse(f"assessments:{name}", args=[assessment.code])
        assert client.post(url, {"comments": "No"}).status_code == 403, url
    assert (
        client.get(reverse("assessments:assessment_edit", args=[assessment.code])).status_code
        == 403
    )
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT
    assert assessment.version == 1
    assert not AuditEntry.objects.filter(
        object_code=str(assessment.code), actor=vicheka, action="change"
    ).exists()


def test_a_determination_on_an_assessment_is_recorded_by_the_assessing_organisation(
    shares_with_legal_aid, vicheka, records
) -> None:
    child, assessment = records["child"], records["assessment"]
    url = reverse("assessments:determination_new", args=[child.code])
    client = client_for(vicheka)
    assert client.get(f"{url}?assessment={assessment.code}").status_code == 403
    assert client.get(url).status_code == 200


def test_opening_the_new_assessment_and_determination_forms_is_audited(sokha, records) -> None:
    child = records["child"]
    client = client_for(sokha)
    for name in ("assessments:assessment_new", "assessments:determination_new"):
        AuditEntry.objects.all().delete()
        assert client.get(reverse(name, args=[child.code])).status_code == 200
        assert AuditEntry.objects.filter(action="view", object_code=str(child.code)).exists()
