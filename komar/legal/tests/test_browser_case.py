"""End to end in Chromium, in Khmer: the legal officer opens Chan Sophea's file (shared with her
organisation), records the class of offence and the detention order, sees the days in
pre-trial detention against the legal maximum, records an application for judicial
supervision and the court granting it, and records where the child who lived inside with her
now lives. Every legal-case page must fit a phone and pass axe-core.

Links and fields are found by their address and name, not their words: the Khmer catalogue
may not translate the newest strings yet. Screenshots are saved under test-output/screenshots/.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from komar.accounts.models import User
from komar.cases.models import Consent, Mother
from komar.conftest import SCREENSHOTS, PageChecks, Shot, fill_date, log_in
from komar.legal.models import Application, DetentionOrder, LegalCase
from komar.legal.tests.test_browser_screening import signed_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}
ADMITTED = dt.date(2026, 1, 10)  # Sophea's admission (komar/conftest.py)
FELONY_MAXIMUM = dt.date(2027, 7, 9)  # 18 months from 10 January 2026, less a day


def khmer(text: str) -> str:
    with translation.override("km"):
        return translation.gettext(text)


def khmer_date(day: dt.date) -> str:
    with translation.override("km"):
        return date_format(day, "DATE_FORMAT")


def submit(page: Page) -> None:
    page.locator("main form button[type=submit]").click()


def test_legal_case_to_judicial_supervision_in_khmer(
    page: Page,
    live_server: LiveServer,
    vicheka: User,
    sophea: Mother,
    shares_with_legal_aid: Consent,
    shot: Shot,
) -> None:
    case_to_judicial_supervision(page, live_server, vicheka, sophea, shot)


def case_to_judicial_supervision(
    page: Page, live_server: LiveServer, vicheka: User, sophea: Mother, shot: Shot
) -> None:
    """The legal officer records the legal case and the detention order, files for judicial
    supervision, records the court granting it and where the child inside now lives (also the
    last part of `test_browser_journey`)."""
    vicheka.language = "km"
    vicheka.save(update_fields=["language"])
    today = timezone.localdate()
    episode = sophea.latest_episode
    assert episode is not None
    vichet = sophea.children.get(name_latin="Sok Vichet")
    checks = PageChecks()

    signed_in(page, live_server, vicheka)
    page.goto(f"{live_server.url}{sophea.get_absolute_url()}")
    expect(page.locator("html")).to_have_attribute("lang", "km")
    section = page.locator("#legal-case")
    expect(section.locator("h2")).to_have_text(khmer("Legal case"))
    # Before anything is recorded: counted from her admission, no maximum known.
    expect(section.locator("[data-figure=detention]")).to_contain_text(khmer_date(ADMITTED))
    expect(section.locator("[data-figure=maximum]")).to_contain_text(
        khmer("Not known until the class of offence is recorded.")
    )
    shot("km-1-file")

    # The class of offence.
    section.locator(f"a[href='{reverse('legal:case_edit', args=[episode.code])}']").click()
    expect(page.locator("h1")).to_have_text(khmer("Record the legal case"))
    page.select_option("#id_offence_class", "felony")
    page.fill("#id_investigating_judge", "ចៅក្រម សុខ ជា")
    fill_date(page, "#id_arrested_on", "2026-01-08")
    page.fill("#id_arrested_time", "07:30")
    page.fill("#id_arrest_place", "ប៉ុស្តិ៍នគរបាលពួក")
    checks.check(page, "km-2-case-form")
    shot("km-2-case-form")
    submit(page)
    legal_case = LegalCase.objects.get()
    expect(page).to_have_url(f"{live_server.url}{legal_case.get_absolute_url()}")
    expect(page.locator(".messages")).to_contain_text(khmer("Legal case saved."))
    assert legal_case.offence_class == "felony" and legal_case.episode == episode

    # The detention order, from the case's page.
    page.locator(f"a[href='{reverse('legal:order_new', args=[episode.code])}']").first.click()
    expect(page.locator("#id_kind")).to_have_value("order")
    fill_date(page, "#id_ordered_on", ADMITTED)
    page.fill("#id_term_months", "6")
    page.locator("input[name=grounds][value=evidence]").check()
    page.locator("input[name=grounds][value=appearance]").check()
    checks.check(page, "km-3-order-form")
    submit(page)
    expect(page.locator(".messages")).to_contain_text(khmer("Detention order recorded."))
    order = DetentionOrder.objects.get()
    assert order.grounds == ["appearance", "evidence"] and order.term_months == 6

    # Her file: days in pre-trial detention against the legal maximum.
    page.goto(f"{live_server.url}{sophea.get_absolute_url()}")
    days = (today - ADMITTED).days + 1
    left = (FELONY_MAXIMUM - today).days
    expect(section.locator("[data-figure=detention]")).to_contain_text(str(days))
    maximum = section.locator("[data-figure=maximum]")
    expect(maximum).to_contain_text(khmer_date(FELONY_MAXIMUM))
    expect(maximum).to_contain_text(str(abs(left)))
    expect(section.locator("[data-figure=class]")).to_contain_text(khmer("Felony"))
    section.scroll_into_view_if_needed()
    shot("km-4-file-with-the-maximum")

    # An application for judicial supervision.
    section.locator(f"a[href='{reverse('legal:application_new', args=[episode.code])}']").click()
    page.select_option("#id_kind", "judicial_supervision")
    fill_date(page, "#id_filed_on", today)
    page.fill("#id_note", "ម្ដាយមានកូនតូច អាយុក្រោម ២ ឆ្នាំ")
    checks.check(page, "km-5-application-form")
    submit(page)
    application = Application.objects.get()
    expect(page.locator(f"[data-application='{application.code}']").first).to_be_visible()
    checks.check(page, "km-6-case-page")
    shot("km-6-case-page")

    # The court grants it.
    decide = reverse("legal:application_decide", args=[application.code])
    page.locator(f"#standing a[href='{decide}']").click()
    page.select_option("#id_outcome", "granted")
    fill_date(page, "#id_decided_on", today)
    page.check("input[name=obligations][value=keep_residence]")
    page.check("input[name=obligations][value=report]")
    page.fill("#id_obligations_note", "រស់នៅផ្ទះម្ដាយ និងរាយការណ៍ទៅប៉ុស្តិ៍នគរបាលឃុំរៀងរាល់ខែ")
    checks.check(page, "km-7-decision-form")
    shot("km-7-decision-form")
    submit(page)

    # Her custody ended: where does the child who lived inside with her live now?
    expect(page).to_have_url(
        f"{live_server.url}{reverse('legal:case_children', args=[legal_case.code])}"
    )
    expect(page.locator("h1")).to_have_text(khmer("Where each child lives now"))
    checks.check(page, "km-8-children")
    shot("km-8-children")
    episode.refresh_from_db()
    assert episode.ended_on == today and episode.release_kind == "bail"
    vichet.refresh_from_db()
    assert vichet.is_inside  # nothing moved until she records it

    page.locator(f"#inside a[href='{reverse('cases:child_move', args=[vichet.code])}']").click()
    page.select_option("#id_kind", "mother_outside")
    fill_date(page, "#id_start_date", today)
    submit(page)
    expect(page).to_have_url(re.compile(rf"/women/children/{vichet.code}/$"))
    expect(page.locator(".messages")).to_contain_text(
        khmer("Where the child lives has been recorded.")
    )
    vichet.refresh_from_db()
    assert vichet.current_placement is not None
    assert vichet.current_placement.kind == "mother_outside"

    # Her file no longer asks.
    page.goto(f"{live_server.url}{sophea.get_absolute_url()}")
    expect(page.locator("#legal-children")).to_have_count(0)
    expect(page.locator("#timeline")).to_contain_text(khmer_date(today))
    shot("km-9-file-after")

    # The other legal-case pages fit a phone and pass axe too.
    for name, url in [
        ("hearing-form", reverse("legal:hearing_new", args=[episode.code])),
        ("judgment-form", reverse("legal:judgment", args=[episode.code])),
        ("case-correction", reverse("legal:case_edit", args=[episode.code])),
        ("her-file", sophea.get_absolute_url()),
    ]:
        page.goto(f"{live_server.url}{url}")
        checks.check(page, f"km-{name}")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    checks.assert_none()


def test_legal_case_form_mistakes_in_english(
    page: Page, live_server: LiveServer, sokha: User, sophea: Mother, shot: Shot
) -> None:
    episode = sophea.latest_episode
    assert episode is not None
    checks = PageChecks()
    log_in(page, live_server, sokha)
    page.goto(f"{live_server.url}{reverse('legal:case_edit', args=[episode.code])}")
    fill_date(page, "#id_arrested_on", "2026-01-08")  # and no time
    page.locator("#id_police_custody_extended").check()
    page.fill("#id_minimum_penalty_months", "60")
    page.fill("#id_maximum_penalty_months", "12")
    submit(page)
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("3 answers need correcting")
    expect(page.locator("#id_arrested_on_2")).to_have_value("2026")
    expect(page.locator("#id_minimum_penalty_months")).to_have_value("60")
    checks.check(page, "en-case-form-errors")
    shot("en-case-form-errors")
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_arrested_time")).to_be_focused()
    checks.assert_none()
