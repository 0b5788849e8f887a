"""End to end in Chromium: a woman is referred to a legal-aid organisation, and a legal officer of
that organisation finds the referral in My work and accepts it, which opens her file to her.

In English, a social worker refers her with her consent to share her file with the legal-aid
organisation (that consent alone already opens the file to it: komar/cases/access.py). In Khmer,
a supervisor refers her without that consent, saying why; her file stays a 404 to the legal
officer until she accepts the referral. Each referral page must fit a phone and pass axe-core.
Screenshots are saved under test-output/screenshots/.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from komar.accounts.models import Organisation, User
from komar.audit.models import AuditEntry
from komar.cases.models import Consent, Mother, Referral
from komar.conftest import SCREENSHOTS, PageChecks, Shot, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}
REASON = "Pre-trial for 6 months; she asks for a lawyer to request bail."


def khmer(text: str) -> str:
    with translation.override("km"):
        return translation.gettext(text)


def refer(page: Page, live_server: LiveServer, mother: Mother, legal_aid: Organisation) -> None:
    """From her file: Refer her, choose the service and the organisation, say why, send."""
    page.goto(f"{live_server.url}{mother.get_absolute_url()}")
    page.locator(
        f"#referrals a[href='{reverse('cases:referral_new', args=[mother.code])}']"
    ).click()
    expect(page).to_have_url(re.compile(rf"/women/{mother.code}/refer/$"))
    page.select_option("#id_to_organisation", str(legal_aid.pk))
    page.select_option("#id_service", Referral.Service.LEGAL_AID.value)
    page.fill("#id_reason", REASON)


def open_the_waiting_referral(page: Page, referral: Referral) -> None:
    """From My work, to the referrals waiting for her organisation, to this one."""
    page.locator("nav.main-nav a[href='/work/']").click()
    page.locator(f"#referrals a[href='{reverse('cases:referral_list')}']").click()
    expect(page).to_have_url(re.compile(r"/women/referrals/$"))
    page.locator(f"main a[href='{reverse('cases:referral_detail', args=[referral.code])}']").click()
    expect(page).to_have_url(re.compile(rf"/women/referrals/{referral.code}/$"))


def accept(page: Page) -> None:
    page.check("input[name=answer][value=accept]")
    page.locator("main form button[type=submit]").click()


def test_a_social_worker_refers_her_with_her_consent_and_the_legal_officer_accepts(
    browser: Browser,
    page: Page,
    live_server: LiveServer,
    sokha: User,
    vicheka: User,
    sophea: Mother,
    legal_aid: Organisation,
    shares_with_legal_aid: Consent,
    shot: Shot,
) -> None:
    checks = PageChecks(screenshots="test_browser_referral")
    log_in(page, live_server, sokha)
    refer(page, live_server, sophea, legal_aid)
    expect(page.locator("h1")).to_have_text("Refer her to another organisation")
    # With her consent to share with this organisation, a social worker needs no override.
    expect(page.locator("#id_override_reason")).to_have_count(0)
    checks.check(page, "en-1-refer")
    page.get_by_role("button", name="Send the referral").click()

    expect(page).to_have_url(f"{live_server.url}{sophea.get_absolute_url()}")
    expect(page.locator(".messages")).to_contain_text("Referral sent to Legal Aid.")
    expect(page.locator("#referrals")).to_contain_text("Waiting for an answer")
    shot("en-2-her-file-after-referring")
    referral = Referral.objects.get()
    assert referral.mother == sophea and referral.to_organisation == legal_aid
    assert referral.consent == shares_with_legal_aid and referral.referred_by == sokha
    assert referral.status == Referral.Status.PENDING

    # The legal officer, in her own browser session.
    context = browser.new_context()
    legal = context.new_page()
    log_in(legal, live_server, vicheka)
    legal.get_by_role("link", name="My work").click()
    expect(legal.locator("#referrals")).to_contain_text(
        "1 referral waits for your organisation's answer."
    )
    open_the_waiting_referral(legal, referral)
    expect(legal.locator("h1")).to_have_text("Referral: Legal aid")
    expect(legal.locator("main")).to_contain_text(REASON)
    expect(legal.locator("main")).to_contain_text(
        "She consented to share her file with this organisation on"
    )
    checks.check(legal, "en-3-referral")
    legal.get_by_label("Accept: we take her on").check()
    legal.get_by_role("button", name="Send the answer").click()

    expect(legal).to_have_url(f"{live_server.url}{sophea.get_absolute_url()}")
    expect(legal.locator(".messages")).to_contain_text(
        "Referral accepted: her file is now open to you."
    )
    expect(legal.locator("h1")).to_contain_text("Srey Sophea")
    expect(legal.locator("#referrals")).to_contain_text("Accepted")
    legal.screenshot(path=SCREENSHOTS / "test_browser_referral-en-4-her-file.png", full_page=True)

    legal.goto(f"{live_server.url}{reverse('cases:referral_list')}")
    expect(legal.locator("main")).to_contain_text("No referral is waiting for an answer.")
    checks.check(legal, "en-5-referrals")
    context.close()

    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED and referral.answered_by == vicheka
    assert AuditEntry.objects.filter(
        object_code=str(referral.code), action="change", actor=vicheka
    ).exists()
    checks.assert_none()


def test_a_supervisor_refers_her_without_consent_and_the_legal_officer_accepts_in_khmer(
    browser: Browser,
    page: Page,
    live_server: LiveServer,
    dara: User,
    vicheka: User,
    sophea: Mother,
    legal_aid: Organisation,
    shot: Shot,
) -> None:
    checks = PageChecks(screenshots="test_browser_referral")
    for user in (dara, vicheka):
        user.language = "km"
        user.save(update_fields=["language"])

    # Her supervisor refers her without her consent to share, and says why.
    log_in(page, live_server, dara)
    refer(page, live_server, sophea, legal_aid)
    expect(page.locator("html")).to_have_attribute("lang", "km")
    expect(page.locator("h1")).to_have_text(khmer("Refer her to another organisation"))
    page.fill("#id_override_reason", "She is in court tomorrow and cannot be asked today.")
    checks.check(page, "km-1-refer")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text(
        khmer("Referral sent to %(organisation)s.") % {"organisation": "ជំនួយផ្លូវច្បាប់"}
    )
    referral = Referral.objects.get()
    assert referral.consent is None and referral.referred_by == dara

    # The legal officer, in Khmer: her file is not open to her organisation yet.
    context = browser.new_context()
    legal = context.new_page()
    log_in(legal, live_server, vicheka)
    response: Any = legal.goto(f"{live_server.url}{sophea.get_absolute_url()}")
    assert response.status == 404
    open_the_waiting_referral(legal, referral)
    expect(legal.locator("html")).to_have_attribute("lang", "km")
    expect(legal.locator("main")).to_contain_text(
        khmer("Without her consent, by a supervisor's decision:")
    )
    # Before she accepts, the referral names the woman but does not link to her file.
    expect(legal.locator(f"main a[href='{sophea.get_absolute_url()}']")).to_have_count(0)
    checks.check(legal, "km-2-referral")
    expect(legal.locator("main form")).to_contain_text(khmer("Accept: we take her on"))
    accept(legal)

    expect(legal).to_have_url(f"{live_server.url}{sophea.get_absolute_url()}")
    expect(legal.locator(".messages")).to_contain_text(
        khmer("Referral accepted: her file is now open to you.")
    )
    expect(legal.locator("h1")).to_contain_text("ស្រី សុភា")
    legal.screenshot(path=SCREENSHOTS / "test_browser_referral-km-3-her-file.png", full_page=True)

    legal.goto(f"{live_server.url}{reverse('cases:referral_list')}")
    checks.check(legal, "km-4-referrals")
    context.close()

    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED and referral.answered_by == vicheka
    shot("km-5-supervisors-view")
    checks.assert_none()
