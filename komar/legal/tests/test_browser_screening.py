"""End to end in Chromium, in Khmer: a legal officer screens Chan Sophea from her file, reads the
candidate measures and why each applies or not, chooses release under judicial supervision and
says why; and the screening pages fit a phone and pass axe-core.

Screenshots are saved under test-output/screenshots/.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from komar.accounts.models import User
from komar.cases.models import Finding, Mother
from komar.conftest import Shot, log_in
from komar.legal.models import Screening

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data", "shares_with_legal_aid"),
]

OBLIGATIONS = "រស់នៅផ្ទះម្តាយរបស់គាត់ និងរាយការណ៍ទៅប៉ូលិសរៀងរាល់សប្តាហ៍។"
WHY = "ជាបទល្មើសលើកដំបូង ហើយគាត់កំពុងបំបៅដោះកូនតូច។"


def khmer(text: str) -> str:
    with translation.override("km"):
        return translation.gettext(text)


def signed_in(page: Page, live_server: LiveServer, user: User) -> None:
    """Sign her in, unless this browser session already is hers (the journey's later parts)."""
    page.goto(f"{live_server.url}/")
    who = page.locator("header .who")
    if who.count() and who.inner_text() == str(user):
        return
    log_in(page, live_server, user)


def in_khmer(user: User) -> User:
    user.language = "km"
    user.save(update_fields=["language"])
    return user


def test_screen_a_mother_in_khmer_and_choose_judicial_supervision(
    page: Page, live_server: LiveServer, vicheka: User, sophea: Mother, shot: Shot
) -> None:
    screen_in_khmer(page, live_server, vicheka, sophea, shot)


def screen_in_khmer(
    page: Page, live_server: LiveServer, vicheka: User, sophea: Mother, shot: Shot
) -> None:
    """The legal officer screens Sophea from her file and chooses judicial supervision (also
    the first part of `test_browser_journey`)."""
    in_khmer(vicheka)
    assert Finding.objects.filter(mother=sophea, rule_code="screening_overdue").exists()
    signed_in(page, live_server, vicheka)
    page.goto(f"{live_server.url}{sophea.get_absolute_url()}")
    expect(page.locator("html")).to_have_attribute("lang", "km")
    expect(page.locator("#flags details[data-rule=screening_overdue]")).to_be_visible()

    section = page.locator("#screening")
    section.locator(f"a[href='{reverse('legal:screening_new', args=[sophea.code])}']").click()
    expect(page.locator("h1")).to_have_text(khmer("Screen her for diversion"))
    recorded = page.locator("#recorded")
    expect(recorded).to_contain_text("សុខ វិចិត្រ")  # her baby, inside with her
    expect(recorded).to_contain_text("Yim Sam")  # her daughter's grandmother
    expect(page.locator("#missing")).to_be_visible()  # no legal case recorded yet

    page.check("input[name=grounds_claimed][value=appearance]")
    # Who would care for each child if she stays detained: the baby has no one.
    page.select_option("#id_care-0-arrangement", "no_one")
    page.select_option("#id_care-1-arrangement", "grandparent")
    page.fill("#id_care-1-carer_name", "Yim Sam")
    page.fill("#id_care_note", "យាយ Yim Sam មិនអាចថែទាំទារកបានទេ។")
    page.fill("#id_health_note", "ស្លេកស្លាំង ព្យាបាលនៅគ្លីនិកពន្ធនាគារ។")
    page.select_option("#id_stable_address", "yes")
    page.fill("#id_address_note", "ផ្ទះម្តាយ ឃុំស្វាយដង្គំ សៀមរាប")
    page.select_option("#id_guarantor", "yes")
    page.fill("#id_guarantor_note", "បងប្រុស សុខ ជា គ្រូបង្រៀន")
    page.check("input[name=obligations][value=keep_residence]")
    page.check("input[name=obligations][value=report]")
    page.fill("#id_obligations_note", OBLIGATIONS)
    page.select_option("#id_drug_treatment_need", "no")
    shot("1-screening-form")
    page.locator("form.register button[type=submit].primary").click()

    screening = Screening.objects.get(mother=sophea)
    expect(page).to_have_url(f"{live_server.url}{screening.get_absolute_url()}")
    expect(page.locator(".messages")).to_contain_text(
        khmer("Screening recorded. Read the candidate measures, then choose.")
    )
    # Each candidate, with its verdict; open "Why?" for the facts it used and the law.
    supervision = page.locator("#candidates details[data-measure=judicial_supervision]")
    expect(supervision).to_have_attribute("data-verdict", "applies")
    supervision.locator("summary").click()
    explanation = supervision.locator(".explain")
    expect(explanation).to_be_visible()
    expect(explanation).to_contain_text(OBLIGATIONS)
    # The baby with no one to care for him is named in the reasons.
    expect(explanation).to_contain_text("សុខ វិចិត្រ")
    assert screening.obligations == ["keep_residence", "report"]
    assert [row["arrangement"] for row in screening.care] == ["no_one", "grandparent"]
    expect(explanation).to_contain_text("measure_judicial_supervision")
    expect(explanation).to_contain_text(khmer("Legal basis"))
    release = page.locator("#candidates details[data-measure=release]")
    expect(release).to_have_attribute("data-verdict", "does_not_apply")
    release.locator("summary").click()
    expect(release.locator(".explain")).to_contain_text(
        khmer("To ensure she appears before the court")
    )
    shot("2-candidates-with-reasons")

    page.locator(f"a[href='{reverse('legal:screening_choose', args=[screening.code])}']").click()
    expect(page.locator("h1")).to_have_text(khmer("Choose the measures to pursue"))
    page.check("input[name=chosen][value=judicial_supervision]")
    page.fill("#id_chosen_reason", WHY)
    shot("3-choose")
    page.locator("form.register button[type=submit].primary").click()

    expect(page.locator(".messages")).to_contain_text(khmer("The measures to pursue are saved."))
    chosen = page.locator("#chosen")
    expect(chosen).to_contain_text(khmer("Release under judicial supervision"))
    expect(chosen).to_contain_text(WHY)
    shot("4-chosen")
    screening.refresh_from_db()
    assert screening.chosen == ["judicial_supervision"] and screening.chosen_reason == WHY
    assert screening.screened_by == vicheka and screening.version == 2

    # Her file: the screening, and the flag resolved.
    page.goto(f"{live_server.url}{sophea.get_absolute_url()}")
    expect(page.locator("#screening")).to_contain_text(khmer("Screen her again"))
    expect(page.locator("#flags details[data-rule=screening_overdue]")).to_have_count(0)
    event = khmer("Screened for diversion; measures to pursue: %(measures)s") % {
        "measures": khmer("Release under judicial supervision")
    }
    expect(page.locator("#timeline")).to_contain_text(event)
    shot("5-file")


PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}


def _check(page: Page, url: str, problems: dict[str, str]) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.set_viewport_size(PHONE)
    page.goto(url)
    page.locator("details.candidate summary").evaluate_all("els => els.forEach(e => e.click())")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        problems[url] = f"{width} px wide"
    page.set_viewport_size(LAPTOP)
    results = Axe().run(page)
    if results.violations_count:
        problems[url] = results.generate_report()


def test_the_screening_pages_fit_a_phone_and_pass_axe(
    browser: Browser,
    page: Page,
    live_server: LiveServer,
    vicheka: User,
    sophea: Mother,
    sokha: User,
) -> None:
    from komar.conftest import register
    from komar.legal.tests.test_screening_new import screened

    long_words = "រស់នៅផ្ទះម្តាយរបស់គាត់ហើយរាយការណ៍ទៅប៉ូលិសរៀងរាល់សប្តាហ៍" * 4
    screening = screened(
        sophea,
        vicheka,
        screened_on=sophea.latest_episode.admission_date,
        obligations_note=long_words,
        care_note=long_words,
    )
    not_held = register(sokha, None, name_latin="Keo Mala")
    in_khmer(vicheka)
    log_in(page, live_server, vicheka)
    problems: dict[str, str] = {}
    for url in [
        sophea.get_absolute_url(),
        reverse("legal:screening_new", args=[sophea.code]),
        screening.get_absolute_url(),
        reverse("legal:screening_choose", args=[screening.code]),
        reverse("legal:screening_edit", args=[screening.code]),
        reverse("legal:screening_rules"),
    ]:
        _check(page, f"{live_server.url}{url}", problems)
    # The refusal, for a woman not in custody, as her own social worker sees it.
    worker = browser.new_context().new_page()
    log_in(worker, live_server, sokha)
    _check(
        worker, f"{live_server.url}{reverse('legal:screening_new', args=[not_held.code])}", problems
    )
    expect(worker.locator("#not-eligible")).to_be_visible()
    assert problems == {}, "\n".join(f"== {url}\n{p}" for url, p in problems.items())
