"""The printed health record (the handover summary), in Khmer and English: its page as an image
(pdftoppm, saved under test-output/pdf for a person to look at), its text layer (pdftotext, on
its Latin parts), the growth chart drawn in it, and what it leaves out (a birth in custody)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from komar.conftest import child_inside, client_for, register
from komar.counselling.tests.test_session_summary_pdf import OUTPUT, first_page_png, pdf_text
from komar.health.tests.helpers import check, give, inside, measure

KHMER = re.compile("[\u1780-\u17ff]")


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def child(sokha, siem_reap):
    born = dt.date(2025, 1, 15)
    mother = register(
        sokha,
        siem_reap,
        admission_date=dt.date(2024, 12, 1),
        children=[child_inside(born=born, since=born, born_in_custody=True)],
    )
    child = inside(mother)
    for on, kg, cm in (
        (dt.date(2026, 1, 12), 8.1, 72.0),
        (dt.date(2026, 2, 12), 7.9, 72.6),
        (dt.date(2026, 3, 12), 7.6, 73.1),
    ):
        measure(child, sokha, on, weight_kg=kg, length_cm=cm, muac_mm=124)
    give(child, sokha, "bcg", 1, dt.date(2025, 1, 16))
    check(child, sokha, dt.date(2026, 1, 12), "Thin; refer to the health centre.")
    return child


def test_it_prints_the_health_record_in_english(sokha, child, tmp_path) -> None:
    response = client_for(sokha).get(reverse("health:record_pdf", args=[child.code]) + "?lang=en")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert "Child health record" in text and "Sok Vichet" in text
    assert "Underweight" in text and "Acute malnutrition (MUAC 125 mm or less)" in text
    assert "Thin; refer to the health centre." in text
    assert "custody" not in text.lower() and "prison" not in text.lower()
    png = first_page_png(response.content, OUTPUT, "health-record-en", resolution=70)
    assert png.stat().st_size > 10_000


def test_it_prints_the_health_record_in_khmer_by_default(sokha, child, tmp_path) -> None:
    response = client_for(sokha).get(reverse("health:record_pdf", args=[child.code]))
    text = pdf_text(response.content, tmp_path)
    assert KHMER.search(text)  # her name in Khmer script, at least
    png = first_page_png(response.content, OUTPUT, "health-record-km", resolution=70)
    assert png.stat().st_size > 10_000


def test_the_health_record_has_the_growth_charts(sokha, child) -> None:
    from komar.health.views import health_context

    context = health_context(child, None)
    drawn = [c for c in context["charts"] if not c.empty]
    assert [c.indicator for c in drawn] == ["wfa", "lhfa"]
    assert len(drawn[0].points) == 3 and len(drawn[0].curves) == 7
