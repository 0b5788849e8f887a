"""Closing a case: asked for with a reason, approved by a supervisor of her organisation. A closed
file is read-only (whichever workflow writes), out of the active lists and the rules, still
found by a search; reopening, with a reason, undoes all of it. Nothing is deleted."""

import datetime as dt

import pytest
from django.urls import reverse

from komar.audit.models import AuditEntry
from komar.cases import actions
from komar.cases.models import Closure, Finding, Mother
from komar.conftest import child_inside, client_for, register


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 16, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def flagged(sokha, siem_reap) -> Mother:
    """A woman with a child over the stay limit: an open flag."""
    return register(
        sokha, siem_reap, name_latin="Keo Dalin", children=[child_inside(born=dt.date(2023, 1, 2))]
    )


def ask_to_close(client, mother, reason="settled", note=""):
    return client.post(
        reverse("cases:closure_new", args=[mother.code]), {"reason": reason, "note": note}
    )


def case_list(client, **params):
    response = client.get(reverse("cases:case_list"), params)
    return [row.mother for row in response.context["rows"]]


def test_a_worker_asks_a_supervisor_approves_and_the_file_is_read_only(
    sokha, dara, flagged, legal_aid
) -> None:
    assert Finding.objects.filter(mother=flagged, resolved_at=None).exists()
    worker, supervisor = client_for(sokha), client_for(dara)
    assert ask_to_close(worker, flagged).status_code == 302
    closure = Closure.objects.get()
    assert closure.status == "pending" and closure.requested_by == sokha
    flagged.refresh_from_db()
    assert not flagged.is_closed  # waiting: her file is still open to changes
    assert "waiting for a supervisor" in worker.get(flagged.get_absolute_url()).content.decode()

    # The supervisor sees it on My work and in the list of closures to approve.
    assert supervisor.get(reverse("tasks:my_work")).context["closures_waiting"] == 1
    assert supervisor.get(reverse("cases:closure_list")).context["waiting"] == [closure]
    detail = reverse("cases:closure_detail", args=[closure.code])
    assert worker.get(detail).context["form"] is None  # a worker cannot decide
    assert worker.post(detail, {"decision": "approve"}).status_code == 403
    assert supervisor.post(detail, {"decision": "approve", "note": ""}).status_code == 302

    flagged.refresh_from_db()
    closure.refresh_from_db()
    assert flagged.is_closed and closure.status == "closed" and closure.decided_by == dara
    # Out of the rules: her flags are resolved, saying why.
    findings = list(Finding.objects.filter(mother=flagged))
    assert findings and {f.resolution for f in findings} == {"case_closed"}
    assert all(f.resolved_at is not None for f in findings)
    # Read-only: the file offers no change, and a change posted anyway is refused.
    html = worker.get(flagged.get_absolute_url()).content.decode()
    assert "Correct her details" not in html and "Reopen her case" in html
    response = supervisor.post(
        reverse("cases:referral_new", args=[flagged.code]),
        {
            "to_organisation": legal_aid.pk,
            "service": "legal_aid",
            "reason": "Bail",
            "override_reason": "Urgent",
        },
    )
    assert response.status_code == 403
    assert "Her case is closed: her file is read-only." in response.content.decode()
    assert not flagged.referrals.exists()
    # Nothing was deleted.
    assert flagged.children.count() == 1 and flagged.episodes.count() == 1


def test_withdrawing_a_consent_is_her_right_even_on_a_closed_case(
    sokha, dara, sophea, shares_with_legal_aid, vicheka
) -> None:
    actions.do_request_closure(sophea, reason="settled", note="", actor=dara)
    actions.do_withdraw_consent(
        shares_with_legal_aid, on=dt.date(2026, 3, 16), note="", actor=sokha
    )
    assert client_for(vicheka).get(sophea.get_absolute_url()).status_code == 404


def test_a_closed_case_leaves_the_active_list_but_a_search_finds_it(sokha, dara, flagged, sophea):
    actions.do_request_closure(flagged, reason="lost_contact", note="", actor=dara)
    client = client_for(sokha)
    assert case_list(client) == [sophea]
    assert case_list(client, status="closed") == [flagged]
    assert set(case_list(client, status="all")) == {flagged, sophea}
    found = client.post(reverse("cases:case_list"), {"q": "Keo Dalin"}, follow=True)
    assert [row.mother for row in found.context["rows"]] == [flagged]
    assert "Closed" in found.content.decode()


def test_a_supervisor_closes_at_once_and_reopening_needs_a_reason(sokha, dara, flagged) -> None:
    supervisor = client_for(dara)
    ask_to_close(supervisor, flagged, reason="died")
    flagged.refresh_from_db()
    assert flagged.is_closed and Closure.objects.get().decided_by == dara

    reopen = reverse("cases:mother_reopen", args=[flagged.code])
    worker = client_for(sokha)
    response = worker.post(reopen, {"reason": ""})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert worker.post(reopen, {"reason": "She was not dead: registered twice."}).status_code == 302
    flagged.refresh_from_db()
    closure = Closure.objects.get()
    assert not flagged.is_closed and closure.status == "reopened" and closure.reopened_by == sokha
    # The rules apply again.
    assert Finding.objects.filter(mother=flagged, resolved_at=None).exists()
    entry = AuditEntry.objects.filter(object_code=str(closure.code)).order_by("pk").last()
    assert entry.fields == ["reopen_reason", "status"]
    # And it can be closed again later.
    ask_to_close(worker, flagged, reason="settled")
    assert Closure.objects.filter(status="pending").count() == 1


def test_bad_answers_get_clear_errors(sokha, dara, flagged) -> None:
    worker = client_for(sokha)
    response = ask_to_close(worker, flagged, reason="other", note="")
    assert "Say why her case is closed." in response.content.decode()
    ask_to_close(worker, flagged)
    closure = Closure.objects.get()
    response = client_for(dara).post(
        reverse("cases:closure_detail", args=[closure.code]), {"decision": "refuse", "note": ""}
    )
    assert "Say why the closure is refused." in response.content.decode()
    client_for(dara).post(
        reverse("cases:closure_detail", args=[closure.code]),
        {"decision": "refuse", "note": "Her son is still with a neighbour: find him a carer."},
    )
    closure.refresh_from_db()
    flagged.refresh_from_db()
    assert closure.status == "refused" and not flagged.is_closed
    # Asked twice at once: the second is refused by the action.
    actions.do_request_closure(flagged, reason="settled", note="", actor=sokha)
    with pytest.raises(actions.InvalidAction):
        actions.do_request_closure(flagged, reason="settled", note="", actor=sokha)


def test_the_closure_pages_follow_the_scope(sokha, dara, outsider, vicheka, flagged) -> None:
    ask_to_close(client_for(sokha), flagged)
    closure = Closure.objects.get()
    detail = reverse("cases:closure_detail", args=[closure.code])
    for url in (detail, reverse("cases:closure_new", args=[flagged.code])):
        assert client_for(outsider).get(url).status_code == 404
    assert client_for(outsider).get(reverse("cases:closure_list")).status_code == 403
    assert client_for(sokha).get(reverse("cases:closure_list")).status_code == 403
    assert (
        client_for(sokha).get(reverse("cases:closure_new", args=[flagged.code])).status_code == 302
    )
    anonymous = client_for(sokha)
    anonymous.logout()
    assert anonymous.get(detail).status_code == 302


def test_closing_and_the_caseload_read_in_khmer(sokha, dara, flagged) -> None:
    dara.language = "km"
    dara.save(update_fields=["language"])
    client = client_for(dara)
    form_page = client.get(reverse("cases:closure_new", args=[flagged.code])).content.decode()
    assert "បិទករណីរបស់គាត់" in form_page and "Close her case" not in form_page
    ask_to_close(client, flagged)
    html = client.get(flagged.get_absolute_url()).content.decode()
    assert "បើកករណីរបស់គាត់ឡើងវិញ" in html  # Reopen her case
    for english in ("Her case", "Case number", "Responsible social worker", "Reopen her case"):
        assert f">{english}<" not in html
    caseload = client.get(reverse("cases:caseload")).content.decode()
    assert "Caseloads" not in caseload and "Open cases" not in caseload
