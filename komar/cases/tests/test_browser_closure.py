"""End to end in Chromium: a social worker asks to close a case, her supervisor approves it from
My work, the file is read-only; the supervisor reopens it. Then the case list sorted and
reassigned by the supervisor; the new pages pass axe-core and fit a phone."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from komar.accounts.models import Role, User
from komar.cases.models import Closure, Mother
from komar.conftest import Shot, log_in, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def test_close_a_case_with_the_supervisors_approval_then_reopen_it(
    page: Page, live_server: LiveServer, sokha: User, dara: User, sophea: Mother, shot: Shot
) -> None:
    log_in(page, live_server, sokha)
    page.goto(f"{live_server.url}{sophea.get_absolute_url()}")
    expect(page).to_have_title(re.compile(sophea.case_number))
    expect(page.locator("#case")).to_contain_text("Responsible social worker")
    page.locator("#case").get_by_role("link", name="Close her case").click()
    page.get_by_role("button", name="Ask to close").click()  # no reason: refused
    expect(page.locator("#error-summary")).to_be_visible()
    page.select_option("#id_reason", label="Released and her children settled")
    page.fill("#id_note", "Released on bail; both children live with her at her mother's.")
    page.get_by_role("button", name="Ask to close").click()
    expect(page.locator(".messages")).to_contain_text("a supervisor will approve or refuse it")
    expect(page.locator("[data-case-status=pending]")).to_be_visible()
    shot("1-asked")
    sign_out(page)

    log_in(page, live_server, dara)
    page.goto(f"{live_server.url}{reverse('tasks:my_work')}")
    page.locator("#closures").get_by_role("link").click()
    page.get_by_role("link", name=re.compile(sophea.case_number)).click()
    expect(page.locator("h1")).to_contain_text(sophea.case_number)
    page.get_by_label("Approve: close her case").check()
    shot("2-decide")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".messages")).to_contain_text("Her case is closed.")
    expect(page.locator("[data-case-status=closed]")).to_contain_text("read-only")
    expect(page.get_by_role("link", name="Correct her details")).to_have_count(0)
    expect(page.get_by_role("link", name="Refer her")).to_have_count(0)
    shot("3-closed-file")
    # Out of the active list; "Closed" shows it.
    page.goto(f"{live_server.url}{reverse('cases:case_list')}")
    expect(page.get_by_role("link", name=sophea.name_latin)).to_have_count(0)
    page.select_option("#id_status", "closed")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=sophea.name_latin).click()

    page.locator("#case").get_by_role("link", name="Reopen her case").click()
    page.fill("#id_reason", "She was arrested again; her children need a plan.")
    page.get_by_role("button", name="Reopen her case").click()
    expect(page.locator(".messages")).to_contain_text("Her case is open again.")
    expect(page.get_by_role("link", name="Correct her details")).to_be_visible()
    closure = Closure.objects.get()
    assert closure.status == "reopened" and closure.decided_by == dara


PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}


def test_the_supervisor_sorts_and_reassigns_and_the_pages_pass_axe(
    page: Page, live_server: LiveServer, sokha: User, dara: User, sophea: Mother, siem_reap
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    leakhena = make_user("leakhena", sokha.organisation, Role.SOCIAL_WORKER, [siem_reap])
    log_in(page, live_server, dara)
    page.goto(f"{live_server.url}{reverse('cases:case_list')}")
    page.get_by_role("link", name="Children", exact=True).click()  # the nearest stay limit first
    expect(page).to_have_url(re.compile(r"sort=limit"))
    page.get_by_role("checkbox", name=sophea.case_number).check()
    page.select_option("#id_assigned_worker", label=str(leakhena))
    page.get_by_role("button", name="Reassign").click()
    expect(page.locator(".messages")).to_contain_text("1 woman is now the case of Leakhena.")
    expect(page).to_have_url(re.compile(r"sort=limit"))
    sophea.refresh_from_db()
    assert sophea.assigned_worker == leakhena
    page.goto(f"{live_server.url}{reverse('cases:caseload')}")
    expect(page.get_by_role("row", name=re.compile("Leakhena"))).to_contain_text("1")

    closure_asked = reverse("cases:closure_new", args=[sophea.code])
    axe = Axe()
    problems = {}
    for url in [
        reverse("cases:case_list"),
        reverse("cases:caseload"),
        reverse("cases:mother_assign", args=[sophea.code]),
        closure_asked,
        reverse("cases:closure_list"),
        sophea.get_absolute_url(),
    ]:
        page.set_viewport_size(PHONE)
        page.goto(f"{live_server.url}{url}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems[url] = f"{width} px wide"
        page.set_viewport_size(LAPTOP)
        results = axe.run(page)
        if results.violations_count:
            problems[url] = results.generate_report()
    assert problems == {}, "\n".join(f"== {url}\n{p}" for url, p in problems.items())
