"""The standard access tests for every transitions view: anonymous → sign-in, a role that reads
no cases → 403 before any lookup, outside her scope → 404, wrong methods → 405, and the
supervisor's pages refused to a social worker."""

from __future__ import annotations

import pytest
from django.urls import reverse

from komar.conftest import client_for
from komar.transitions import actions
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

MISSING = "00000000-0000-0000-0000-000000000000"
READS = {
    "transitions:carer_detail",
    "transitions:plan_detail",
    "transitions:plan_carer_pdf",
    "transitions:plan_mother_pdf",
    "transitions:separation_detail",
    "transitions:separation_letter",
}
SUPERVISORS = {"transitions:carer_assessment_decide", "transitions:plan_decide"}


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(NOON_IN_PHNOM_PENH, tick=False)


@pytest.fixture
def records(sokha, dara, siem_reap):
    mother, child = woman(sokha, siem_reap)
    carer = add_carer(mother, sokha, [child])
    assessment = assess(carer, sokha)
    plan = actions.do_submit_plan(
        written_plan(child, sokha, approved_carer(mother, sokha, dara, child)), actor=sokha
    )
    step = actions.do_add_step(
        plan,
        {"kind": "carer_visits", "due_on": TODAY, "responsible": "Grandmother"},
        actor=sokha,
    )
    other_mother, other_child = woman(sokha, siem_reap, name_latin="Other", name_km="ផ្សេង")
    approved_plan(other_child, sokha, dara, approved_carer(other_mother, sokha, dara, other_child))
    separation = actions.do_record_separation(other_child, separated_on=TODAY, actor=sokha)
    return {
        "mother": mother,
        "child": child,
        "carer": carer,
        "assessment": assessment,
        "plan": plan,
        "step": step,
        "separation": separation,
        "visit": separation.visits.get(),
        "outside": other_child,
    }


def all_urls(r):
    """(url name, url, methods the view accepts)."""
    both = {"GET", "POST"}
    rows = [
        ("transitions:carer_new", r["mother"], both),
        ("transitions:carer_detail", r["carer"], {"GET"}),
        ("transitions:carer_edit", r["carer"], both),
        ("transitions:carer_assess", r["carer"], both),
        ("transitions:carer_assessment_decide", r["assessment"], both),
        ("transitions:plan_open", r["child"], {"GET"}),
        ("transitions:separation_new", r["child"], both),
        ("transitions:reintegration_new", r["outside"], both),
        ("transitions:plan_detail", r["plan"], {"GET"}),
        ("transitions:plan_edit", r["plan"], both),
        ("transitions:step_new", r["plan"], both),
        ("transitions:plan_submit", r["plan"], {"POST"}),
        ("transitions:plan_decide", r["plan"], both),
        ("transitions:plan_review", r["plan"], both),
        ("transitions:plan_carer_pdf", r["plan"], {"GET"}),
        ("transitions:plan_mother_pdf", r["plan"], {"GET"}),
        ("transitions:step_done", r["step"], {"POST"}),
        ("transitions:separation_detail", r["separation"], {"GET"}),
        ("transitions:separation_letter", r["separation"], {"GET"}),
        ("transitions:separation_notified", r["separation"], {"POST"}),
        ("transitions:visit_record", r["visit"], both),
    ]
    return [(name, reverse(name, args=[obj.code]), methods) for name, obj, methods in rows]


def test_every_url_is_listed(records) -> None:
    from komar.transitions.urls import urlpatterns

    assert {f"transitions:{p.name}" for p in urlpatterns} == {n for n, _, _ in all_urls(records)}


def test_it_sends_anonymous_users_to_login(client, records) -> None:
    for _, url, methods in all_urls(records):
        for method in methods:
            response = getattr(client, method.lower())(url)
            assert response.status_code == 302, (method, url)
            assert response.url.startswith(reverse("login")), url


def test_it_gives_the_outsider_404_for_every_record(outsider, records) -> None:
    client = client_for(outsider)
    for _, url, methods in all_urls(records):
        for method in methods:
            assert getattr(client, method.lower())(url).status_code == 404, (method, url)


@pytest.mark.parametrize("role", ["researcher", "monitor"])
def test_a_role_that_reads_no_files_is_refused_before_any_lookup(role, request, records) -> None:
    client = client_for(request.getfixturevalue(role))
    for name, url, methods in all_urls(records):
        for method in methods:
            assert getattr(client, method.lower())(url).status_code == 403, (method, url)
        assert client.get(reverse(name, args=[MISSING])).status_code in (403, 405), name


def test_it_answers_404_for_unknown_codes(sokha, records) -> None:
    client = client_for(sokha)
    for name, _url, methods in all_urls(records):
        method = "get" if "GET" in methods else "post"
        assert getattr(client, method)(reverse(name, args=[MISSING])).status_code == 404, name


def test_it_refuses_wrong_methods(sokha, records) -> None:
    client = client_for(sokha)
    for _, url, methods in all_urls(records):
        if "POST" not in methods:
            assert client.post(url).status_code == 405, url
        if "GET" not in methods:
            assert client.get(url).status_code == 405, url
        assert client.put(url).status_code == 405, url


def test_the_social_worker_reads_every_page(sokha, records) -> None:
    client = client_for(sokha)
    for name, url, methods in all_urls(records):
        if name == "transitions:plan_edit":  # submitted: waiting for the supervisor
            assert client.get(url).status_code == 403
        elif "GET" in methods and name not in SUPERVISORS:
            response = client.get(url)
            assert response.status_code in (200, 302), url
            if name in READS:
                assert response.status_code == 200, url


def test_only_a_supervisor_of_her_organisation_decides(sokha, dara, records) -> None:
    for name in SUPERVISORS:
        obj = records["assessment"] if "assessment" in name else records["plan"]
        url = reverse(name, args=[obj.code])
        assert client_for(sokha).get(url).status_code == 403, name
        assert client_for(dara).get(url).status_code == 200, name


def test_a_legal_officer_of_another_organisation_sees_them_once_shared(
    vicheka, records, legal_aid
) -> None:
    from komar.cases import actions as registry

    url = reverse("transitions:plan_detail", args=[records["plan"].code])
    assert client_for(vicheka).get(url).status_code == 404
    registry.do_record_consent(
        records["mother"],
        {
            "purpose": "sharing",
            "organisation": legal_aid,
            "method": "thumbprint",
            "given_on": TODAY,
        },
        actor=records["plan"].created_by,
    )
    assert client_for(vicheka).get(url).status_code == 200
