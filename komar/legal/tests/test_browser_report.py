"""End to end in Chromium, in Khmer: a legal officer drafts the court report from Sophea's file,
edits a section and submits it; a supervisor of her organisation approves it; the final PDF is
downloaded and rendered as PNG. And the report's pages fit a phone and pass axe.

Screenshots (and the PDF's first page) are saved under test-output/screenshots/.
"""

from __future__ import annotations

import subprocess

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from komar.accounts.models import Organisation, Role, User
from komar.cases.models import Mother
from komar.conftest import SCREENSHOTS, Shot, log_in, make_user
from komar.facilities.models import Facility
from komar.legal.models import CourtReport
from komar.legal.report_actions import do_start_report, do_submit_report
from komar.legal.tests.test_report_drafting import screen

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data", "shares_with_legal_aid"),
]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
ADDED = "សវនាការលើកក្រោយ ថ្ងៃទី២ ខែមេសា ឆ្នាំ២០២៦។"  # "The next hearing: 2 April 2026."


def khmer(text: str) -> str:
    with translation.override("km"):
        return translation.gettext(text)


def pdf_to_png(pdf: bytes, name: str) -> bytes:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    source = SCREENSHOTS / f"{name}.pdf"
    source.write_bytes(pdf)
    command = ["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", "-singlefile"]
    subprocess.run([*command, str(source), str(SCREENSHOTS / name)], check=True)  # noqa: S603
    source.unlink()
    return (SCREENSHOTS / f"{name}.png").read_bytes()


@pytest.fixture
def sreymom(legal_aid: Organisation, siem_reap: Facility) -> User:
    """A supervisor of vicheka's legal-aid organisation, who reads Khmer."""
    return make_user("sreymom", legal_aid, Role.SUPERVISOR, [siem_reap], language="km")


def test_draft_edit_submit_approve_and_print_a_court_report_in_khmer(
    browser: Browser,
    page: Page,
    live_server: LiveServer,
    vicheka: User,
    sreymom: User,
    sophea: Mother,
    shot: Shot,
) -> None:
    screen(sophea, vicheka)
    draft_to_final(browser, page, live_server, vicheka, sreymom, sophea, shot)


def draft_to_final(
    browser: Browser,
    page: Page,
    live_server: LiveServer,
    vicheka: User,
    sreymom: User,
    sophea: Mother,
    shot: Shot,
) -> None:
    """From a screening on her file: the legal officer drafts, edits and submits the report,
    her supervisor approves it, and the final PDF is printed (also the second part of
    `test_browser_journey`)."""
    from komar.legal.tests.test_browser_screening import signed_in

    vicheka.language = "km"
    vicheka.save(update_fields=["language"])
    signed_in(page, live_server, vicheka)
    page.goto(f"{live_server.url}{sophea.get_absolute_url()}")
    expect(page.locator("html")).to_have_attribute("lang", "km")
    reports = page.locator("#court-reports")
    expect(reports).to_contain_text(khmer("Court reports"))
    reports.get_by_role("link", name=khmer("Draft a court report")).click()
    expect(page.locator("h1")).to_have_text(khmer("Draft a court report"))
    expect(page.locator("#id_language")).to_have_value("km")  # the court's language
    shot("1-draft-in-khmer")
    page.get_by_role("button", name=khmer("Draft the report")).click()

    # The draft, drafted from her file, to check and complete.
    report = CourtReport.objects.get(mother=sophea)
    expect(page).to_have_url(f"{live_server.url}{reverse('legal:report_edit', args=[report.code])}")
    expect(page.locator("#id_circumstances")).to_contain_text("ស្រី សុភា")
    expect(page.locator("#id_children")).to_contain_text("សុខ វិចិត្រ")
    page.fill("#id_additional", ADDED)
    shot("2-edit-in-khmer")
    page.get_by_role("button", name=khmer("Save the report")).click()

    expect(page).to_have_url(f"{live_server.url}{report.get_absolute_url()}")
    expect(page.locator("#report-text")).to_contain_text(ADDED)
    page.get_by_role("button", name=khmer("Submit for review")).click()
    expect(page.locator(".messages")).to_contain_text(khmer("Submitted for a supervisor's review."))
    report.refresh_from_db()
    assert report.status == CourtReport.Status.IN_REVIEW
    assert report.sections["additional"] == ADDED
    # The drafted paragraphs, sent back by the browser, are paragraphs still.
    assert report.sections["grounds"].count("\n\n") >= 6
    shot("3-submitted")

    # The supervisor, in her own browser session.
    supervisor = browser.new_context().new_page()
    log_in(supervisor, live_server, sreymom)
    supervisor.goto(f"{live_server.url}{sophea.get_absolute_url()}")
    supervisor.locator("#court-reports").get_by_role("link").first.click()
    expect(supervisor.locator("#report-text")).to_contain_text(ADDED)
    supervisor.fill("#id_note", "ល្អ។")
    supervisor.get_by_role("button", name=khmer("Approve: final")).click()
    report.refresh_from_db()
    assert report.status == CourtReport.Status.FINAL
    assert report.number == f"{sophea.case_number}/R1" and report.reviewer == sreymom
    expect(supervisor.locator("h1")).to_contain_text(report.number)
    supervisor.screenshot(
        path=SCREENSHOTS / "test_draft_a_court_report-4-final.png", full_page=True
    )

    # The final report, printed.
    supervisor.goto(f"{live_server.url}{sophea.get_absolute_url()}")
    link = supervisor.locator("#court-reports a[href$='court-report.pdf']").first
    response = supervisor.request.get(f"{live_server.url}{link.get_attribute('href')}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    png = pdf_to_png(response.body(), "test_draft_a_court_report-5-final-pdf")
    assert png.startswith(b"\x89PNG")
    docx = supervisor.locator("#court-reports a[href$='court-report.docx']").first
    with supervisor.expect_download() as download:
        # A download, never shown in the browser: navigate to it and catch the file.
        supervisor.evaluate("href => { window.location.href = href; }", docx.get_attribute("href"))
    assert download.value.suggested_filename == "court-report.docx"
    supervisor.context.close()


def test_the_report_pages_fit_a_phone_and_pass_axe(
    browser: Browser,
    page: Page,
    live_server: LiveServer,
    vicheka: User,
    sreymom: User,
    sophea: Mother,
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    screen(sophea, vicheka)
    report = do_start_report(sophea, language="km", actor=vicheka)
    axe = Axe()
    problems = {}

    def check(on: Page, address: str) -> None:
        on.set_viewport_size(PHONE)
        on.goto(f"{live_server.url}{address}")
        width = on.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems[address] = f"{width} px wide"
        on.set_viewport_size(LAPTOP)
        results = axe.run(on)
        if results.violations_count:
            problems[address] = results.generate_report()

    log_in(page, live_server, vicheka)
    check(page, report.get_absolute_url())
    check(page, reverse("legal:report_edit", args=[report.code]))
    check(page, sophea.get_absolute_url())
    do_submit_report(report, actor=vicheka)
    supervisor = browser.new_context().new_page()
    log_in(supervisor, live_server, sreymom)
    check(supervisor, report.get_absolute_url())  # with the review form
    # A new draft's page, for a woman with no report yet.
    other = CourtReport.objects.filter(pk=report.pk)
    other.update(status=CourtReport.Status.FINAL, number=f"{sophea.case_number}/R1")
    check(page, reverse("legal:report_new", args=[sophea.code]))
    supervisor.context.close()
    assert problems == {}, "\n".join(f"== {url}\n{p}" for url, p in problems.items())
