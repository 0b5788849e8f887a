"""In a real Chromium: a failed save shows the error summary, which takes the focus (no script:
`tabindex="-1"` and `autofocus`), on a laptop and on a phone, in English and in Khmer; the
browser never checks the form itself (no messages in the browser's language)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from komar.accounts.models import User
from komar.cases.models import Mother
from komar.conftest import Shot, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def answer_the_registration_questions(page: Page, *, children: str = "yes") -> None:
    """The answers that registration asks and never assumes (for the other browser tests)."""
    page.select_option("#id_m-ethnicity", "khmer")
    page.select_option("#id_m-literacy", "some")
    page.select_option("#id_m-first_offence", "unknown")
    page.check(f"input[name=h-has_children][value={children}]")


SUMMARY_FOCUSED = "document.activeElement && document.activeElement.id === 'error-summary'"


def focused_id(page: Page) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


@pytest.mark.parametrize(("viewport", "language"), [(LAPTOP, "en"), (PHONE, "en"), (PHONE, "km")])
def test_a_failed_registration_puts_the_focus_on_the_summary(
    page: Page, live_server: LiveServer, sokha: User, shot: Shot, viewport, language
) -> None:
    sokha.language = language
    sokha.save(update_fields=["language"])
    page.set_viewport_size(viewport)
    log_in(page, live_server, sokha)
    page.goto(f"{live_server.url}/women/new/")
    expect(page.locator("#error-summary")).to_have_count(0)
    page.fill("#id_m-name_latin", "Srey 2")
    # Nothing else is answered: the browser must let the form go, and the server must say why.
    page.locator("button[name=save]").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    page.wait_for_function(SUMMARY_FOCUSED)
    assert focused_id(page) == "error-summary"
    box = summary.bounding_box()
    assert box is not None and box["y"] < viewport["height"]  # it is on the first screen
    links = summary.locator("a")
    assert links.count() >= 5  # her name, ethnicity, literacy, first offence, the children...
    for href in links.evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        expect(page.locator(href)).to_have_count(1)  # every link leads to a field of the page
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], "the summary makes the page scroll sideways"
    shot(f"1-summary-{viewport['width']}-{language}")

    # A message leads to its answer.
    link = summary.locator("a[href='#id_m-ethnicity']")
    link.click()
    expect(page.locator("#id_m-ethnicity")).to_be_in_viewport()
    assert not Mother.objects.exists()


def test_the_summary_takes_the_focus_on_a_small_form_too(
    page: Page, live_server: LiveServer, sokha: User, sophea: Mother, shot: Shot
) -> None:
    page.set_viewport_size(PHONE)
    log_in(page, live_server, sokha)
    page.goto(f"{live_server.url}/women/{sophea.code}/release/")
    page.get_by_role("button", name="Save release").click()
    page.wait_for_function(SUMMARY_FOCUSED)
    expect(page.locator("#error-summary")).to_contain_text("Choose the kind of release.")
    shot("1-release-summary")
    sophea.refresh_from_db()
    assert sophea.is_in_custody
