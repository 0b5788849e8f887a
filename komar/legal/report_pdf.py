"""The court report printed as PDF, with the PDF machinery of the printed sheets
(`counselling/pdf.py`: WeasyPrint, the vendored Noto Sans Khmer, Komar's static files only), in
the report's own language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from komar.counselling.pdf import render_pdf
from komar.legal.models import CourtReport
from komar.legal.report import SECTIONS

# Fixed: a name (personal data) never goes into a file name.
PDF_NAME = "court-report.pdf"
DOCX_NAME = "court-report.docx"


@dataclass(frozen=True)
class PrintedSection:
    key: str
    title: Any  # translated when shown, in the report's language
    paragraphs: list[str]


def printed_sections(court_report: CourtReport) -> list[PrintedSection]:
    """The sections with text, in order, each as its paragraphs (an empty section is left
    out)."""
    printed = []
    for key, title in SECTIONS:
        text = "\n".join(str(court_report.sections.get(key, "")).strip().splitlines())
        if not text:
            continue
        paragraphs = [" ".join(p.split("\n")).strip() for p in text.split("\n\n")]
        printed.append(PrintedSection(key, title, [p for p in paragraphs if p]))
    return printed


def report_context(court_report: CourtReport) -> dict[str, Any]:
    """What the PDF and the DOCX print: the report and the facts about it that the court reads
    (who it concerns, the court, who wrote and approved it), never an identity number."""
    mother = court_report.mother
    author = court_report.author
    return {
        "report": court_report,
        "mother": mother,
        "episode": court_report.episode,
        "author": author,
        "organisation": author.organisation,
        "reviewer": court_report.reviewer,
        "sections": printed_sections(court_report),
        "is_final": court_report.status == CourtReport.Status.FINAL,
    }


def render_report_pdf(court_report: CourtReport) -> bytes:
    return render_pdf(
        "legal/report/report_pdf.html", report_context(court_report), court_report.language
    )
