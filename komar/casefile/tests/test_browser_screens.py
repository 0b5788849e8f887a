"""Every main page in Chromium, in English and in Khmer: it fits a 360 px phone without
scrolling sideways, axe-core finds no accessibility violation on it, and the woman's file and
the child's page print without the controls around them.

The records are built through the real actions: a woman with a child over the stay limit (two
flags), a child near it and one with her grandmother, consent, a counselling session whose review
is due, an assessment awaiting approval and a determination to review. A supervisor opens the
pages, so that her file shows "Who has seen and changed this file".

Screenshots of each page on a phone are saved under test-output/screenshots/ as
phone-<language>-<page>.png, and the printed pages as PDFs with their first page as a PNG.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from komar.accounts.models import Organisation, User
from komar.assessments.actions import do_start_assessment, do_submit_assessment
from komar.assessments.models import Assessment, Determination
from komar.assessments.tests.factories import determine
from komar.cases.actions import do_record_consent
from komar.cases.models import Child, Mother
from komar.conftest import SCREENSHOTS, child_inside, child_with_grandmother, log_in, register
from komar.counselling.actions import do_record_session
from komar.counselling.models import CounsellingSession, Factor
from komar.facilities.models import Facility
from komar.lib.dates import add_months

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}
IP = "203.0.113.77"  # documentation range: the "From address" column of the audit tables

# Khmer is written without spaces between words: a long sentence must still wrap on a phone.
HER_WORDS = "កូនខ្ញុំនៅតូចណាស់ហើយនៅបៅដោះខ្ញុំមិនអាចទុកកូនចោលបានទេ" * 3
NOTES = "Grandmother-in-law's-neighbour's-contact-number-0123456789-changes-often " * 2


@dataclass
class Records:
    mother: Mother
    over_limit: Child
    session: CounsellingSession
    assessment: Assessment
    determination: Determination


def build_records(sokha: User, siem_reap: Facility) -> Records:
    today = timezone.localdate()
    admitted = today - dt.timedelta(days=120)
    mother = register(
        sokha,
        siem_reap,
        admission_date=admitted,
        notes=NOTES,
        children=[
            child_inside(born=add_months(today, -37), since=admitted),
            child_inside(
                born=add_months(today, -34),
                since=admitted,
                name_km="សុខ សុភ័ក្ត្រ",
                name_latin="Sok Sopheaktra",
                sex="female",
            ),
            child_with_grandmother(since=admitted),
        ],
    )
    over_limit, near_limit, outside = (
        mother.children.get(name_latin=name)
        for name in ("Sok Vichet", "Sok Sopheaktra", "Sok Dara")
    )
    do_record_consent(
        mother,
        {
            "purpose": "sharing",
            "organisation": Organisation.objects.create(
                name_en="Legal Aid of Cambodia", name_km="ជំនួយច្បាប់កម្ពុជា", kind="legal_aid"
            ),
            "method": "verbal",
            "witness_name": "Chan Sreymom",
            "given_on": admitted,
        },
        actor=sokha,
        ip=IP,
    )
    breastfeeding = Factor.objects.get(code="P_BREASTFEEDING")
    no_carer = Factor.objects.get(code="E_NO_ALTERNATIVE_CARER")
    session = do_record_session(
        mother,
        {
            "held_on": today - dt.timedelta(days=80),
            "stage": "in_custody",
            "review_on": today + dt.timedelta(days=5),
            "with_prison_staff": True,
            "options_discussed": ["with_mother", "relative"],
            "topics_given": ["food_allowance", "stay_limit", "visiting"],
            "mothers_words": HER_WORDS,
            "preference": "with_mother",
        },
        factors=[breastfeeding, no_carer],
        main_factor=breastfeeding,
        decisions=[
            {"child": near_limit, "decision": "with_mother", "decided_by": "mother"},
            {
                "child": outside,
                "decision": "relative",
                "decided_by": "mother",
                "carer_name": "Yim Sam",
                "notes": NOTES,
            },
        ],
        actor=sokha,
        ip=IP,
    )
    assessment = do_start_assessment(
        over_limit,
        {
            "occasion": "entry",
            "assessed_on": today - dt.timedelta(days=10),
            "options_compared": "With the grandmother in Siem Reap; with the mother.",
            "recommendation": "relative",
            "mother_contests_separation": True,
        },
        elements={
            "views": (HER_WORDS, "no_concern"),
            "care": ("Shares a crowded cell; the mother is his only carer.", "serious_concern"),
        },
        actor=sokha,
        ip=IP,
    )
    assessment = do_submit_assessment(assessment, actor=sokha, ip=IP)
    determination = determine(outside, sokha, review_on=today + dt.timedelta(days=3))
    return Records(mother, over_limit, session, assessment, determination)


def supervisor_pages(r: Records) -> list[tuple[str, str]]:
    """(name, path) of the main pages, as the supervisor opens them: her file first, so that the
    audit history has views to show."""
    child = r.over_limit
    return [
        ("home", "/"),
        ("case-list", "/women/"),
        ("register", "/women/new/"),
        ("file", r.mother.get_absolute_url()),
        ("history", f"/women/{r.mother.code}/history/?kind=views"),
        ("child", child.get_absolute_url()),
        ("session-form", f"/counselling/women/{r.mother.code}/new/"),
        ("session", r.session.get_absolute_url()),
        ("assessment-form", f"/assessments/children/{child.code}/new/"),
        ("assessment", r.assessment.get_absolute_url()),
        ("determination-form", f"/assessments/children/{child.code}/determination/new/"),
        ("determination", f"/assessments/determinations/{r.determination.code}/"),
        ("my-work", "/work/"),
        ("flags", "/work/flags/over_limit/"),
        ("work-list", "/work/lists/transition-plans/"),
        ("rules", "/work/rules/"),
        ("refer", f"/women/{r.mother.code}/refer/"),
        ("referrals", "/women/referrals/"),
        ("case-notes", f"/casework/women/{r.mother.code}/notes/"),
        ("documents", f"/casework/women/{r.mother.code}/documents/"),
        ("note-form", f"/casework/women/{r.mother.code}/notes/new/"),
        ("document-form", f"/casework/women/{r.mother.code}/documents/new/"),
        ("not-found", f"/women/{uuid.uuid4()}/"),
    ]


@dataclass
class Visit:
    """One page open in one browser context, whoever is signed in there."""

    name: str
    page: Page


def _context(browser: Browser, live_server: LiveServer, language: str) -> BrowserContext:
    context = browser.new_context(viewport=PHONE)
    # Before sign-in the language comes from the cookie the language button sets.
    context.add_cookies([{"name": "komar_language", "value": language, "url": live_server.url}])
    return context


def visits(
    browser: Browser,
    live_server: LiveServer,
    language: str,
    sokha: User,
    dara: User,
    researcher: User,
    admin_user: User,
    siem_reap: Facility,
) -> Iterator[Visit]:
    """Open every main page in turn, in `language`, at a phone's size."""
    records = build_records(sokha, siem_reap)
    for user in (dara, researcher, admin_user):
        user.language = language
        user.save(update_fields=["language"])

    anonymous = _context(browser, live_server, language)
    page = anonymous.new_page()
    page.goto(f"{live_server.url}/login/")
    yield Visit("sign-in", page)
    anonymous.close()

    supervisor = _context(browser, live_server, language)
    page = supervisor.new_page()
    log_in(page, live_server, dara)
    for name, path in supervisor_pages(records):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None
        assert response.status == (404 if name == "not-found" else 200), name
        yield Visit(name, page)
        if name == "register":
            page.locator("button[name=add_child]").click()
            expect(page.locator("#id_c0-child-name_latin")).to_be_visible()
            yield Visit("register-with-a-child", page)
    supervisor.close()

    for name, user, path in [
        ("research-home", researcher, "/"),
        ("team", admin_user, "/account/team/"),
    ]:
        context = _context(browser, live_server, language)
        page = context.new_page()
        log_in(page, live_server, user)
        page.goto(f"{live_server.url}{path}")
        yield Visit(name, page)
        context.close()


# Every closed "Why?" and flag history opened: what they hide must fit and pass as well.
OPEN_DETAILS = "document.querySelectorAll('details').forEach(d => { d.open = true; })"

# What sticks out past the right edge of the viewport: the deepest elements, for the message.
OVERFLOWING = """() => {
  const width = window.innerWidth;
  const scrolls = e => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(e).overflowX);
  const insideScroller = e => {
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      if (scrolls(p)) return true;
    }
    return false;
  };
  const out = [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.right > width + 0.5 && r.width > 0 && !insideScroller(e);
  });
  const deepest = out.filter(e => !out.some(o => o !== e && e.contains(o)));
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: width,
    culprits: deepest.slice(0, 5).map(e => {
      const id = e.id ? '#' + e.id : '';
      const named = typeof e.className === 'string' && e.className;
      const cls = named ? '.' + e.className.split(' ').join('.') : '';
      const right = Math.round(e.getBoundingClientRect().right);
      return `${e.tagName.toLowerCase()}${id}${cls} right=${right}`;
    }),
  };
}"""


@pytest.mark.parametrize("speaking", ["en", "km"])
def test_every_main_page_fits_a_phone_and_passes_axe(
    browser: Browser,
    live_server: LiveServer,
    speaking: str,
    sokha: User,
    dara: User,
    researcher: User,
    admin_user: User,
    siem_reap: Facility,
) -> None:
    """Each page is opened once: measured and photographed on a phone, then checked by axe-core
    (every rule it runs by default) on a laptop."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    axe = Axe()
    too_wide: dict[str, dict[str, Any]] = {}
    violations: dict[str, str] = {}
    for visit in visits(
        browser, live_server, speaking, sokha, dara, researcher, admin_user, siem_reap
    ):
        page = visit.page
        page.set_viewport_size(PHONE)
        page.evaluate(OPEN_DETAILS)
        measured: dict[str, Any] = page.evaluate(OVERFLOWING)
        if measured["scrollWidth"] > measured["innerWidth"]:
            too_wide[visit.name] = measured
        page.screenshot(path=SCREENSHOTS / f"phone-{speaking}-{visit.name}.png", full_page=True)

        page.set_viewport_size(LAPTOP)
        results = axe.run(page)
        if results.violations_count:
            violations[visit.name] = results.generate_report()

    wide = [f"{name}: {m['scrollWidth']} px wide, {m['culprits']}" for name, m in too_wide.items()]
    reports = [f"== {name}\n{report}" for name, report in violations.items()]
    assert (too_wide, violations) == ({}, {}), "\n".join(wide + reports)


HIDDEN_IN_PRINT = [
    "header.top",
    "nav",
    "footer.foot",
    "main button",
    "main .button",
    "main form",
    "main a[href*='/history/']",  # the whole audit trail: a page of its own
]
# Links to the pages that change the record: correct, move, withdraw, record something new...
CHANGES = ["edit", "new", "move", "withdraw", "custody", "transfer", "release", "admit", "birth"]
ACTION_LINKS = ", ".join(f"main a[href*='/{path}/']" for path in CHANGES)


def pdf_page_to_png(pdf: bytes, name: str) -> None:
    source = SCREENSHOTS / f"{name}.pdf"
    source.write_bytes(pdf)
    command = ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile"]
    subprocess.run([*command, str(source), str(SCREENSHOTS / name)], check=True)  # noqa: S603


@pytest.mark.parametrize("speaking", ["en", "km"])
def test_her_file_and_a_childs_page_print_without_the_controls(
    page: Page,
    live_server: LiveServer,
    speaking: str,
    sokha: User,
    dara: User,
    siem_reap: Facility,
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    records = build_records(sokha, siem_reap)
    # The supervisor: her file also shows who has seen and changed it.
    dara.language = speaking
    dara.save(update_fields=["language"])
    log_in(page, live_server, dara)
    for name, url in [
        ("file", records.mother.get_absolute_url()),
        ("child", records.over_limit.get_absolute_url()),
    ]:
        page.goto(f"{live_server.url}{url}")
        page.emulate_media(media="screen")
        expect(page.locator("header.top")).to_be_visible()
        expect(page.locator("main a.button").first).to_be_visible()
        action_links = page.locator(ACTION_LINKS)
        assert action_links.count() >= 3
        expect(action_links.first).to_be_visible()

        page.emulate_media(media="print")
        for selector in [*HIDDEN_IN_PRINT, ACTION_LINKS]:
            for element in page.locator(selector).all():
                expect(element).to_be_hidden()
        expect(page.locator("h1")).to_be_visible()
        expect(page.locator("#children, #child-details").first).to_be_visible()
        expect(page.locator("#audit, #placements").first).to_be_visible()
        # Without backgrounds, as browsers print by default.
        pdf = page.pdf(format="A4")
        pdf_page_to_png(pdf, f"test_her_file_and_a_childs_page_print-{speaking}-{name}")
