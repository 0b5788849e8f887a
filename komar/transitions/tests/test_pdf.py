"""The printed plan for the carer, the mother's summary (Khmer by default) and the letter to the
local authorities: what each prints, and what none ever prints (her words, a birth in custody,
identity or prison numbers). The first page of each is rendered to PNG in test-output/."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from komar.audit.models import AuditEntry
from komar.conftest import client_for
from komar.transitions import actions
from komar.transitions.tests.factories import (
    NOON_IN_PHNOM_PENH,
    TODAY,
    approved_carer,
    approved_plan,
    woman,
)

OUTPUT = Path(settings.BASE_DIR).parent / "test-output"
MOTHERS_WORDS = "She wants her mother to raise him"


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(NOON_IN_PHNOM_PENH, tick=False)


@pytest.fixture
def plan(sokha, dara, siem_reap):
    mother, child = woman(sokha, siem_reap, national_id_number="ID-110223344")
    child.born_in_custody = True
    child.save(update_fields=["born_in_custody"])
    plan = approved_plan(child, sokha, dara, approved_carer(mother, sokha, dara, child))
    actions.do_add_step(
        plan,
        {"kind": "documents", "due_on": TODAY, "responsible": "Sokha"},
        actor=sokha,
    )
    return plan


def text_of(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(  # noqa: S603 (a fixed tool on a file the test wrote)
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607
        capture_output=True,
        check=True,
    )
    return done.stdout.decode()


def first_page_png(pdf: bytes, name: str) -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    source = OUTPUT / f"{name}.pdf"
    source.write_bytes(pdf)
    command = ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile"]
    subprocess.run([*command, str(source), str(OUTPUT / name)], check=True)  # noqa: S603
    source.unlink()
    return OUTPUT / f"{name}.png"


def test_the_mothers_summary_is_in_khmer_by_default(sokha, plan, tmp_path) -> None:
    response = client_for(sokha).get(reverse("transitions:plan_mother_pdf", args=[plan.code]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == 'inline; filename="summary.pdf"'
    text = text_of(response.content, tmp_path)
    assert "Sok Vichet" not in text  # the child's name in Khmer script
    assert "2026" in text
    png = first_page_png(response.content, "transitions-mother-summary-km")
    assert png.stat().st_size > 5000
    assert AuditEntry.objects.filter(object_code=str(plan.code), action="view").exists()


def test_the_mothers_summary_in_english(sokha, plan, tmp_path) -> None:
    url = reverse("transitions:plan_mother_pdf", args=[plan.code]) + "?language=en"
    text = text_of(client_for(sokha).get(url).content, tmp_path)
    assert "Where your child will live" in text
    assert "Sok Vichet" in text and "Will live with Yim Sam (grandmother)" in text
    assert "14 Aug 2026" in text  # planned: 60 days after 15 June
    assert "every two weeks" in text


def test_the_carers_plan(sokha, plan, tmp_path) -> None:
    url = reverse("transitions:plan_carer_pdf", args=[plan.code]) + "?language=en"
    response = client_for(sokha).get(url)
    text = text_of(response.content, tmp_path)
    assert "Transition plan" in text and "Yim Sam" in text and "Kouk Chak" in text
    assert "Handover of the birth certificate" in text and "Sokha" in text
    first_page_png(response.content, "transitions-carer-plan-en")


def test_nothing_confidential_is_printed(sokha, plan, tmp_path) -> None:
    for name in ("transitions:plan_mother_pdf", "transitions:plan_carer_pdf"):
        for language in ("en", "km"):
            url = reverse(name, args=[plan.code]) + f"?language={language}"
            text = text_of(client_for(sokha).get(url).content, tmp_path)
            assert "custody" not in text.lower() and "prison number" not in text.lower()
            assert "ID-110223344" not in text
            assert MOTHERS_WORDS not in text  # her words stay in the file


def test_the_letter_to_the_commune_committee(sokha, plan, tmp_path) -> None:
    separation = actions.do_record_separation(plan.child, separated_on=TODAY, actor=sokha)
    url = reverse("transitions:separation_letter", args=[separation.code])
    response = client_for(sokha).get(url + "?to=cccw&language=en")
    text = text_of(response.content, tmp_path)
    assert "To: the commune committee for women and children, Sla Kram" in text
    assert "Yim Sam (grandmother)" in text and "15 Jun 2026" in text
    assert "prison" not in text.lower().replace("to the prison", "")
    assert response["Content-Disposition"] == 'inline; filename="letter.pdf"'
    km = client_for(sokha).get(url + "?to=dswo")
    first_page_png(km.content, "transitions-letter-km")
