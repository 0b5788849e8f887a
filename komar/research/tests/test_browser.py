"""End to end in Chromium, in Khmer: the researcher opens the factor study of her project,
exports the data to SPSS and downloads the file (read back with pyreadstat); the supervisor
opens the monthly statistics and prints them (the PDF behind the print link, rendered to PNG).

Links and fields are found by their address and id, not their words: the Khmer catalogue does
not translate this app's strings until the lead merges test-output/km-research.po.
Screenshots are saved under test-output/screenshots/.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from komar.accounts.models import User
from komar.conftest import SCREENSHOTS, PageChecks, Shot, log_in
from komar.facilities.models import Facility
from komar.research.models import ResearchExport
from komar.research.tests.helpers import project_for, woman

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}


def khmer(text: str) -> str:
    with translation.override("km"):
        return translation.gettext(text)


def test_researcher_studies_the_factors_and_exports_spss_in_khmer(
    page: Page, live_server: LiveServer, researcher: User, sokha: User, shot: Shot, tmp_path: Path
) -> None:
    siem_reap = Facility.objects.get(name_en="Siem Reap Provincial Prison")
    for n in range(6):
        woman(sokha, siem_reap, n)
    project = project_for(researcher, "Mothers and children 2026")
    researcher.language = "km"
    researcher.save(update_fields=["language"])
    checks = PageChecks()

    log_in(page, live_server, researcher)
    page.goto(f"{live_server.url}{reverse('research:home')}")
    expect(page.locator("html")).to_have_attribute("lang", "km")
    expect(page.locator("form.lang-switch button")).to_have_text("English")
    checks.check(page, "home")
    shot("km-1-home")

    page.locator(f"a[href='{reverse('research:study', args=[project.code])}']").first.click()
    expect(page.locator("#prevalence table tbody tr")).to_have_count(12 + 2)  # factors, groups
    # Every decision cites the child's young age: a full bar (the plot is 226 wide).
    expect(page.locator("#chart-heading + figure svg rect[width='226.0']")).to_have_count(1)
    # Her Khmer factor label (reference data), never a name.
    expect(page.locator("#prevalence")).to_contain_text("កូននៅតូចពេក")
    assert "Srey" not in page.content()
    checks.check(page, "study")
    shot("km-2-study")

    page.goto(f"{live_server.url}{reverse('research:project', args=[project.code])}")
    page.select_option("#id_format", "sav")
    page.select_option("#id_table", "decisions")
    page.select_option("#id_language", "km")
    checks.check(page, "project")
    page.locator("main form[action$='/export/'] button[type=submit]").click()
    expect(page.locator("#download")).to_be_visible()
    expect(page.locator("#k")).to_have_text("6")
    checks.check(page, "export")
    shot("km-3-export")
    with page.expect_download() as info:
        page.locator("#download").click()
    saved = tmp_path / "data.sav"
    info.value.save_as(saved)

    import pyreadstat

    frame, meta = pyreadstat.read_sav(str(saved))
    assert len(frame) == 6
    assert meta.variable_value_labels["decision"][1.0] == khmer(
        "Stays with the mother in the facility"
    )
    record = ResearchExport.objects.get()
    assert record.requested_by == researcher and record.rows == 6
    checks.assert_none()


def test_supervisor_prints_the_monthly_statistics_in_khmer(
    page: Page, live_server: LiveServer, dara: User, sokha: User, shot: Shot, tmp_path: Path
) -> None:
    siem_reap = Facility.objects.get(name_en="Siem Reap Provincial Prison")
    for n in range(2):
        woman(sokha, siem_reap, n)
    dara.language = "km"
    dara.save(update_fields=["language"])
    checks = PageChecks()

    log_in(page, live_server, dara)
    page.goto(f"{live_server.url}{reverse('research:statistics')}?month=2026-02")
    expect(page.locator("html")).to_have_attribute("lang", "km")
    expect(page.locator("#by-facility tbody tr").first.locator("td").last).to_have_text("2")
    checks.check(page, "statistics")
    shot("km-1-statistics")

    href = page.locator("#print").get_attribute("href")
    assert href is not None
    response = page.request.get(f"{live_server.url}{href}")
    assert response.ok and response.body().startswith(b"%PDF")
    pdf = tmp_path / "statistics.pdf"
    pdf.write_bytes(response.body())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    command = ["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "1"]
    target = str(SCREENSHOTS / "research-statistics-pdf-km")
    subprocess.run([*command, str(pdf), target], check=True)  # noqa: S603

    page.goto(f"{live_server.url}{reverse('research:dashboard')}")
    expect(page.locator("#flags")).to_be_visible()
    checks.check(page, "dashboard")
    shot("km-2-dashboard")
    checks.assert_none()
