"""The court report as a Word document (python-docx), for lawyers who finish their papers in
Word: the same text as the PDF, in the report's language.

Word picks a run's font by the script of its characters: Khmer is a complex script, so it
takes the `w:cs` font of the run properties (and `w:szCs` for its size). Every style used here
names Noto Sans Khmer as that font (the font Komar ships), with the language marked as Khmer,
so that Word shapes the text and a spelling checker knows the language. A reader without
that font installed sees Word's own Khmer font instead (Khmer UI, DaunPenh, Khmer OS).
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from komar.legal.models import CourtReport
from komar.legal.report_pdf import report_context

KHMER_FONT = "Noto Sans Khmer"
LATIN_FONT = "Noto Sans"
LANGUAGE_TAGS = {"km": "km-KH", "en": "en-GB"}


def _set_fonts(properties: Any, size: float, language: str) -> None:
    """Latin letters in Noto Sans, Khmer (a complex script) in Noto Sans Khmer, on the run
    properties (`w:rPr`) of a style or of the document's defaults."""
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.append(fonts)
    # A theme font (the template's headings have them) wins over a named one: remove it.
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(slot), LATIN_FONT)
    fonts.set(qn("w:cs"), KHMER_FONT)
    for tag in ("w:sz", "w:szCs", "w:lang"):
        old = properties.find(qn(tag))
        if old is not None:
            properties.remove(old)
    for tag in ("w:sz", "w:szCs"):  # in half-points
        element = OxmlElement(tag)
        element.set(qn("w:val"), str(round(size * 2)))
        properties.append(element)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), LANGUAGE_TAGS.get(language, "en-GB"))
    lang.set(qn("w:bidi"), "km-KH")
    properties.append(lang)


def _child(parent: Any, tag: str) -> Any:
    """`parent`'s child element `tag`, added (last) if it has none."""
    child = parent.find(qn(tag))
    if child is None:
        child = OxmlElement(tag)
        parent.append(child)
    return child


def render_report_docx(court_report: CourtReport) -> bytes:
    language = court_report.language
    with translation.override(language):
        context = report_context(court_report)
        document = Document()
        # The document's defaults too, for any text outside these styles.
        default_run = _child(_child(document.styles.element, "w:docDefaults"), "w:rPrDefault")
        _set_fonts(_child(default_run, "w:rPr"), 11, language)
        for name, size in (("Normal", 11), ("Title", 20), ("Heading 1", 14)):
            _set_fonts(document.styles[name].element.get_or_add_rPr(), size, language)
        document.core_properties.title = _("Social inquiry report to the court")
        document.core_properties.language = LANGUAGE_TAGS.get(language, "en-GB")
        document.core_properties.author = str(context["organisation"] or "")

        document.add_heading(_("Social inquiry report to the court"), level=0)
        status = court_report.status
        if status == CourtReport.Status.FINAL:
            document.add_paragraph(_("Report number %(number)s") % {"number": court_report.number})
        elif status == CourtReport.Status.SUPERSEDED:
            document.add_paragraph(
                _("Report %(number)s: superseded by a corrected version. Do not file it.")
                % {"number": court_report.number}
            ).runs[0].bold = True
        else:
            document.add_paragraph(_("Draft, not approved: not for filing.")).runs[0].bold = True

        mother, episode = context["mother"], context["episode"]
        about = [(_("Concerning"), mother.display_name)]
        if mother.date_of_birth:
            about.append((_("Date of birth"), date_format(mother.date_of_birth, "DATE_FORMAT")))
        about.append((_("Held at"), str(episode.facility)))
        if episode.court:
            about.append((_("Court"), episode.court))
        if court_report.supersedes is not None:
            about.append((_("Corrects"), court_report.supersedes.number))
        for label, value in about:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{label}: ").bold = True
            paragraph.add_run(value)

        for number, section in enumerate(context["sections"], start=1):
            document.add_heading(f"{number}. {section.title}", level=1)
            for text in section.paragraphs:
                document.add_paragraph(text)

        document.add_paragraph()
        document.add_paragraph(
            _("Prepared by %(who)s, %(organisation)s, on %(date)s.")
            % {
                "who": context["author"],
                "organisation": context["organisation"] or "",
                "date": date_format(timezone.localdate(court_report.created_at), "DATE_FORMAT"),
            }
        )
        if court_report.finalised_at and context["reviewer"]:
            document.add_paragraph(
                _("Approved by %(who)s on %(date)s.")
                % {
                    "who": context["reviewer"],
                    "date": date_format(
                        timezone.localdate(court_report.finalised_at), "DATE_FORMAT"
                    ),
                }
            )
    out = BytesIO()
    document.save(out)
    return out.getvalue()
