"""In Chromium: a supervisor opens her facility's legal page from "My work" and reads the chart
and the tables, in English and in Khmer; the legal work on a legal officer's "My work", its
full lists and the facility page fit a phone and pass axe-core.

Screenshots are saved under test-output/screenshots/.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from komar.accounts.models import User
from komar.cases.models import Mother
from komar.conftest import Shot, child_inside, log_in, register
from komar.facilities.models import Facility
from komar.legal.models import Application
from komar.legal.tests.test_work import application, decide, hearing, screen

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data", "shares_with_legal_aid"),
]

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}


def legal_work(sokha: User, vicheka: User, siem_reap: Facility, sophea: Mother) -> None:
    """A few months of legal work at Siem Reap, dated back from today."""
    today = timezone.localdate()
    for back, name in ((20, "Chan Kanha"), (50, "Chan Nary"), (80, "Chan Bopha")):
        admitted = today - dt.timedelta(days=back + 10)
        mother = register(
            sokha,
            siem_reap,
            name_latin=name,
            admission_date=admitted,
            children=[child_inside(born=admitted - dt.timedelta(days=200), since=admitted)],
        )
        screen(mother, sokha, today - dt.timedelta(days=back), ["judicial_supervision"])
        filed = application(mother, sokha, today - dt.timedelta(days=back - 2))
        if back > 20:
            decide(filed, sokha, Application.Outcome.REFUSED, today - dt.timedelta(days=back - 9))
        hearing(
            mother,
            sokha,
            today - dt.timedelta(days=back - 5),
            next_on=today + dt.timedelta(days=back // 10),
        )
    application(sophea, vicheka, today - dt.timedelta(days=3))


def test_a_supervisor_reads_her_facilitys_legal_page_in_english_and_khmer(
    page: Page,
    live_server: LiveServer,
    dara: User,
    sokha: User,
    vicheka: User,
    siem_reap: Facility,
    sophea: Mother,
    shot: Shot,
) -> None:
    legal_work(sokha, vicheka, siem_reap, sophea)
    log_in(page, live_server, dara)
    page.goto(f"{live_server.url}{reverse('tasks:my_work')}")
    page.locator("#legal-figures a").click()
    expect(page.locator("h1")).to_contain_text("Siem Reap Provincial Prison")
    expect(page.locator("#scope-note")).to_be_visible()
    chart = page.locator("#chart svg[role=img]")
    expect(chart).to_be_visible()
    assert chart.locator("rect").count() >= 6
    expect(page.locator("#by-month tbody tr")).to_have_count(13)
    expect(page.locator("#by-month tbody tr").last).to_contain_text("3")
    expect(page.locator("#small-note")).to_contain_text("Fewer than 5")
    shot("en")
    page.locator("form.lang-switch button").click()
    expect(page.locator("html")).to_have_attribute("lang", "km")
    expect(page.locator("#chart svg[role=img]")).to_be_visible()
    shot("km")


def test_the_legal_work_pages_fit_a_phone_and_pass_axe(
    page: Page,
    live_server: LiveServer,
    dara: User,
    sokha: User,
    vicheka: User,
    siem_reap: Facility,
    sophea: Mother,
    shot: Shot,
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    legal_work(sokha, vicheka, siem_reap, sophea)
    axe = Axe()
    problems = {}
    pages = {
        vicheka: [
            reverse("tasks:my_work"),
            reverse("legal:work_hearings"),
            reverse("legal:work_to_screen"),
            reverse("legal:work_reports"),
            reverse("legal:work_applications"),
        ],
        dara: [
            reverse("tasks:my_work"),
            reverse("legal:work_reviews"),
            reverse("legal:facility_page", args=[siem_reap.code]),
        ],
    }
    for user, urls in pages.items():
        page.context.clear_cookies()
        log_in(page, live_server, user)
        for url in urls:
            page.set_viewport_size(PHONE)
            page.goto(f"{live_server.url}{url}")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                problems[f"{user} {url}"] = f"{width} px wide"
            page.set_viewport_size(LAPTOP)
            if url == reverse("tasks:my_work"):
                shot(f"my-work-{user.username}")
            results = axe.run(page)
            if results.violations_count:
                problems[f"{user} {url}"] = results.generate_report()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{reverse('legal:facility_page', args=[siem_reap.code])}")
    shot("facility-phone")
    assert problems == {}, "\n".join(f"== {url}\n{p}" for url, p in problems.items())
