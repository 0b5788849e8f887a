"""The legal case's pages: the standard access tests for every view, recording through the
forms (what is wrong shown on its field), a conflicting correction (409, nothing lost), and a
court decision that ends her custody leading to where each child now lives."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from komar.accounts.models import Role
from komar.audit.models import AuditEntry
from komar.cases import actions as registry
from komar.conftest import client_for, make_user
from komar.legal.models import Application, DetentionOrder, Hearing, LegalCase
from komar.legal.tests.test_case_actions import apply, change_case, current, record_case

MISSING = "00000000-0000-0000-0000-000000000000"


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def records(sokha, sophea):
    legal_case = record_case(sophea, sokha, offence_class="felony")
    return {"case": legal_case, "application": apply(sophea, sokha)}


def all_urls(sophea, records):
    """(url name, url, methods the view accepts)."""
    episode = current(sophea).code
    case, application = records["case"].code, records["application"].code
    return [
        ("legal:case_detail", reverse("legal:case_detail", args=[case]), {"GET"}),
        ("legal:case_children", reverse("legal:case_children", args=[case]), {"GET"}),
        ("legal:case_edit", reverse("legal:case_edit", args=[episode]), {"GET", "POST"}),
        ("legal:order_new", reverse("legal:order_new", args=[episode]), {"GET", "POST"}),
        ("legal:hearing_new", reverse("legal:hearing_new", args=[episode]), {"GET", "POST"}),
        (
            "legal:application_new",
            reverse("legal:application_new", args=[episode]),
            {"GET", "POST"},
        ),
        (
            "legal:application_decide",
            reverse("legal:application_decide", args=[application]),
            {"GET", "POST"},
        ),
        ("legal:judgment", reverse("legal:judgment", args=[episode]), {"GET", "POST"}),
    ]


def test_it_sends_anonymous_users_to_login(client, sophea, records) -> None:
    for _, url, methods in all_urls(sophea, records):
        for method in methods:
            response = getattr(client, method.lower())(url)
            assert response.status_code == 302, (method, url)
            assert response.url.startswith(reverse("login")), url


def test_it_gives_the_outsider_404_for_every_record(outsider, sophea, records) -> None:
    client = client_for(outsider)
    for _, url, methods in all_urls(sophea, records):
        for method in methods:
            assert getattr(client, method.lower())(url).status_code == 404, (method, url)


def test_a_legal_officer_sees_her_file_only_once_it_is_shared(vicheka, sophea, records, sokha):
    client = client_for(vicheka)
    for _, url, _methods in all_urls(sophea, records):
        assert client.get(url).status_code == 404, url
    registry.do_record_consent(
        sophea,
        {
            "purpose": "sharing",
            "organisation": vicheka.organisation,
            "method": "signature",
            "given_on": dt.date(2026, 1, 12),
        },
        actor=sokha,
    )
    for _, url, _methods in all_urls(sophea, records):
        assert client.get(url).status_code == 200, url


def test_it_refuses_the_researcher_before_any_lookup(researcher, sophea, records) -> None:
    client = client_for(researcher)
    for name, url, methods in all_urls(sophea, records):
        for method in methods:
            assert getattr(client, method.lower())(url).status_code == 403, (method, url)
        assert client.get(reverse(name, args=[MISSING])).status_code == 403, name


def test_it_opens_none_of_it_to_the_facility_monitor(monitor, sophea, records) -> None:
    """She never opens a woman's file, so none of her legal case: every view is a 403 on GET and
    POST, before any lookup, and nothing is recorded or logged.

    No role reads a file without writing it any more; a closed case is read-only to everyone
    (`test_a_closed_case_is_read_only`)."""
    client = client_for(monitor)
    urls = all_urls(sophea, records)
    entries = AuditEntry.objects.count()
    counts = [model.objects.count() for model in (DetentionOrder, Hearing, Application)]
    for name, url, methods in urls:
        for method in methods:
            assert getattr(client, method.lower())(url).status_code == 403, (method, url)
        assert client.get(reverse(name, args=[MISSING])).status_code == 403, name
    assert AuditEntry.objects.count() == entries
    assert [model.objects.count() for model in (DetentionOrder, Hearing, Application)] == counts
    assert LegalCase.objects.get().version == records["case"].version
    assert Application.objects.get().outcome == Application.Outcome.PENDING


def test_it_refuses_wrong_methods(sokha, sophea, records) -> None:
    client = client_for(sokha)
    for _, url, methods in all_urls(sophea, records):
        if "POST" not in methods:
            assert client.post(url).status_code == 405, url
        assert client.put(url).status_code == 405, url
        assert client.delete(url).status_code == 405, url


def test_it_answers_404_for_unknown_codes(sokha) -> None:
    client = client_for(sokha)
    for name in [
        "legal:case_detail",
        "legal:case_children",
        "legal:case_edit",
        "legal:order_new",
        "legal:hearing_new",
        "legal:application_new",
        "legal:application_decide",
        "legal:judgment",
    ]:
        assert client.get(reverse(name, args=[MISSING])).status_code == 404, name


def test_a_prison_social_worker_in_her_facility_reads_and_writes(
    prison_department, siem_reap, sophea, records
) -> None:
    worker = make_user("chenda", prison_department, Role.SOCIAL_WORKER, [siem_reap])
    client = client_for(worker)
    for _, url, _methods in all_urls(sophea, records):
        assert client.get(url).status_code == 200, url


def test_a_closed_case_is_read_only(sokha, dara, sophea, records) -> None:
    registry.do_request_closure(sophea, reason="other", note="Moved abroad", actor=dara)
    client = client_for(sokha)
    detail = client.get(records["case"].get_absolute_url()).content.decode()
    assert "Record a hearing" not in detail
    assert "Record the decision" not in detail
    children = reverse("legal:case_children", args=[records["case"].code])
    assert client.get(children).status_code == 200
    url = reverse("legal:hearing_new", args=[current(sophea).code])
    response = client.post(url, {"held_on": "2026-03-02", "kind": "questioning"})
    assert response.status_code == 403
    assert not Hearing.objects.exists()


# -- Recording the case's facts


def case_form(**overrides):
    return {
        "arrested_on": "2026-01-08",
        "arrested_time": "07:30",
        "arrest_place": "Puok police post",
        "custody_from_on": "2026-01-08",
        "custody_from_time": "08:00",
        "custody_until_on": "2026-01-10",
        "custody_until_time": "14:00",
        "offence_class": "misdemeanour",
        "is_violent": "false",
        "minimum_penalty_months": "6",
        "maximum_penalty_months": "24",
        "investigating_judge": "Judge Sok Chea",
        "lawyer": "",
        "lawyer_assigned_on": "",
        "notes": "",
        "episode_version": "1",
        **overrides,
    }


def test_the_form_opens_empty_with_the_class_not_known(sokha, sophea) -> None:
    response = client_for(sokha).get(reverse("legal:case_edit", args=[current(sophea).code]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Record the legal case</h1>" in html
    assert '<option value="" selected>Not known yet</option>' in html
    assert "On the 24-hour clock" in html and 'class="error-summary"' not in html


def test_it_records_the_case_in_her_time_zone(sokha, sophea) -> None:
    client = client_for(sokha)
    response = client.post(
        reverse("legal:case_edit", args=[current(sophea).code]), case_form(), REMOTE_ADDR="10.0.0.9"
    )
    legal_case = LegalCase.objects.get()
    assert response.status_code == 302 and response.url == legal_case.get_absolute_url()
    # 07:30 in Phnom Penh (UTC+7) is 00:30 UTC.
    assert legal_case.arrested_at == dt.datetime(2026, 1, 8, 0, 30, tzinfo=dt.UTC)
    assert legal_case.police_custody_end == dt.datetime(2026, 1, 10, 7, 0, tzinfo=dt.UTC)
    assert legal_case.offence_class == "misdemeanour" and legal_case.is_violent is False
    entry = AuditEntry.objects.get(object_code=str(legal_case.code))
    assert entry.ip_address == "10.0.0.9" and "Puok" not in str(entry.fields)
    page = client.get(legal_case.get_absolute_url()).content.decode()
    assert "54 hours" in page and "48 allowed" in page and "6 hours over" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"arrested_time": ""}, "arrested_time", "Enter the time too"),
        ({"arrested_on": ""}, "arrested_on", "Enter the date too."),
        ({"arrested_time": "25:00"}, "arrested_time", "Enter a valid time."),
        ({"arrested_on": "2026-01-12"}, "arrested_on", "after her admission to prison"),
        ({"custody_from_time": "07:00"}, "custody_from_on", "before her arrest"),
        ({"custody_until_on": "2026-03-21"}, "custody_until_on", "This date is in the future."),
        ({"police_custody_extended": "on"}, "extension_authorised_by", "authorised the extension"),
        ({"minimum_penalty_months": "30"}, "maximum_penalty_months", "less than the minimum"),
        ({"lawyer_assigned_on": "2026-02-01"}, "lawyer", "Enter the lawyer's name"),
    ],
)
def test_what_is_wrong_is_shown_on_its_field(sokha, sophea, overrides, field, message) -> None:
    response = client_for(sokha).post(
        reverse("legal:case_edit", args=[current(sophea).code]), case_form(**overrides)
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert 'class="error-summary"' in response.content.decode()
    assert not LegalCase.objects.exists()


def test_the_lawyer_typed_is_saved_on_her_custody(vicheka, sophea, shares_with_legal_aid) -> None:
    client_for(vicheka).post(
        reverse("legal:case_edit", args=[current(sophea).code]),
        case_form(lawyer="Meas Dara, Legal Aid", lawyer_assigned_on="2026-02-01"),
    )
    episode = current(sophea)
    assert episode.lawyer == "Meas Dara, Legal Aid"
    assert LegalCase.objects.get().lawyer_assigned_on == dt.date(2026, 2, 1)


def test_a_correction_opens_with_what_is_saved_and_logs_a_view(sokha, sophea) -> None:
    client = client_for(sokha)
    url = reverse("legal:case_edit", args=[current(sophea).code])
    client.post(url, case_form())
    html = client.get(url).content.decode()
    assert "<h1>Correct the legal case</h1>" in html
    assert 'name="arrested_time" value="07:30"' in html
    assert 'name="arrested_on_day" value="8"' in html
    legal_case = LegalCase.objects.get()
    assert AuditEntry.objects.filter(object_code=str(legal_case.code), action="view").exists()


def test_a_conflicting_correction_shows_what_was_saved_and_keeps_what_she_typed(
    sokha, dara, sophea
) -> None:
    client = client_for(sokha)
    url = reverse("legal:case_edit", args=[current(sophea).code])
    client.post(url, case_form())
    legal_case = LegalCase.objects.get()
    change_case(legal_case, dara, investigating_judge="Judge Keo Sina")  # version 2
    response = client.post(
        url, case_form(version="1", investigating_judge="Judge Sok Chea", arrest_place="Puok")
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved this record while you were editing" in html
    assert "Judge Keo Sina" in html  # what Dara saved
    assert 'value="Judge Sok Chea"' in html and 'value="Puok"' in html  # what she typed
    assert 'name="version" value="2"' in html
    legal_case.refresh_from_db()
    assert legal_case.investigating_judge == "Judge Keo Sina"
    # Saving again keeps her version, deliberately.
    data = case_form(version="2", investigating_judge="Judge Sok Chea", arrest_place="Puok")
    assert client.post(url, data).status_code == 302
    legal_case.refresh_from_db()
    assert legal_case.investigating_judge == "Judge Sok Chea"


# -- Orders, hearings, applications, decisions


def test_it_records_a_detention_order_with_its_grounds(sokha, sophea) -> None:
    client = client_for(sokha)
    url = reverse("legal:order_new", args=[current(sophea).code])
    assert '<option value="order" selected>' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "kind": "order",
            "ordered_on": "2026-01-10",
            "term_months": "4",
            "grounds": ["evidence", "appearance"],
        },
    )
    order = DetentionOrder.objects.get()
    assert response.url == order.legal_case.get_absolute_url()
    assert order.grounds == ["appearance", "evidence"] and order.recorded_by == sokha
    page = client.get(order.legal_case.get_absolute_url()).content.decode()
    assert "To preserve evidence" in page and "To ensure she appears before the court" in page
    # The next one is offered as an extension.
    assert '<option value="extension" selected>' in client.get(url).content.decode()


def test_a_term_out_of_bounds_is_refused(sokha, sophea) -> None:
    response = client_for(sokha).post(
        reverse("legal:order_new", args=[current(sophea).code]),
        {"kind": "order", "ordered_on": "2026-01-10", "term_months": "0"},
    )
    assert "term_months" in response.context["form"].errors


def test_it_records_a_hearing_with_the_court_offered(sokha, sophea) -> None:
    episode = current(sophea)
    registry.do_change_episode(
        episode, {"court": "Siem Reap Provincial Court"}, expected_version=1, actor=sokha
    )
    client = client_for(sokha)
    url = reverse("legal:hearing_new", args=[episode.code])
    assert 'value="Siem Reap Provincial Court"' in client.get(url).content.decode()
    client.post(
        url,
        {
            "held_on": "2026-03-02",
            "kind": "detention",
            "court": "Siem Reap Provincial Court",
            "outcome": "Detention maintained.",
            "next_on": "2026-04-06",
        },
    )
    assert Hearing.objects.get().next_on == dt.date(2026, 4, 6)


def test_judicial_supervision_granted_leads_to_where_each_child_now_lives(
    vicheka, sophea, shares_with_legal_aid
) -> None:
    client = client_for(vicheka)
    client.post(
        reverse("legal:application_new", args=[current(sophea).code]),
        {"kind": "judicial_supervision", "filed_on": "2026-03-02", "note": ""},
    )
    application = Application.objects.get()
    url = reverse("legal:application_decide", args=[application.code])
    page = client.get(url).content.decode()
    assert "her custody ends on the day of the decision" in page
    response = client.post(
        url,
        {
            "outcome": "granted",
            "decided_on": "2026-03-18",
            "obligations": ["keep_residence", "report"],
            "obligations_note": "Her mother's house; the commune police monthly.",
            "version": "1",
        },
        follow=True,
    )
    legal_case = application.legal_case
    assert response.redirect_chain[-1][0] == reverse("legal:case_children", args=[legal_case.code])
    html = response.content.decode()
    assert "Her custody has ended" in html
    child = sophea.children.get(name_latin="Sok Vichet")
    assert reverse("cases:child_move", args=[child.code]) in html
    other = sophea.children.get(name_latin="Sok Dara")
    assert reverse("cases:child_move", args=[other.code]) not in html  # lives with grandmother
    episode = current(sophea)
    assert episode.ended_on == dt.date(2026, 3, 18) and episode.release_kind == "bail"
    application.refresh_from_db()
    assert application.obligations == ["keep_residence", "report"]
    assert application.obligations_note == "Her mother's house; the commune police monthly."
    # The case's page lists them by their labels.
    detail = client.get(legal_case.get_absolute_url()).content.decode()
    row = detail[detail.index(f'data-application="{application.code}"') :]
    assert "<li>To report to the police or gendarmerie unit the judge names</li>" in row
    assert "Her mother&#x27;s house; the commune police monthly." in row


def test_a_decision_with_an_unknown_obligation_is_refused(sokha, sophea) -> None:
    application = apply(sophea, sokha)
    response = client_for(sokha).post(
        reverse("legal:application_decide", args=[application.code]),
        {
            "outcome": "granted",
            "decided_on": "2026-03-18",
            "obligations": ["report", "exile"],
            "obligations_note": "Typed, and kept.",
            "version": "1",
        },
    )
    assert response.status_code == 200
    assert "exile is not one of the available choices" in response.content.decode()
    assert "Typed, and kept." in response.content.decode()
    application.refresh_from_db()
    assert application.outcome == "pending" and application.obligations == []


def test_a_decision_without_an_outcome_is_refused(sokha, sophea) -> None:
    application = apply(sophea, sokha)
    response = client_for(sokha).post(
        reverse("legal:application_decide", args=[application.code]),
        {"outcome": "", "decided_on": "2026-03-18", "version": "1"},
    )
    assert "Choose the court's decision." in response.context["form"].errors["outcome"]
    application.refresh_from_db()
    assert application.outcome == "pending"


def test_a_conflicting_decision_is_a_409(sokha, dara, sophea) -> None:
    from komar.legal.tests.test_case_actions import decide

    application = apply(sophea, sokha)
    decide(application, dara, outcome="refused", decided_on=dt.date(2026, 3, 10))
    response = client_for(sokha).post(
        reverse("legal:application_decide", args=[application.code]),
        {"outcome": "granted", "decided_on": "2026-03-18", "version": "1"},
    )
    assert response.status_code == 409
    assert "Refused" in response.content.decode()
    assert current(sophea).is_open


def test_a_prison_judgment_says_she_is_sentenced(sokha, sophea) -> None:
    client = client_for(sokha)
    response = client.post(
        reverse("legal:judgment", args=[current(sophea).code]),
        {"judgment_on": "2026-03-16", "judgment": "prison", "prison_months": "24"},
        follow=True,
    )
    assert "Her legal status is now “Sentenced”." in response.content.decode()
    assert current(sophea).legal_status == "sentenced"


def test_a_judgment_needs_what_its_kind_sets(sokha, sophea) -> None:
    response = client_for(sokha).post(
        reverse("legal:judgment", args=[current(sophea).code]),
        {"judgment_on": "2026-03-16", "judgment": "suspended", "prison_months": "12"},
    )
    assert "suspended_months" in response.context["form"].errors
    assert not LegalCase.objects.exists()


def test_the_case_page_lists_everything_in_a_fixed_number_of_queries(sokha, sophea) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from komar.legal.tests.test_case_actions import hearing, order

    legal_case = record_case(sophea, sokha, offence_class="felony")
    client = client_for(sokha)

    def count() -> int:
        client.get(legal_case.get_absolute_url())
        with CaptureQueriesContext(connection) as captured:
            assert client.get(legal_case.get_absolute_url()).status_code == 200
        return len(captured.captured_queries)

    order(sophea, sokha)
    hearing(sophea, sokha)
    apply(sophea, sokha)
    small = count()
    order(sophea, sokha, dt.date(2026, 3, 1), 2, kind="extension")
    for day in (3, 4, 5):
        hearing(sophea, sokha, dt.date(2026, 2, day))
        apply(sophea, sokha, dt.date(2026, 3, day))
    assert count() == small
    assert timezone.localdate() == dt.date(2026, 3, 20)


def test_the_childrens_page_takes_the_same_number_of_queries_however_many_children(
    sokha, siem_reap
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from komar.conftest import child_inside, child_with_grandmother, register
    from komar.legal.tests.test_case_actions import decide

    client = client_for(sokha)

    def count(mother) -> int:
        decide(apply(mother, sokha), sokha)
        url = reverse("legal:case_children", args=[LegalCase.objects.get(mother=mother).code])
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    one = register(sokha, siem_reap, children=[child_inside()])
    many = register(
        sokha,
        siem_reap,
        name_latin="Chan Sophea",
        children=[child_inside(), child_inside(born=dt.date(2024, 5, 1)), child_with_grandmother()],
    )
    assert count(one) == count(many)
