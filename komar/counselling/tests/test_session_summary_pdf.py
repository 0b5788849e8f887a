"""The decision summary she keeps: a PDF, Khmer by default, nothing confidential on it."""

import datetime as dt
import logging
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from komar.audit.models import AuditEntry
from komar.conftest import child_inside, child_with_grandmother, client_for, register
from komar.counselling.actions import do_record_session
from komar.counselling.pdf import render_pdf

OUTPUT = Path(__file__).resolve().parents[3] / "test-output" / "pdf"
PHONE = "012 999 888"


@pytest.fixture
def mother(sokha, siem_reap):
    """A woman whose child inside was born in custody, with identity numbers on file."""
    sokha.organisation.phone = PHONE
    sokha.organisation.save(update_fields=["phone"])
    return register(
        sokha,
        siem_reap,
        national_id_number="ID-110223344",
        family_book_number="FB-556677",
        # Admitted before her child was born there.
        admission_date=dt.date(2024, 12, 1),
        children=[child_inside(born_in_custody=True), child_with_grandmother()],
    )


@pytest.fixture
def session(sokha, mother):
    inside = mother.children.get(name_latin="Sok Vichet")
    outside = mother.children.get(name_latin="Sok Dara")
    return do_record_session(
        mother,
        {
            "held_on": dt.date(2026, 3, 2),
            "stage": "in_custody",
            "mothers_words": "Private words that stay off the summary.",
            "review_on": dt.date(2026, 5, 29),
        },
        factors=[],
        main_factor=None,
        decisions=[
            {
                "child": inside,
                "decision": "with_mother",
                "decided_by": "mother",
                "carer_name": "",
                "notes": "Private note",
            },
            {
                "child": outside,
                "decision": "relative",
                "decided_by": "mother",
                "carer_name": "Yim Sam",
                "notes": "",
            },
        ],
        actor=sokha,
    )


def url(session, language=None):
    base = reverse("counselling:session_summary_pdf", args=[session.code])
    return f"{base}?language={language}" if language else base


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(  # noqa: S603 (a fixed tool on a file the test wrote)
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607
        capture_output=True,
        check=True,
    )
    return done.stdout.decode()


def first_page_png(pdf: bytes, directory: Path, name: str, resolution: int = 60) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    source = directory / f"{name}.pdf"
    source.write_bytes(pdf)
    command = ["pdftoppm", "-r", str(resolution), "-png", "-f", "1", "-l", "1", "-singlefile"]
    subprocess.run([*command, str(source), str(directory / name)], check=True)  # noqa: S603
    source.unlink()
    return directory / f"{name}.png"


def test_it_prints_a_pdf_in_khmer_by_default(sokha, session, tmp_path) -> None:
    response = client_for(sokha).get(url(session))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content, tmp_path)
    # WeasyPrint's text layer may reorder Khmer: check the Latin parts.
    assert PHONE in text
    assert "29" in text and "2026" in text  # the review date, 29 <May in Khmer> 2026
    assert "Yim Sam" in text
    assert "Sok Vichet" not in text  # the child's name in Khmer script, not in Latin letters
    assert "May" not in text


def test_it_prints_in_english_when_asked(sokha, session, tmp_path) -> None:
    response = client_for(sokha).get(url(session, "en"))
    text = pdf_text(response.content, tmp_path)
    assert "Your decision about your children" in text
    assert "For Srey Sophea. We talked on 2 Mar 2026." in text
    assert "Sok Vichet" in text and "Stays with you in the prison" in text
    assert "Sok Dara" in text and "Lives with a relative" in text and "Yim Sam" in text
    assert "29 May 2026" in text
    assert "Sokha" in text and "This NGO" in text and PHONE in text


def test_it_never_prints_confidential_facts(sokha, session, tmp_path) -> None:
    for language in ("en", "km"):
        text = pdf_text(client_for(sokha).get(url(session, language)).content, tmp_path)
        # Nelson Mandela Rule 28: a birth in custody is never on a document she carries.
        assert "custody" not in text.lower(), language
        assert "born" not in text.lower(), language
        assert "ID-110223344" not in text and "FB-556677" not in text, language
        assert "Private" not in text, language  # her words and the notes stay in the file


def test_it_falls_back_to_khmer_for_an_unknown_language(sokha, session, tmp_path) -> None:
    text = pdf_text(client_for(sokha).get(url(session, "fr")).content, tmp_path)
    assert "Your decision about your children" not in text or "Sok Vichet" not in text
    assert "Sok Vichet" not in text


def test_it_names_no_one_in_the_filename_or_address(sokha, session) -> None:
    response = client_for(sokha).get(url(session, "en"))
    assert response["Content-Disposition"] == 'inline; filename="summary.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert "Sophea" not in url(session) and "Sophea" not in response["Content-Disposition"]


def test_it_audits_the_print_as_a_view(sokha, session) -> None:
    client_for(sokha).get(url(session), REMOTE_ADDR="10.0.0.9")
    entry = AuditEntry.objects.get(action="view", object_type="counselling.counsellingsession")
    assert entry.actor == sokha
    assert entry.object_code == str(session.code)
    assert entry.mother == session.mother
    assert entry.ip_address == "10.0.0.9"


def test_it_loads_the_vendored_khmer_font(sokha, session, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render_pdf(
            "counselling/summary_pdf.html",
            {
                "session": session,
                "mother": session.mother,
                "decisions": [],
                "counsellor": sokha,
                "organisation": sokha.organisation,
            },
            "km",
        )
    assert not [r for r in caplog.records if r.name.startswith("weasyprint")]


def test_it_renders_a_readable_first_page(sokha, session, tmp_path) -> None:
    pdf = client_for(sokha).get(url(session)).content
    page = first_page_png(pdf, tmp_path, "summary")
    blank = first_page_png(render_pdf("counselling/pdf_base.html", {}, "km"), tmp_path, "blank")
    assert page.exists()
    # A page of large text compresses far less well than an empty page.
    assert page.stat().st_size > 5 * blank.stat().st_size
    # Kept for a person to look at: Khmer shaped, large and readable.
    first_page_png(pdf, OUTPUT, "summary-km", resolution=80)
    first_page_png(client_for(sokha).get(url(session, "en")).content, OUTPUT, "summary-en", 80)
