"""End to end in Chromium, on a phone (390 px), in Khmer: the social worker opens Sophea's son's
page, goes to his health page, records his weight and length in under a minute, and sees his
z-scores, the growth chart with his point on WHO's curves, and the flag with its reason. Every
health page must fit the phone and pass axe-core.

Links and fields are found by their address, id or name, not their words: the Khmer catalogue
does not translate the health strings until the lead merges test-output/km-health.po. The test
checks Khmer that the catalogue already has (the header's "My work", the page's language) and,
after the merge, should check the health strings listed in docs/health.md.
"""

from __future__ import annotations

import datetime as dt
import time
from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from komar.accounts.models import User
from komar.cases.models import Mother
from komar.conftest import PageChecks, Shot, fill_date, log_in
from komar.health.models import Measurement
from komar.health.tests.helpers import inside

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data", "schedule"),
]

PHONE = {"width": 390, "height": 844}
# What sticks out past the phone's width (outside the tables that scroll in their card).
WIDE_ELEMENTS = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > 392 && !e.closest('.table-scroll'))
  .slice(0, 12).map(e => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().width)"""
# What sticks out past the phone's width (outside the tables that scroll in their card).
WIDE_ELEMENTS = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > 392 && !e.closest('.table-scroll'))
  .slice(0, 12).map(e => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().width)"""


@pytest.fixture
def schedule(reference_data: None) -> None:
    """The national schedule (a data migration, emptied between transactional tests)."""
    from komar.health.models import Vaccine

    if not Vaccine.objects.exists():
        import_module("komar.health.migrations.0002_national_schedule").seed(apps, None)


LAPTOP = {"width": 1366, "height": 768}


def signed_in(page: Page, live_server: LiveServer, user: User) -> None:
    page.goto(f"{live_server.url}/")
    who = page.locator("header .who")
    if who.count() and who.inner_text() == str(user):
        return
    log_in(page, live_server, user)


def in_khmer(user: User) -> User:
    user.language = "km"
    user.save(update_fields=["language"])
    return user


def khmer(text: str) -> str:
    with translation.override("km"):
        return translation.gettext(text)


def test_record_a_measurement_on_a_phone_in_khmer_and_see_the_chart_and_flag(
    page: Page, live_server: LiveServer, sokha: User, sophea: Mother, shot: Shot
) -> None:
    in_khmer(sokha)
    child = inside(sophea)
    checks = PageChecks(phone=PHONE)
    page.set_viewport_size(PHONE)
    signed_in(page, live_server, sokha)
    expect(page.locator("html")).to_have_attribute("lang", "km")
    expect(page.locator("header")).to_contain_text(khmer("My work"))

    page.goto(f"{live_server.url}{child.get_absolute_url()}")
    health_url = reverse("health:child", args=[child.code])
    page.locator(f"#health a[href='{health_url}']").click()
    expect(page).to_have_url(f"{live_server.url}{health_url}")
    checks.check(page, "health page, empty")
    page.set_viewport_size(PHONE)

    started = time.monotonic()
    page.locator("#record-measurement").click()
    fill_date(page, "#id_measured_on", dt.date.today())
    # 7.0 kg and 70 cm lying at about 14 months: below -3 SD weight-for-age (WHO boys 14
    # months: -3 SD 7.2 kg).
    page.fill("#id_weight_kg", "7.0")
    page.fill("#id_length_cm", "70")
    page.locator("input[name=position][value=lying]").check()
    page.fill("#id_muac_mm", "118")
    shot("form-filled")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}{health_url}")
    assert time.monotonic() - started < 60

    m = Measurement.objects.get(child=child)
    assert m.z_wfa is not None and m.z_wfa < -3
    expect(page.locator("#latest-measurement [data-z=wfa]")).to_contain_text(f"{m.z_wfa:.2f}")
    expect(page.locator("#classification [data-finding=wfa_severe]")).to_be_visible()
    expect(page.locator("#classification [data-finding=muac_acute]")).to_be_visible()
    chart = page.locator("figure.growth-chart[data-indicator=wfa] svg")
    expect(chart).to_be_visible()
    expect(chart.locator("polyline")).to_have_count(7)
    expect(chart.locator("circle")).to_have_count(1)
    shot("health-page")
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(WIDE_ELEMENTS)
    assert width <= PHONE["width"], wide
    checks.check(page, "health page, measured")

    # The flag is on the child's page too, with its reason (the rule and its standard).
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{child.get_absolute_url()}")
    expect(page.locator("[data-rule=growth_below_3sd]")).to_be_visible()
    page.locator("[data-rule=growth_below_3sd] summary").click()
    expect(page.locator("[data-rule=growth_below_3sd] .explain")).to_contain_text("WHO")
    shot("child-page-flag")
    checks.check(page, "child page")

    page.goto(f"{live_server.url}{reverse('health:measurement_new', args=[child.code])}")
    checks.check(page, "measurement form")
    page.goto(f"{live_server.url}{reverse('health:immunisation_new', args=[child.code])}")
    checks.check(page, "immunisation form")
    checks.assert_none()
