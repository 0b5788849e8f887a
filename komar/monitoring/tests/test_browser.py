"""End to end in Chromium on a phone (390 px), in Khmer: a social worker takes today's register
at the child-friendly space (timed: well under a minute), and the facility monitor completes last
month's snapshot and this quarter's Bangkok Rules checklist, then sees them on her home. Every
page fits the phone and passes axe-core.

Links and fields are found by their address and name, not their words: the Khmer catalogue does
not translate monitoring's strings until the lead merges them; the Khmer checked here is what
the catalogue already has (the language switch, "Save"). Screenshots: test-output/screenshots/.
"""

from __future__ import annotations

import time

import pytest
from django.apps import apps
from django.utils import timezone, translation
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from komar.accounts.models import User
from komar.cases.models import Mother
from komar.conftest import PageChecks, Shot, child_inside, log_in, register
from komar.monitoring.migrations import __name__ as migrations_package
from komar.monitoring.models import Attendance, Checklist, Register, Snapshot, quarter_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data", "indicators"),
]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def indicators(reference_data: None) -> None:
    """The checklist's indicators (seeded by a migration, flushed after a live-server test)."""
    from importlib import import_module

    import_module(f"{migrations_package}.0002_seed_indicators").seed(apps, None)


def khmer(text: str) -> str:
    with translation.override("km"):
        return translation.gettext(text)


def _in_khmer(user: User) -> None:
    user.language = "km"
    user.save(update_fields=["language"])


def test_todays_register_on_a_phone_in_khmer_in_under_a_minute(
    page: Page, live_server: LiveServer, sokha: User, sophea: Mother, siem_reap, shot: Shot
) -> None:
    for n in range(5):
        register(
            sokha,
            siem_reap,
            name_latin=f"Woman {n}",
            name_km=f"ស្ត្រី {n}",
            children=[child_inside(name_latin=f"Child {n}", name_km=f"កុមារ {n}")],
        )
    _in_khmer(sokha)
    checks = PageChecks(phone=PHONE, axe_sizes=(LAPTOP, PHONE))
    page.set_viewport_size(PHONE)
    log_in(page, live_server, sokha)
    expect(page.locator("form.lang-switch button")).to_have_text("English")

    started = time.monotonic()
    page.goto(f"{live_server.url}/monitoring/register/{siem_reap.code}/")
    rows = page.locator("#register-rows li")
    expect(rows).to_have_count(6)
    shot("1-register")
    clicks = 0
    for index in (0, 2, 3, 5):  # four of the six came
        rows.nth(index).locator("input[type=checkbox]").check()
        clicks += 1
    rows.nth(2).locator("select").select_option("3.0")  # one stayed three hours
    clicks += 1
    page.locator("main form button[type=submit]").click()
    clicks += 1
    expect(page.locator(".messages")).to_be_visible()
    elapsed = time.monotonic() - started
    shot("2-saved")
    assert elapsed < 60, elapsed
    assert clicks == 6
    register_ = Register.objects.get(facility=siem_reap, on=timezone.localdate())
    assert register_.attendances.count() == 4
    assert sorted(str(h) for h in Attendance.objects.values_list("hours", flat=True)) == [
        "2.0",
        "2.0",
        "2.0",
        "3.0",
    ]
    checks.check(page, "register")

    # Corrected the same day: one child had not come after all.
    rows = page.locator("#register-rows li")
    expect(rows.nth(0).locator("input[type=checkbox]")).to_be_checked()
    rows.nth(0).locator("input[type=checkbox]").uncheck()
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()
    assert sorted(str(h) for h in register_.attendances.values_list("hours", flat=True)) == [
        "2.0",
        "2.0",
        "3.0",
    ]  # the others' hours kept as saved

    page.goto(f"{live_server.url}/monitoring/attendance/{siem_reap.code}/")
    expect(page.locator("#attendances")).to_have_text("3")
    expect(page.locator("#by-day svg")).to_be_visible()
    shot("3-month")
    checks.check(page, "attendance month")
    checks.assert_none()
    print(f"register taken in {elapsed:.1f} s with {clicks} clicks")


def test_the_monitor_completes_the_snapshot_and_checklist_on_a_phone_in_khmer(
    page: Page, live_server: LiveServer, monitor: User, sophea: Mother, siem_reap, shot: Shot
) -> None:
    _in_khmer(monitor)
    checks = PageChecks(phone=PHONE, axe_sizes=(LAPTOP, PHONE))
    page.set_viewport_size(PHONE)
    log_in(page, live_server, monitor)
    page.goto(f"{live_server.url}/monitoring/")
    expect(page.locator("form.lang-switch button")).to_have_text("English")
    expect(page.locator("#work-snapshots li")).to_have_count(1)
    shot("1-home")
    checks.check(page, "home")

    # Last month's snapshot, from "My work" on her home.
    page.locator("#work-snapshots li a").click()
    page.locator("main form button[type=submit]").click()  # start it
    expect(page.locator("#id_food_allowance_riel")).to_have_value("1750")
    page.fill("#id_food_allowance_riel", "2000")
    page.fill("#id_space_m2_per_child", "1.5")
    page.fill("#id_outdoor_minutes", "2000")  # a mistake (a day has 1,440): refused, nothing lost
    page.fill("#id_health_services", "គិលានុបដ្ឋាយិកាមកពិនិត្យរៀងរាល់ថ្ងៃធ្វើការ")
    page.fill("#id_visits_policy", "ថ្ងៃព្រហស្បតិ៍ ៣០ នាទី")
    page.locator("button[name=complete]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#id_health_services")).to_have_value("គិលានុបដ្ឋាយិកាមកពិនិត្យរៀងរាល់ថ្ងៃធ្វើការ")
    shot("2-snapshot-error")
    checks.check(page, "snapshot form with an error")
    page.fill("#id_outdoor_minutes", "120")
    page.locator("button[name=complete]").click()
    expect(page.locator("#snapshot-status .flag")).to_be_visible()
    snapshot = Snapshot.objects.get(facility=siem_reap)
    assert snapshot.is_completed and snapshot.women == 1 and snapshot.children_inside == 1
    assert (snapshot.food_allowance_riel, snapshot.outdoor_minutes) == (2000, 120)
    shot("3-snapshot")
    checks.check(page, "snapshot")

    # This quarter's checklist, from the facility's page.
    quarter = quarter_of(timezone.localdate())
    q = (quarter.month - 1) // 3 + 1
    page.goto(f"{live_server.url}/monitoring/facilities/{siem_reap.code}/")
    checks.check(page, "facility")
    page.locator(f"a[href$='/checklists/{siem_reap.code}/{quarter.year}/q{q}/']").click()
    page.locator("main form button[type=submit]").click()  # start it
    page.check("#id_score_breastfeeding_0")  # met
    page.fill("#id_evidence_breastfeeding", "បានឃើញម្ដាយបំបៅដោះកូន")
    page.check("#id_score_never_prisoners_2")  # not met, without evidence: refused
    page.locator("button[name=complete]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    shot("4-checklist-error")
    checks.check(page, "checklist form with an error")
    page.fill("#id_evidence_never_prisoners", "Children counted at roll-call.")
    page.check("#id_score_family_contact_1")  # partly
    page.fill("#id_evidence_family_contact", "Visits weekly; no calls.")
    expect(page.locator("button[name=save]")).to_have_text(khmer("Save"))
    page.locator("button[name=complete]").click()
    expect(page.locator("#checklist-score")).to_contain_text("50%")
    checklist = Checklist.objects.get(facility=siem_reap)
    assert checklist.is_completed
    shot("5-checklist")
    checks.check(page, "checklist")
    with page.expect_response(lambda r: r.url.endswith("checklist.pdf?lang=km")) as printed:
        page.evaluate(
            "url => fetch(url)",
            f"{live_server.url}/monitoring/checklists/{siem_reap.code}/{quarter.year}/q{q}/checklist.pdf?lang=km",
        )
    assert printed.value.status == 200

    page.goto(f"{live_server.url}/monitoring/")
    expect(page.locator("#work-snapshots li")).to_have_count(0)
    expect(page.locator("#facilities tbody tr")).to_have_count(1)
    shot("6-home-after")
    checks.check(page, "home after")
    checks.assert_none()
