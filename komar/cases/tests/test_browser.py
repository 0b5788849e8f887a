"""End-to-end tests in a real Chromium: a social worker clicking through Komar as she would.

Each test logs in through the real login form of a live server. A full-page screenshot of
each key step is saved under test-output/screenshots/<test>-<step>.png (ignored by git) so
that a person can look at the pages, in particular at how Khmer script renders.

Live-server tests commit, and the database is flushed after each one, which also removes the
reference data that migrations seed; the `reference_data` fixture (komar/conftest.py) seeds it
again.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import unquote_plus

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from komar.accounts.models import User
from komar.audit.models import AuditEntry
from komar.cases.models import Child, Mother
from komar.cases.tests.test_browser_error_summary import answer_the_registration_questions
from komar.conftest import Shot, fill_date, log_in, register
from komar.facilities.models import Facility
from komar.lib.dates import add_months

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

FILE_URL = re.compile(r"/women/[0-9a-f-]{36}/$")


def english_date(day: dt.date) -> str:
    with translation.override("en"):
        return date_format(day, "DATE_FORMAT")


def iso(day: dt.date) -> str:
    return day.isoformat()


def test_register_a_woman_with_a_child_inside_and_a_child_with_grandmother(
    page: Page, live_server: LiveServer, sokha: User, siem_reap: Facility, shot: Shot
) -> None:
    today = timezone.localdate()
    admitted = today - dt.timedelta(days=30)
    little_one_born = add_months(today, -24)
    older_one_born = add_months(today, -84)

    log_in(page, live_server, sokha)
    page.locator("nav.main-nav").get_by_role("link", name="Register a woman").click()
    expect(page.locator("h1")).to_have_text("Register a woman and all her children")

    page.fill("#id_m-name_km", "ស្រី សុភា")
    page.fill("#id_m-name_latin", "Srey Sophea")
    fill_date(page, "#id_m-date_of_birth", "1995-03-02")
    expect(page.locator("#id_k-in_custody")).to_be_checked()
    page.select_option("#id_e-facility", label="Siem Reap Provincial Prison")
    fill_date(page, "#id_e-admission_date", iso(admitted))
    page.select_option("#id_e-legal_status", label="Pre-trial detention")
    answer_the_registration_questions(page)

    page.locator("button[name=add_child]").click()
    expect(page.locator("#id_c0-child-name_latin")).to_be_visible()
    page.locator("button[name=add_child]").click()
    expect(page.locator("#id_c1-child-name_latin")).to_be_visible()
    # Adding children posts the form: what she typed about the woman is still there.
    expect(page.locator("#id_m-name_km")).to_have_value("ស្រី សុភា")
    expect(page.locator("#id_m-date_of_birth_0")).to_have_value("2")
    expect(page.locator("#id_m-date_of_birth_1")).to_have_value("3")
    expect(page.locator("#id_m-date_of_birth_2")).to_have_value("1995")
    expect(page.locator("#id_e-admission_date_2")).to_have_value(str(admitted.year))

    page.fill("#id_c0-child-name_km", "សុខ វិចិត្រ")
    page.fill("#id_c0-child-name_latin", "Sok Vichet")
    page.select_option("#id_c0-child-sex", label="Boy")
    page.select_option("#id_c0-child-birth_registration", "registered")
    fill_date(page, "#id_c0-child-date_of_birth", iso(little_one_born))
    page.select_option("#id_c0-placement-kind", label="With the mother in the facility")
    fill_date(page, "#id_c0-placement-start_date", iso(admitted))

    page.fill("#id_c1-child-name_km", "សុខ ដារ៉ា")
    page.fill("#id_c1-child-name_latin", "Sok Dara")
    page.select_option("#id_c1-child-sex", label="Girl")
    page.select_option("#id_c1-child-birth_registration", "unknown")
    fill_date(page, "#id_c1-child-date_of_birth", iso(older_one_born))
    page.select_option("#id_c1-placement-kind", label="With a relative")
    page.fill("#id_c1-placement-carer_name", "Yim Sam")
    page.fill("#id_c1-placement-carer_relationship", "grandmother")
    page.fill("#id_c1-placement-carer_contact", "012 345 678")
    fill_date(page, "#id_c1-placement-start_date", iso(admitted))
    shot("1-form-filled")

    page.locator("button[name=save]").click()

    expect(page).to_have_url(FILE_URL)
    expect(page.locator(".messages")).to_contain_text("Registered. Check the file below.")
    expect(page.locator("h1")).to_have_text("Srey Sophea")
    expect(page.locator(".second-name")).to_have_text("ស្រី សុភា")
    expect(page.locator("#custody")).to_contain_text("Siem Reap Provincial Prison")
    expect(page.locator("#custody")).to_contain_text("Pre-trial detention")

    children = page.locator("#children article.child")
    expect(children).to_have_count(2)
    inside = children.filter(has_text="Sok Vichet")
    outside = children.filter(has_text="Sok Dara")
    expect(inside).to_contain_text("With the mother in the facility")
    expect(inside.locator(".stay-limit strong")).to_have_text(
        english_date(add_months(little_one_born, 36))
    )
    expect(outside).to_contain_text("With a relative")
    expect(outside).to_contain_text("Yim Sam (grandmother)")
    expect(outside).to_contain_text("012 345 678")
    expect(outside.locator(".stay-limit")).to_have_count(0)
    shot("2-file")


def test_find_her_by_khmer_name_and_by_latin_name_in_lower_case(
    page: Page,
    live_server: LiveServer,
    sokha: User,
    siem_reap: Facility,
    sophea: Mother,
    shot: Shot,
) -> None:
    register(sokha, siem_reap, name_km="ចាន់ ធីតា", name_latin="Chan Thida")

    log_in(page, live_server, sokha)
    expect(page.locator("h1")).to_have_text("Women and children")
    rows = page.locator("table.cases tbody tr")
    expect(rows).to_have_count(2)
    search = page.locator("form[role=search]")

    def search_for(text: str) -> None:
        before = page.url
        search.locator("#id_q").fill(text)
        search.get_by_role("button", name="Search").click()
        page.wait_for_url(lambda url: url != before)
        # Names stay out of URLs, and so out of browser history and server logs.
        assert text.casefold() not in unquote_plus(page.url).casefold()

    search_for("សុភា")
    expect(rows).to_have_count(1)
    expect(rows.locator("a.name")).to_have_text("Srey Sophea")
    expect(rows).to_contain_text("ស្រី សុភា")
    expect(page.locator("p.count")).to_have_text("1 woman")
    expect(search.locator("#id_q")).to_have_value("សុភា")
    shot("1-khmer")

    search_for("srey sophea")
    expect(rows).to_have_count(1)
    expect(rows.locator("a.name")).to_have_text("Srey Sophea")
    expect(search.locator("#id_q")).to_have_value("srey sophea")
    shot("2-latin")

    rows.locator("a.name").click()
    expect(page).to_have_url(re.compile(rf"/women/{sophea.code}/$"))


def test_switch_to_khmer_and_see_her_file_in_khmer(
    page: Page, live_server: LiveServer, sokha: User, sophea: Mother, shot: Shot
) -> None:
    log_in(page, live_server, sokha)
    page.goto(f"{live_server.url}{sophea.get_absolute_url()}")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Srey Sophea")

    page.locator("header button[name=language]").click()

    expect(page.locator("html")).to_have_attribute("lang", "km")
    expect(page).to_have_url(f"{live_server.url}{sophea.get_absolute_url()}")
    # In Khmer the display name is the Khmer one, the Latin name beside it.
    expect(page.locator("h1")).to_have_text("ស្រី សុភា")
    expect(page.locator(".second-name")).to_have_text("Srey Sophea")
    expect(page.locator("header button[name=language]")).to_have_text("English")
    with translation.override("km"):
        children_km = translation.gettext("Children")
    if children_km != "Children":  # only once the Khmer catalogue translates it
        expect(page.locator("#children h2")).to_have_text(children_km)
    # The vendored Khmer font is really used, so glyphs are not left to a fallback font.
    assert page.evaluate("document.fonts.ready.then(() => true)")
    assert page.evaluate(
        "[...document.fonts].some(f => f.family.includes('Noto Sans Khmer')"
        " && f.status === 'loaded')"
    )
    shot("1-file-in-khmer")

    # The choice is remembered on her account.
    sokha.refresh_from_db()
    assert sokha.language == "km"


def test_an_outsider_gets_not_found_for_a_file_outside_her_work(
    page: Page, live_server: LiveServer, outsider: User, sophea: Mother, shot: Shot
) -> None:
    log_in(page, live_server, outsider)
    response = page.goto(f"{live_server.url}{sophea.get_absolute_url()}")
    assert response is not None
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Not found")
    expect(page.locator("main")).not_to_contain_text("Sophea")
    expect(page.locator("main")).not_to_contain_text("សុភា")
    shot("1-not-found")


def test_a_validation_error_keeps_what_she_typed(
    page: Page, live_server: LiveServer, sokha: User, siem_reap: Facility, shot: Shot
) -> None:
    admitted = timezone.localdate() - dt.timedelta(days=3)
    log_in(page, live_server, sokha)
    page.goto(f"{live_server.url}/women/new/")
    fill_date(page, "#id_m-date_of_birth", "1990-07-15")
    page.fill("#id_m-phone", "097 111 2222")
    page.select_option("#id_e-facility", label="Siem Reap Provincial Prison")
    fill_date(page, "#id_e-admission_date", iso(admitted))
    page.locator("button[name=save]").click()

    error = page.get_by_text("Enter the name in Khmer script or in Latin letters.", exact=True)
    expect(error).to_be_visible()
    expect(page).to_have_url(re.compile(r"/women/new/$"))
    expect(page.locator("#id_m-date_of_birth_0")).to_have_value("15")
    expect(page.locator("#id_m-date_of_birth_1")).to_have_value("7")
    expect(page.locator("#id_m-date_of_birth_2")).to_have_value("1990")
    expect(page.locator("#id_m-phone")).to_have_value("097 111 2222")
    expect(page.locator("#id_e-admission_date_0")).to_have_value(str(admitted.day))
    expect(page.locator("#id_e-facility option:checked")).to_have_text(
        "Siem Reap Provincial Prison"
    )
    shot("1-error")
    assert not Mother.objects.exists()


def test_a_likely_duplicate_is_shown_and_can_be_overridden(
    page: Page, live_server: LiveServer, sokha: User, siem_reap: Facility, shot: Shot
) -> None:
    existing = register(
        sokha, siem_reap, name_latin="Srey Sophea", date_of_birth=dt.date(1995, 3, 2)
    )
    admitted = timezone.localdate() - dt.timedelta(days=1)

    log_in(page, live_server, sokha)
    page.goto(f"{live_server.url}/women/new/")
    page.fill("#id_m-name_latin", "Srei Sophea")
    fill_date(page, "#id_m-date_of_birth", "1995-03-02")
    page.select_option("#id_e-facility", label="Siem Reap Provincial Prison")
    fill_date(page, "#id_e-admission_date", iso(admitted))
    page.select_option("#id_e-legal_status", label="Pre-trial detention")
    answer_the_registration_questions(page, children="not_known")
    page.locator("button[name=save]").click()

    duplicates = page.locator("#duplicates")
    expect(duplicates).to_be_visible()
    expect(duplicates.get_by_role("link", name=re.compile("Srey Sophea"))).to_have_attribute(
        "href", existing.get_absolute_url()
    )
    expect(page.locator("#id_m-name_latin")).to_have_value("Srei Sophea")
    assert Mother.objects.count() == 1
    shot("1-duplicates")

    duplicates.get_by_label("I checked: this is a different woman. Register her.").check()
    page.locator("button[name=save]").click()

    expect(page).to_have_url(FILE_URL)
    expect(page.locator("h1")).to_have_text("Srei Sophea")
    expect(page.locator(".messages")).to_contain_text("Registered.")
    assert Mother.objects.count() == 2
    shot("2-file")


# Regression tests for the "Add a child" round trip, which once validated the new, empty child.


def test_adding_a_child_shows_no_errors_before_she_registers(
    page: Page, live_server: LiveServer, sokha: User, shot: Shot
) -> None:
    log_in(page, live_server, sokha)
    page.goto(f"{live_server.url}/women/new/")
    page.fill("#id_m-name_latin", "Srey Sophea")
    page.locator("button[name=add_child]").click()

    expect(page.locator("#id_c0-child-name_latin")).to_be_visible()
    expect(page.locator("#id_m-name_latin")).to_have_value("Srey Sophea")
    shot("1-empty-child")
    # She has not pressed Register: an empty new child is not yet an error.
    expect(page.locator("form.register .error")).to_have_count(0, timeout=1_000)


def test_a_child_added_in_the_form_starts_with_no_birth_registration_chosen(
    page: Page, live_server: LiveServer, sokha: User, siem_reap: Facility, shot: Shot
) -> None:
    admitted = timezone.localdate() - dt.timedelta(days=5)
    log_in(page, live_server, sokha)
    page.goto(f"{live_server.url}/women/new/")
    page.fill("#id_m-name_latin", "Srey Sophea")
    page.select_option("#id_e-facility", label="Siem Reap Provincial Prison")
    fill_date(page, "#id_e-admission_date", iso(admitted))
    page.select_option("#id_e-legal_status", "pre_trial")
    answer_the_registration_questions(page)
    page.locator("button[name=add_child]").click()
    page.fill("#id_c0-child-name_latin", "Sok Vichet")
    page.select_option("#id_c0-child-sex", label="Boy")
    fill_date(page, "#id_c0-child-date_of_birth", iso(add_months(admitted, -12)))
    page.select_option("#id_c0-placement-kind", label="With the mother in the facility")
    fill_date(page, "#id_c0-placement-start_date", iso(admitted))
    shot("1-child-filled")
    # Nothing is chosen for her: "Birth registration" starts empty and must be answered.
    expect(page.locator("#id_c0-child-birth_registration")).to_have_value("", timeout=1_000)
    page.locator("button[name=save]").click()
    expect(page.locator("#error-summary")).to_contain_text("Child 1 · Birth registration")
    page.select_option("#id_c0-child-birth_registration", "unknown")
    page.locator("button[name=save]").click()
    expect(page).to_have_url(FILE_URL)
    assert Child.objects.get().birth_registration == Child.BirthRegistration.UNKNOWN


def test_an_improbable_date_is_confirmed_and_an_impossible_one_refused(
    page: Page, live_server: LiveServer, sokha: User, siem_reap: Facility, shot: Shot
) -> None:
    """A mother aged 12 at a birth asks to be confirmed; a child born before her mother is
    refused. Dates are typed as day, month (by name) and year, whatever the browser's language."""
    today = timezone.localdate()
    admitted = today - dt.timedelta(days=10)
    log_in(page, live_server, sokha)
    page.goto(f"{live_server.url}/women/new/")
    page.fill("#id_m-name_latin", "Srey Neang")
    fill_date(page, "#id_m-date_of_birth", "2000-05-01")
    page.select_option("#id_e-facility", label="Siem Reap Provincial Prison")
    fill_date(page, "#id_e-admission_date", iso(admitted))
    page.select_option("#id_e-legal_status", label="Pre-trial detention")
    answer_the_registration_questions(page)
    page.locator("button[name=add_child]").click()
    page.fill("#id_c0-child-name_latin", "Sok Pov")
    page.select_option("#id_c0-child-sex", label="Girl")
    page.select_option("#id_c0-child-birth_registration", "unknown")
    fill_date(page, "#id_c0-child-date_of_birth", "1999-01-01")
    page.select_option("#id_c0-placement-kind", label="With a relative")
    page.fill("#id_c0-placement-carer_name", "Yim Sam")
    fill_date(page, "#id_c0-placement-start_date", iso(admitted))
    page.locator("button[name=save]").click()
    expect(page.locator("main")).to_contain_text("before the mother")
    expect(page.locator("main input[name*=confirm__]")).to_have_count(0)

    fill_date(page, "#id_c0-child-date_of_birth", "2012-09-01")
    page.locator("button[name=save]").click()
    expect(page.locator("main")).to_contain_text("The mother was 12 at the birth of this child.")
    box = page.locator("main input[name*=confirm__]")
    expect(box).to_have_count(1)
    shot("1-asks-to-confirm")
    assert not Mother.objects.exists()
    box.check()
    page.locator("button[name=save]").click()
    expect(page).to_have_url(FILE_URL)
    mother = Mother.objects.get()
    created = AuditEntry.objects.filter(mother=mother, action="create")
    assert ["mother_age_at_birth"] in [e.confirmed for e in created]
