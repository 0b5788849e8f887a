"""The court report's pages: access for every view, drafting, editing (with a conflict), the
workflow's buttons, the downloads, and the section on her file."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from komar.accounts.models import Organisation, Role, User
from komar.audit.models import AuditEntry
from komar.cases.models import Mother
from komar.conftest import child_inside, client_for, make_user, register
from komar.facilities.models import Facility
from komar.legal.models import CourtReport
from komar.legal.report import SECTION_KEYS
from komar.legal.report_actions import (
    do_approve_report,
    do_change_report,
    do_start_report,
    do_submit_report,
)
from komar.legal.tests.test_report_drafting import screen

Status = CourtReport.Status
pytestmark = pytest.mark.usefixtures("shares_with_legal_aid")


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def sreymom(legal_aid: Organisation, siem_reap: Facility) -> User:
    return make_user("sreymom", legal_aid, Role.SUPERVISOR, [siem_reap])


@pytest.fixture
def draft(vicheka: User, sophea: Mother) -> CourtReport:
    screen(sophea, vicheka)
    return do_start_report(sophea, language="en", actor=vicheka)


@pytest.fixture
def in_review(vicheka: User, draft: CourtReport) -> CourtReport:
    return do_submit_report(draft, actor=vicheka)


@pytest.fixture
def final(sreymom: User, in_review: CourtReport) -> CourtReport:
    return do_approve_report(in_review, actor=sreymom)


def url(name: str, report: CourtReport) -> str:
    return reverse(f"legal:{name}", args=[report.code])


def edit_data(report: CourtReport, **sections: str) -> dict[str, Any]:
    return {"version": report.version, **report.sections, **sections}


# Access: every view.

READ_VIEWS = ["report_detail", "report_pdf", "report_docx"]
WRITE_VIEWS = ["report_edit", "report_submit", "report_approve", "report_return", "report_correct"]


def every_url(report: CourtReport, mother: Mother) -> list[tuple[str, str]]:
    urls = [("get", url(name, report)) for name in [*READ_VIEWS, "report_edit"]]
    urls += [("post", url(name, report)) for name in WRITE_VIEWS]
    new = reverse("legal:report_new", args=[mother.code])
    return [*urls, ("get", new), ("post", new)]


def test_anonymous_is_sent_to_sign_in(client, draft, sophea) -> None:
    for method, address in every_url(draft, sophea):
        response = getattr(client, method)(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith("/login/"), address


def test_an_outsider_gets_a_404(outsider, draft, sophea) -> None:
    client = client_for(outsider)
    for method, address in every_url(draft, sophea):
        assert getattr(client, method)(address).status_code == 404, address


def test_a_researcher_gets_a_403(researcher, draft, sophea) -> None:
    client = client_for(researcher)
    for method, address in every_url(draft, sophea):
        assert getattr(client, method)(address).status_code == 403, address


def test_a_monitor_opens_none_of_it(monitor, final, sophea) -> None:
    """She never opens a woman's file, so none of her court reports: every view is a 403 on
    GET and POST, before any lookup, and nothing is written or logged. A case worker of
    another organisation reads a report without editing it (below)."""
    client = client_for(monitor)
    entries = AuditEntry.objects.count()
    for method, address in every_url(final, sophea):
        assert getattr(client, method)(address).status_code == 403, address
    missing = reverse("legal:report_detail", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(missing).status_code == 403
    assert AuditEntry.objects.count() == entries
    report = CourtReport.objects.get()
    assert report.status == Status.FINAL and report.version == final.version


def test_wrong_methods_are_refused(vicheka, draft) -> None:
    client = client_for(vicheka)
    for name in READ_VIEWS:
        assert client.post(url(name, draft)).status_code == 405, name
    for name in WRITE_VIEWS[1:]:
        assert client.get(url(name, draft)).status_code == 405, name


def test_a_case_worker_of_another_organisation_reads_but_does_not_edit(sokha, draft) -> None:
    client = client_for(sokha)
    assert client.get(url("report_detail", draft)).status_code == 200
    assert client.get(url("report_edit", draft)).status_code == 403
    assert client.post(url("report_submit", draft)).status_code == 403
    assert client.post(url("report_edit", draft), edit_data(draft, health="x")).status_code == 403
    assert CourtReport.objects.get().status == Status.DRAFT


def test_only_a_supervisor_of_the_authors_organisation_reviews(vicheka, dara, in_review) -> None:
    for someone in (vicheka, dara):
        client = client_for(someone)
        assert client.post(url("report_approve", in_review)).status_code == 403
        assert client.post(url("report_return", in_review), {"note": "x"}).status_code == 403
        html = client.get(url("report_detail", in_review)).content.decode()
        assert "Approve: final" not in html
    assert CourtReport.objects.get().status == Status.IN_REVIEW


# Drafting.


def test_a_legal_officer_drafts_a_report_from_her_file(vicheka, sophea) -> None:
    client = client_for(vicheka)
    new = reverse("legal:report_new", args=[sophea.code])
    page = client.get(new)
    assert page.status_code == 200
    assert "not been screened" in page.content.decode()
    response = client.post(new, {"language": "km"})
    report = CourtReport.objects.get()
    assert response["Location"] == url("report_edit", report)
    assert report.author == vicheka and report.language == "km"
    # A second draft is not started: she is sent to the one being written.
    again = client.get(new)
    assert again.status_code == 302 and again["Location"] == report.get_absolute_url()
    client.post(new, {"language": "en"})
    assert CourtReport.objects.count() == 1


def test_a_supervisor_does_not_draft_one(dara, sophea) -> None:
    assert client_for(dara).get(reverse("legal:report_new", args=[sophea.code])).status_code == 403


def test_the_language_is_khmer_or_english(vicheka, sophea) -> None:
    new = reverse("legal:report_new", args=[sophea.code])
    response = client_for(vicheka).post(new, {"language": "fr"})
    assert response.status_code == 200 and 'id="error-summary"' in response.content.decode()
    assert not CourtReport.objects.exists()


# Editing.


def test_the_author_edits_each_section(vicheka, draft) -> None:
    client = client_for(vicheka)
    page = client.get(url("report_edit", draft)).content.decode()
    for key in SECTION_KEYS:
        assert f'name="{key}"' in page
    assert draft.sections["grounds"][:40] in page
    response = client.post(
        url("report_edit", draft), edit_data(draft, additional="Her hearing is on 2 April.")
    )
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()
    report = CourtReport.objects.get()
    assert report.sections["additional"] == "Her hearing is on 2 April." and report.version == 2
    # Opening the form is a view of her file; saving is a change.
    kinds = list(
        AuditEntry.objects.filter(object_code=str(draft.code)).values_list("action", flat=True)
    )
    assert kinds.count("view") == 1 and kinds.count("change") == 1


def test_paragraphs_typed_in_a_browser_stay_paragraphs(vicheka, draft) -> None:
    client = client_for(vicheka)
    # A browser sends a textarea's new lines as CRLF, here those of the drafted text too.
    crlf = {key: text.replace("\n", "\r\n") for key, text in draft.sections.items()}
    data = {**crlf, "version": 1, "additional": "First.\r\n\r\nSecond."}
    client.post(url("report_edit", draft), data)
    report = CourtReport.objects.get()
    assert report.sections["additional"] == "First.\n\nSecond."
    assert report.sections["grounds"] == draft.sections["grounds"]
    html = client.get(url("report_detail", report)).content.decode()
    assert "<p>First.</p><p>Second.</p>" in html


def test_a_conflicting_save_shows_what_the_other_saved_and_keeps_hers(
    vicheka, legal_aid, siem_reap, draft
) -> None:
    colleague = make_user("chanthy", legal_aid, Role.LEGAL_OFFICER, [siem_reap])
    do_change_report(draft, {"health": "Saved by Chanthy."}, expected_version=1, actor=colleague)
    response = client_for(vicheka).post(
        url("report_edit", draft), edit_data(draft, health="Typed by Vicheka.")
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Saved by Chanthy." in html and "Typed by Vicheka." in html
    assert "Chanthy saved it at" in html
    assert 'name="version" value="2"' in html
    assert CourtReport.objects.get().sections["health"] == "Saved by Chanthy."


def test_a_report_in_review_or_final_is_not_edited(vicheka, sreymom, in_review) -> None:
    client = client_for(vicheka)
    for status in (Status.IN_REVIEW, Status.FINAL):
        if status == Status.FINAL:
            do_approve_report(in_review, actor=sreymom)
        before = CourtReport.objects.get()
        response = client.post(url("report_edit", before), edit_data(before, health="Changed"))
        assert response.status_code == 302 and response["Location"] == before.get_absolute_url()
        assert CourtReport.objects.get().sections == before.sections
        assert client.get(url("report_edit", before)).status_code == 302


# The workflow's buttons.


def test_submit_approve_and_the_number(vicheka, sreymom, sophea, draft) -> None:
    author = client_for(vicheka)
    html = author.get(url("report_detail", draft)).content.decode()
    assert "Submit for review" in html and "Approve: final" not in html
    assert author.post(url("report_submit", draft)).status_code == 302
    assert CourtReport.objects.get().status == Status.IN_REVIEW
    supervisor = client_for(sreymom)
    html = supervisor.get(url("report_detail", draft)).content.decode()
    assert "Approve: final" in html and "Return with a note" in html
    response = supervisor.post(url("report_approve", draft), {"note": "Fine."}, follow=True)
    number = f"{sophea.case_number}/R1"
    assert f"Approved: report {number} is final." in response.content.decode()
    report = CourtReport.objects.get()
    assert report.status == Status.FINAL and report.number == number
    html = author.get(url("report_detail", draft)).content.decode()
    assert "Submit for review" not in html and ">Edit<" not in html
    assert "Correct it: a new version" in html


def test_returning_needs_a_note(sreymom, in_review) -> None:
    client = client_for(sreymom)
    response = client.post(url("report_return", in_review), {"note": " "}, follow=True)
    assert "Write a note to say what to change." in response.content.decode()
    assert CourtReport.objects.get().status == Status.IN_REVIEW
    client.post(url("report_return", in_review), {"note": "Add her hearing date."})
    report = CourtReport.objects.get()
    assert report.status == Status.DRAFT and report.review_note == "Add her hearing date."


def test_correcting_a_final_report_starts_a_new_version(vicheka, final) -> None:
    response = client_for(vicheka).post(url("report_correct", final))
    correction = CourtReport.objects.get(supersedes=final)
    assert response["Location"] == url("report_edit", correction)
    html = client_for(vicheka).get(url("report_detail", correction)).content.decode()
    assert final.number in html  # "Corrects SR-…/R1"


# Printed.


def test_the_pdf_is_printed_with_a_fixed_name_and_audited(vicheka, sophea, final) -> None:
    response = client_for(vicheka).get(url("report_pdf", final), REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == 'inline; filename="court-report.pdf"'
    assert "Sophea" not in response["Content-Disposition"]
    entry = AuditEntry.objects.filter(action="view", object_code=str(final.code)).latest("at")
    assert entry.actor == vicheka and entry.mother == sophea and entry.ip_address == "10.0.0.9"


def test_the_docx_is_downloaded_with_a_fixed_name_and_audited(vicheka, sophea, final) -> None:
    response = client_for(vicheka).get(url("report_docx", final))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"] == 'attachment; filename="court-report.docx"'
    assert response.content.startswith(b"PK")
    assert AuditEntry.objects.filter(action="view", object_code=str(final.code)).exists()


def test_the_detail_page_is_a_view_of_her_file(sokha, final) -> None:
    html = client_for(sokha).get(url("report_detail", final)).content.decode()
    assert "Srey Sophea" in html and final.sections["grounds"][:40] in html
    assert AuditEntry.objects.filter(
        action="view", object_code=str(final.code), actor=sokha
    ).exists()


# On her file.


def test_her_file_lists_her_reports_and_offers_to_draft_one(
    sokha, vicheka, dara, sophea, final
) -> None:
    html = client_for(vicheka).get(sophea.get_absolute_url()).content.decode()
    assert 'id="court-reports"' in html
    assert final.number in html and "Final" in html
    assert url("report_pdf", final) in html and url("report_docx", final) in html
    new = reverse("legal:report_new", args=[sophea.code])
    assert new in html  # a legal officer drafts one
    assert new in client_for(sokha).get(sophea.get_absolute_url()).content.decode()
    html = client_for(dara).get(sophea.get_absolute_url()).content.decode()
    assert final.number in html and new not in html
    # A report being written: continued, not started again.
    do_start_report(sophea, actor=vicheka)
    assert new not in client_for(vicheka).get(sophea.get_absolute_url()).content.decode()


def test_her_timeline_shows_the_report_finalised(vicheka, sophea, final) -> None:
    html = client_for(vicheka).get(sophea.get_absolute_url()).content.decode()
    assert f"Court report {final.number} final" in html


def _queries(client: Any, address: str) -> int:
    client.get(address)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured.captured_queries)


def test_her_file_takes_the_same_number_of_queries_however_many_reports(
    sokha, vicheka, sreymom, siem_reap, legal_aid
) -> None:
    def with_reports(count: int, name: str) -> Mother:
        mother = register(sokha, siem_reap, name_latin=name, children=[child_inside()])
        organisation = sokha.organisation
        assert organisation is not None
        for _ in range(count):
            report = do_start_report(mother, actor=sokha)
            report = do_submit_report(report, actor=sokha)
            supervisor = make_user(f"sup{report.pk}", organisation, Role.SUPERVISOR, [siem_reap])
            do_approve_report(report, actor=supervisor)
        return mother

    one, three = with_reports(1, "One Report"), with_reports(3, "Three Reports")
    client = client_for(sokha)
    assert _queries(client, one.get_absolute_url()) == _queries(client, three.get_absolute_url())
