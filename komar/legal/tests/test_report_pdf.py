"""The court report printed as PDF, in Khmer and in English, checked with tools that are not
Komar: poppler's pdftoppm (the page as an image), pdfinfo (the document's title), pdffonts
(the fonts embedded) and pdftotext (the text layer, on its Latin parts: WeasyPrint's text layer
for Khmer is lossy, see docs/architecture.md)."""

from __future__ import annotations

import datetime as dt
import logging
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from komar.accounts.models import Organisation, Role, User
from komar.cases.models import Mother
from komar.conftest import client_for, make_user
from komar.counselling.pdf import render_pdf
from komar.counselling.tests.test_session_summary_pdf import OUTPUT, first_page_png, pdf_text
from komar.facilities.models import Facility
from komar.legal.models import CourtReport
from komar.legal.report_actions import (
    do_approve_report,
    do_correct_report,
    do_start_report,
    do_submit_report,
)
from komar.legal.report_pdf import render_report_pdf
from komar.legal.tests.test_report_drafting import screen, with_confidential_facts

TITLE = "Social inquiry report to the court"
KHMER = re.compile("[\u1780-\u17ff]")


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def mother(sokha: User, siem_reap: Any, drug_use: Any) -> Mother:
    return with_confidential_facts(sokha, siem_reap, drug_use)


@pytest.fixture
def sreymom(legal_aid: Organisation, siem_reap: Facility) -> User:
    return make_user("sreymom", legal_aid, Role.SUPERVISOR, [siem_reap])


def final_report(mother: Mother, author: User, reviewer: User, language: str) -> CourtReport:
    screen(mother, author)
    report = do_start_report(mother, language=language, actor=author)
    return do_approve_report(do_submit_report(report, actor=author), actor=reviewer)


@pytest.fixture
def reports(sokha: User, dara: User, mother: Mother) -> dict[str, CourtReport]:
    """A final report in Khmer, and a draft in English."""
    khmer = final_report(mother, sokha, dara, "km")
    english = do_start_report(mother, language="en", actor=sokha)
    return {"km": khmer, "en": english}


def pdf_for(user: User, report: CourtReport) -> bytes:
    response = client_for(user).get(reverse("legal:report_pdf", args=[report.code]))
    assert response.status_code == 200
    return response.content


def poppler(tool: str, pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / f"{tool}.pdf"
    path.write_bytes(pdf)
    done = subprocess.run([tool, str(path)], capture_output=True, check=True)  # noqa: S603
    return done.stdout.decode()


def khmer(text: str) -> str:
    with translation.override("km"):
        return translation.gettext(text)


def test_the_khmer_report_is_titled_in_khmer_and_embeds_the_khmer_font(
    sokha, reports, tmp_path
) -> None:
    pdf = pdf_for(sokha, reports["km"])
    info = poppler("pdfinfo", pdf, tmp_path)
    # The document's title, as the PDF itself stores it: the Khmer title (once the catalogue has
    # it, as the English words until then).
    (title,) = [line for line in info.splitlines() if line.startswith("Title:")]
    assert title.removeprefix("Title:").strip() == khmer(TITLE)
    fonts = poppler("pdffonts", pdf, tmp_path)
    assert "Noto-Sans-Khmer" in fonts
    text = pdf_text(pdf, tmp_path)
    assert KHMER.search(text)  # Khmer on the page
    assert "Srey Sophea (" not in text  # her name first in Khmer script, the Latin beside it
    assert reports["km"].number in text
    assert "Mar" not in text  # the months in Khmer


def test_the_english_report_reads_in_english(sokha, reports, tmp_path) -> None:
    text = pdf_text(pdf_for(sokha, reports["en"]), tmp_path)
    for words in (
        TITLE,
        "Draft, not approved: not for filing.",
        "Concerning",
        "Srey Sophea",
        "1. Her circumstances",
        "2. Her children",
        "Care alternatives assessed",
        "Her health and pregnancy",
        "The measure proposed",
        "Legal grounds",
        "Tokyo Rule 7",
        "Prepared by Sokha, This NGO, on 20 Mar 2026.",
    ):
        assert words in text, words
    assert "Other information" not in text  # an empty section is not printed


def test_a_final_report_prints_its_number_and_who_approved_it(sokha, reports, tmp_path) -> None:
    report = reports["km"]
    report.language = "en"  # printed in English to read it back (the text is what it was)
    text = pdf_text(render_report_pdf(report), tmp_path)
    assert f"Report number {report.number}" in text
    assert "Approved by Dara on 20 Mar 2026." in text
    assert "not for filing" not in text


def test_a_superseded_report_says_so(sokha, dara, mother, tmp_path) -> None:
    first = final_report(mother, sokha, dara, "en")
    correction = do_correct_report(first, actor=sokha)
    do_approve_report(do_submit_report(correction, actor=sokha), actor=dara)
    first.refresh_from_db()
    assert first.status == CourtReport.Status.SUPERSEDED
    text = pdf_text(render_report_pdf(first), tmp_path)
    assert f"Report {first.number}: superseded by a corrected version. Do not file it." in text
    corrected = pdf_text(render_report_pdf(CourtReport.objects.get(supersedes=first)), tmp_path)
    assert f"Corrects {first.number}" in " ".join(corrected.split())


def test_it_never_prints_confidential_facts(sokha, reports, tmp_path) -> None:
    for report in reports.values():
        text = pdf_text(pdf_for(sokha, report), tmp_path)
        assert "born in custody" not in text.lower()
        for private in ("ID-110223344", "FB-556677", "P-4471", "Old Market", "Private", "Secret"):
            assert private not in text, private


def test_it_loads_the_vendored_fonts_without_a_warning(reports, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render_report_pdf(reports["km"])
    assert not [r for r in caplog.records if r.name.startswith("weasyprint")]


def test_it_renders_readable_pages_in_khmer_and_english(sokha, reports, tmp_path) -> None:
    pages = {}
    for language, report in reports.items():
        pages[language] = first_page_png(pdf_for(sokha, report), tmp_path, f"report-{language}")
    blank = first_page_png(render_pdf("counselling/pdf_base.html", {}, "km"), tmp_path, "blank")
    for language, page in pages.items():
        # A page of text compresses far less well than an empty page.
        assert page.stat().st_size > 5 * blank.stat().st_size, language
    # Kept for a person to look at: the Khmer shaped, the sections readable.
    for language, report in reports.items():
        first_page_png(pdf_for(sokha, report), OUTPUT, f"court-report-{language}", resolution=80)
