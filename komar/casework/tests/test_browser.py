"""End to end in Chromium: a social worker writes a case note, attaches a photo of a birth
certificate and a scanned court paper, and opens both, in English; and removes a document
attached by mistake."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from komar.accounts.models import User
from komar.audit.models import AuditEntry
from komar.cases.models import Mother
from komar.casework.models import CaseNote, Document
from komar.casework.tests.factories import pdf_bytes, png_bytes
from komar.conftest import Shot, fill_date, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def test_write_a_case_note_then_attach_and_open_documents(
    page: Page, live_server: LiveServer, sokha: User, sophea: Mother, shot: Shot
) -> None:
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    child = sophea.children.get(name_latin="Sok Vichet")
    log_in(page, live_server, sokha)
    page.goto(f"{live_server.url}{sophea.get_absolute_url()}")

    # A case note, after a visit.
    page.locator("#notes").get_by_role("link", name="Write a case note").click()
    expect(page.locator("h1")).to_have_text("Write a case note")
    page.get_by_role(
        "button", name="Save the note"
    ).click()  # nothing typed: the summary says what is missing
    expect(page.locator("#error-summary")).to_contain_text("answers need correcting")
    page.select_option("#id_kind", label="Visit")
    fill_date(page, "#id_held_on", yesterday)
    page.select_option("#id_child", label="Sok Vichet")
    page.fill("#id_participants", "She, the social worker, the prison nurse")
    page.fill("#id_discussed", "His cough, and the clinic visit on Monday.")
    page.fill("#id_agreed", "The nurse sees him on Monday morning.")
    shot("1-note-form")
    page.get_by_role("button", name="Save the note").click()

    expect(page).to_have_url(re.compile(rf"/women/children/{child.code}/$"))
    expect(page.locator(".messages")).to_contain_text("Case note saved.")
    expect(page.locator("#child-notes")).to_contain_text("His cough, and the clinic visit")
    note = CaseNote.objects.get()
    assert note.child == child and note.held_on == yesterday and note.author == sokha

    # A photo of his birth certificate, from his page.
    page.locator("#child-documents").get_by_role("link", name="Attach a document").click()
    expect(page.locator("h1")).to_have_text("Attach a document")
    expect(page.locator("#id_child")).to_have_value(str(child.pk))
    page.select_option("#id_kind", label="Birth certificate")
    fill_date(page, "#id_dated_on", "2025-02-10")
    page.fill("#id_note", "Copy; the original is with her sister.")
    photo = png_bytes((120, 80))
    page.set_input_files(
        "#id_file", {"name": "IMG_2041.png", "mimeType": "image/png", "buffer": photo}
    )
    shot("2-document-form")
    page.get_by_role("button", name="Attach the document").click()

    expect(page.locator(".messages")).to_contain_text("Document attached.")
    certificate = Document.objects.get()
    expect(page.locator("#child-documents")).to_contain_text("Birth certificate")
    shot("3-childs-page")

    # Opening it shows the image itself, in the browser.
    with page.expect_response(re.compile(rf"/casework/documents/{certificate.code}/$")) as opened:
        page.locator("#child-documents").get_by_role("link", name="Birth certificate").click()
    response = opened.value
    assert response.status == 200
    assert response.headers["content-type"] == "image/png"
    assert response.headers["content-disposition"].startswith("inline")
    assert response.headers["cache-control"] == "no-store"
    assert response.body() == photo
    page.go_back()

    # A scanned court paper, from her file: downloaded, not shown.
    page.goto(f"{live_server.url}{sophea.get_absolute_url()}")
    page.locator("#documents").get_by_role("link", name="Attach a document").click()
    page.select_option("#id_kind", label="Court papers")
    fill_date(page, "#id_dated_on", yesterday)
    scan = pdf_bytes()
    page.set_input_files(
        "#id_file", {"name": "court.pdf", "mimeType": "application/pdf", "buffer": scan}
    )
    page.get_by_role("button", name="Attach the document").click()
    expect(page).to_have_url(re.compile(rf"/women/{sophea.code}/$"))
    section = page.locator("#documents")
    expect(section).to_contain_text("Court papers")
    expect(section).to_contain_text("about Sok Vichet")
    expect(page.locator("#notes")).to_contain_text("about Sok Vichet")
    expect(page.locator("#timeline")).to_contain_text("Case note about Sok Vichet: Visit")
    shot("4-file")
    with page.expect_download() as download:
        section.get_by_role("link", name="Court papers").click()
    assert download.value.suggested_filename == "court_papers.pdf"
    with open(download.value.path(), "rb") as saved:
        assert saved.read() == scan

    views = AuditEntry.objects.filter(action="view", object_type="casework.document")
    assert views.count() == 2


def test_remove_a_document_attached_by_mistake(
    page: Page, live_server: LiveServer, sokha: User, sophea: Mother, shot: Shot
) -> None:
    from komar.casework import files
    from komar.casework.tests.factories import attach

    kept = attach(sophea, sokha, kind="court_papers")
    mistaken = attach(sophea, sokha, png_bytes(), kind="national_id")
    log_in(page, live_server, sokha)
    page.goto(f"{live_server.url}{sophea.get_absolute_url()}")
    section = page.locator("#documents")
    section.locator(f"li[data-document='{mistaken.code}']").get_by_role(
        "link", name="Remove"
    ).click()
    expect(page.locator("h1")).to_have_text("Remove a document")
    expect(page.locator("#document")).to_contain_text("National ID card")
    page.get_by_role("button", name="Remove the document").click()  # no reason: refused
    expect(page.locator("#error-summary")).to_contain_text("1 answer needs correcting")
    page.get_by_label("Why it is removed").fill("Another woman's ID card, scanned with hers.")
    shot("1-remove")
    page.get_by_role("button", name="Remove the document").click()

    expect(page).to_have_url(re.compile(rf"/women/{sophea.code}/$"))
    expect(page.locator(".messages")).to_contain_text("Document removed.")
    expect(section.locator(f"li[data-document='{mistaken.code}']")).to_have_count(0)
    expect(section.locator(f"li[data-document='{kept.code}']")).to_have_count(1)
    shot("2-file-after-removal")
    mistaken.refresh_from_db()
    assert mistaken.removed_by == sokha and mistaken.removed_at is not None
    assert not files.exists(mistaken.storage_name)  # deleted once the removal committed
    response = page.request.get(f"{live_server.url}{mistaken.get_absolute_url()}")
    assert response.status == 404


PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}


def test_the_casework_pages_fit_a_phone_and_pass_axe(
    page: Page, live_server: LiveServer, sokha: User, sophea: Mother
) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from django.urls import reverse

    from komar.casework.tests.factories import attach, note

    child = sophea.children.get(name_latin="Sok Vichet")
    long_words = "ពិភាក្សាអំពីការថែទាំកូននៅពេលម្ដាយត្រូវដោះលែងពីពន្ធនាគារ" * 4
    written = note(sophea, sokha, child=child, discussed=long_words, agreed=long_words)
    attach(sophea, sokha, png_bytes(), child=child, kind="birth_certificate", note=long_words[:300])
    card = attach(sophea, sokha)
    log_in(page, live_server, sokha)
    axe = Axe()
    problems = {}
    for url in [
        sophea.get_absolute_url(),
        child.get_absolute_url(),
        reverse("casework:note_new", args=[sophea.code]),
        reverse("casework:note_edit", args=[written.code]),
        reverse("casework:note_list", args=[sophea.code]),
        reverse("casework:document_new", args=[sophea.code]),
        reverse("casework:document_list", args=[sophea.code]),
        reverse("casework:document_remove", args=[card.code]),
    ]:
        page.set_viewport_size(PHONE)
        page.goto(f"{live_server.url}{url}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems[url] = f"{width} px wide"
        page.set_viewport_size(LAPTOP)
        results = axe.run(page)
        if results.violations_count:
            problems[url] = results.generate_report()
    assert problems == {}, "\n".join(f"== {url}\n{p}" for url, p in problems.items())
