"""The court report as a Word document, read back with python-docx: its paragraphs, and the
fonts that make Word show Khmer (the complex-script font `w:cs`)."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn

from komar.accounts.models import User
from komar.cases.models import Mother
from komar.conftest import client_for
from komar.legal.models import CourtReport
from komar.legal.report_actions import do_approve_report, do_start_report, do_submit_report
from komar.legal.tests.test_report_drafting import screen, with_confidential_facts


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def mother(sokha: User, siem_reap: Any, drug_use: Any) -> Mother:
    return with_confidential_facts(sokha, siem_reap, drug_use)


def khmer(text: str) -> str:
    with translation.override("km"):
        return translation.gettext(text)


def downloaded(user: User, report: CourtReport) -> DocumentObject:
    response = client_for(user).get(reverse("legal:report_docx", args=[report.code]))
    assert response.status_code == 200
    return Document(BytesIO(response.content))


def texts(document: DocumentObject) -> list[str]:
    return [p.text for p in document.paragraphs if p.text]


def fonts_of(properties: Any) -> dict[str, str]:
    fonts = properties.find(qn("w:rFonts"))
    lang = properties.find(qn("w:lang"))
    size = properties.find(qn("w:szCs"))
    return {
        "cs": fonts.get(qn("w:cs")),
        "ascii": fonts.get(qn("w:ascii")),
        "bidi": lang.get(qn("w:bidi")),
        "lang": lang.get(qn("w:val")),
        "szCs": size.get(qn("w:val")),
        # A theme font would win over the named ones.
        "themes": " ".join(name for name in fonts.attrib if "heme" in name),
    }


@pytest.fixture
def final(sokha: User, dara: User, vicheka: User, mother: Mother) -> CourtReport:
    screen(mother, vicheka)
    report = do_start_report(mother, language="en", actor=sokha)
    return do_approve_report(do_submit_report(report, actor=sokha), actor=dara)


def test_it_reads_back_as_the_report_in_english(sokha, final) -> None:
    document = downloaded(sokha, final)
    paragraphs = texts(document)
    assert paragraphs[0] == "Social inquiry report to the court"
    assert document.paragraphs[0].style.name == "Title"
    assert paragraphs[1] == f"Report number {final.number}"
    assert "Concerning: Srey Sophea" in paragraphs
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "1. Her circumstances",
        "2. Her children",
        "3. Care alternatives assessed",
        "4. Her health and pregnancy",
        "5. The measure proposed",
        "6. Legal grounds",
    ]
    # Each section's paragraphs, as the report holds them.
    for key in ("circumstances", "children", "grounds"):
        for paragraph in final.sections[key].split("\n\n"):
            assert paragraph in paragraphs, paragraph
    assert "Prepared by Sokha, This NGO, on 20 Mar 2026." in paragraphs
    assert "Approved by Dara on 20 Mar 2026." in paragraphs
    assert document.core_properties.title == "Social inquiry report to the court"


def test_khmer_is_set_in_a_khmer_font_as_a_complex_script(sokha, mother) -> None:
    report = do_start_report(mother, language="km", actor=sokha)
    document = downloaded(sokha, report)
    paragraphs = texts(document)
    assert "ស្រី សុភា" in "\n".join(paragraphs)  # her name, whole: Word gets the text itself
    assert any("សុខ វិចិត្រ" in p for p in paragraphs)
    assert paragraphs[1] == khmer("Draft, not approved: not for filing.")
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    styles = {name: document.styles[name].element.rPr for name in ("Normal", "Title", "Heading 1")}
    for name, properties in {**styles, "defaults": defaults.find(qn("w:rPr"))}.items():
        fonts = fonts_of(properties)
        assert fonts["cs"] == "Noto Sans Khmer", name
        assert fonts["ascii"] == "Noto Sans", name
        assert fonts["bidi"] == "km-KH" and fonts["lang"] == "km-KH", name
        assert fonts["themes"] == "", name
    assert fonts_of(styles["Normal"])["szCs"] == "22"  # 11 pt, in half-points
    # Every run of Khmer text is in a style that sets the Khmer font, or in none (the defaults).
    used = {p.style.name for p in document.paragraphs}
    assert used <= {"Normal", "Title", "Heading 1"}
    assert document.core_properties.language == "km-KH"


def test_it_never_holds_confidential_facts(sokha, final) -> None:
    text = "\n".join(texts(downloaded(sokha, final)))
    assert "born in custody" not in text.lower()
    for private in ("ID-110223344", "FB-556677", "P-4471", "Old Market", "Private", "Secret"):
        assert private not in text, private
