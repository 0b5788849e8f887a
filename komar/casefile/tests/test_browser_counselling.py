"""End-to-end in Chromium: counsel a mother in Khmer and print her summary; assess a child's best
interests and have it approved; see a flag and the rule that raised it.

Screenshots (and the summary PDF rendered as PNG) are saved under test-output/screenshots/.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from komar.accounts.models import User
from komar.assessments.models import Assessment
from komar.cases.models import Mother
from komar.conftest import SCREENSHOTS, Shot, child_inside, log_in, register
from komar.counselling.models import ChildDecision, CounsellingSession, Factor
from komar.facilities.models import Facility
from komar.lib.dates import add_months

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def khmer(text: str) -> str:
    with translation.override("km"):
        return translation.gettext(text)


def pdf_to_png(pdf: bytes, name: str) -> bytes:
    """Render the first page as a PNG under the screenshots, and return the PNG."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    source = SCREENSHOTS / f"{name}.pdf"
    source.write_bytes(pdf)
    command = ["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", "-singlefile"]
    subprocess.run([*command, str(source), str(SCREENSHOTS / name)], check=True)  # noqa: S603
    return (SCREENSHOTS / f"{name}.png").read_bytes()


def test_counsel_a_mother_in_khmer_and_print_her_summary(
    page: Page, live_server: LiveServer, sokha: User, sophea: Mother, shot: Shot
) -> None:
    sokha.language = "km"
    sokha.save(update_fields=["language"])
    vichet = sophea.children.get(name_latin="Sok Vichet")
    dara = sophea.children.get(name_latin="Sok Dara")
    breastfeeding = Factor.objects.get(code="P_BREASTFEEDING")
    no_carer = Factor.objects.get(code="E_NO_ALTERNATIVE_CARER")

    log_in(page, live_server, sokha)
    page.goto(f"{live_server.url}{sophea.get_absolute_url()}")
    expect(page.locator("html")).to_have_attribute("lang", "km")
    page.locator(f"a[href='/counselling/women/{sophea.code}/new/']").click()
    expect(page.locator("h1")).to_have_text(khmer("Record a counselling session"))
    # The facility facts she is told come from the prison's record.
    expect(page.locator("#information")).to_contain_text("1,750")

    page.select_option("#id_stage", "in_custody")
    page.check("#id_with_prison_staff")
    page.check("input[name=options_discussed][value=with_mother]")
    page.check("input[name=options_discussed][value=relative]")
    for topic in ("food_allowance", "child_friendly_space", "stay_limit", "visiting"):
        page.check(f"input[name=topics_given][value={topic}]")
    page.check(f"input[name=factors][value='{breastfeeding.pk}']")
    page.check(f"input[name=factors][value='{no_carer.pk}']")
    page.check(f"input[name=main_factor][value='{breastfeeding.pk}']")
    page.fill("#id_mothers_words", "កូននៅបៅដោះ ខ្ញុំមិនអាចទុកកូនចោលបានទេ។")
    page.select_option("#id_preference", "with_mother")
    page.select_option(f"#id_child-{vichet.code}-decision", "with_mother")
    page.select_option(f"#id_child-{vichet.code}-decided_by", "mother")
    page.select_option(f"#id_child-{dara.code}-decision", "relative")
    page.select_option(f"#id_child-{dara.code}-decided_by", "mother")  # never chosen for her
    page.fill(f"#id_child-{dara.code}-carer_name", "Yim Sam")
    shot("1-form-in-khmer")
    page.locator("form button[type=submit].primary").click()

    expect(page.locator(".messages")).to_contain_text(khmer("Counselling session recorded."))
    session = CounsellingSession.objects.get(mother=sophea)
    expect(page).to_have_url(f"{live_server.url}{session.get_absolute_url()}")
    assert session.counsellor == sokha
    assert {sf.factor.code: sf.is_main for sf in session.session_factors.all()} == {
        "P_BREASTFEEDING": True,
        "E_NO_ALTERNATIVE_CARER": False,
    }
    decisions = {d.child: d for d in ChildDecision.objects.filter(session=session)}
    assert decisions[vichet].decision == "with_mother"
    assert decisions[dara].carer_name == "Yim Sam"
    expect(page.locator("main")).to_contain_text("កូននៅបៅដោះ")
    shot("2-session-in-khmer")

    link = page.locator("a[href$='summary.pdf']").first
    response = page.request.get(f"{live_server.url}{link.get_attribute('href')}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    png = pdf_to_png(response.body(), "test_counsel_a_mother_in_khmer-3-summary-pdf")
    assert png.startswith(b"\x89PNG")


def test_submit_an_assessment_and_have_it_approved(
    browser: Browser,
    page: Page,
    live_server: LiveServer,
    sokha: User,
    dara: User,
    sophea: Mother,
    shot: Shot,
) -> None:
    vichet = sophea.children.get(name_latin="Sok Vichet")
    log_in(page, live_server, sokha)
    page.goto(f"{live_server.url}{vichet.get_absolute_url()}")
    page.get_by_role("link", name="Start an assessment").click()
    page.select_option("#id_occasion", "entry")
    page.fill("#id_element-views-evidence", "Smiles and reaches for his mother.")
    page.select_option("#id_element-views-rating", "no_concern")
    page.fill("#id_element-care-evidence", "Shares a crowded cell; the mother is his only carer.")
    page.select_option("#id_element-care-rating", "some_concern")
    page.fill("#id_options_compared", "With the mother; with the grandmother in Siem Reap.")
    page.select_option("#id_recommendation", "with_mother")
    page.locator("button[name=save]").click()
    expect(page.locator("h1")).to_contain_text("Best-interests assessment")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator("main")).to_contain_text("Submitted for approval")
    shot("1-submitted")
    assessment = Assessment.objects.get(child=vichet)
    assert assessment.status == Assessment.Status.SUBMITTED

    # The supervisor, in her own browser session.
    supervisor = browser.new_context().new_page()
    log_in(supervisor, live_server, dara)
    supervisor.get_by_role("link", name="My work").click()
    supervisor.locator("#approvals").get_by_role("link", name=vichet.display_name).click()
    supervisor.fill("#id_comments", "Agreed. Review before his third birthday.")
    supervisor.get_by_role("button", name="Approve").click()
    expect(supervisor.locator("main")).to_contain_text("Approved")
    supervisor.screenshot(path=SCREENSHOTS / "test_submit_an_assessment-2-approved.png")
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.APPROVED
    assert assessment.decided_by == dara


def test_see_a_flag_and_the_rule_that_raised_it(
    page: Page, live_server: LiveServer, sokha: User, siem_reap: Facility, shot: Shot
) -> None:
    born = add_months(timezone.localdate(), -37)
    mother = register(
        sokha, siem_reap, children=[child_inside(born=born, since=dt.date(2026, 1, 10))]
    )
    child = mother.children.get()
    log_in(page, live_server, sokha)
    page.get_by_role("link", name="My work").click()
    flag = page.locator("#flags details[data-rule=determination_required]")
    expect(flag).to_contain_text("A formal best-interests determination is required")
    flag.locator("summary").click()
    explanation = flag.locator(".explain")
    expect(explanation).to_be_visible()
    expect(explanation).to_contain_text("Rule: A formal best-interests determination is required")
    expect(explanation).to_contain_text("version 2")
    expect(explanation).to_contain_text("Bangkok Rule 52")
    expect(explanation).to_contain_text("the child is over the stay limit")
    shot("1-flag-explained")

    page.locator("#flags").get_by_role("link", name=child.display_name).first.click()
    expect(page).to_have_url(re.compile(rf"/women/children/{child.code}/$"))
    expect(page.locator("#findings details[data-rule=determination_required]")).to_be_visible()
    shot("2-child-with-flag")
