"""Attaching a document: PDF, JPEG and PNG only, told apart by their content; a size limit;
stored under the configured folder by a random name; audited."""

import datetime as dt
import hashlib
import stat

import pytest
from django.urls import reverse

from komar.audit.models import AuditEntry
from komar.casework import files
from komar.casework.models import Document
from komar.casework.tests.factories import ELF, MZ, jpeg_bytes, pdf_bytes, png_bytes, upload
from komar.conftest import client_for


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC), tick=False)


def url(mother):
    return reverse("casework:document_new", args=[mother.code])


def post(
    user, mother, content, name="Srey Sophea birth certificate.pdf", content_type=None, **data
):
    fields = {"kind": "national_id", "dated_on": "2026-02-01", "child": "", "note": "", **data}
    fields["file"] = upload(content, name, content_type or "application/pdf")
    return client_for(user).post(url(mother), fields, REMOTE_ADDR="10.1.2.3")


def stored_files(folder):
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_the_form_uploads_as_multipart_and_says_what_it_takes(sokha, sophea) -> None:
    html = client_for(sokha).get(url(sophea)).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert "novalidate" in html
    assert 'type="file"' in html
    assert "A PDF, JPEG or PNG file of at most 10 MB." in html
    assert '<option value="" selected>---------</option>' in html


@pytest.mark.parametrize(
    ("make", "file_format", "content_type"),
    [
        (pdf_bytes, "pdf", "application/pdf"),
        (png_bytes, "png", "image/png"),
        (jpeg_bytes, "jpeg", "image/jpeg"),
    ],
)
def test_it_attaches_a_real_file_under_the_configured_folder_by_a_random_name(
    sokha, sophea, documents_dir, make, file_format, content_type
) -> None:
    content = make()
    response = post(sokha, sophea, content, name="Srey Sophea.pdf", content_type="text/plain")
    assert response.status_code == 302
    assert response.url == sophea.get_absolute_url()
    document = Document.objects.get()
    assert document.file_format == file_format  # what the content is, not what the name says
    assert document.content_type == content_type
    assert document.size == len(content)
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.uploaded_by == sokha and document.mother == sophea
    [path] = stored_files(documents_dir)
    assert path == files.path_of(document.storage_name)
    assert path.read_bytes() == content
    assert path.name == document.storage_name and len(path.name) == 32
    assert "Sophea" not in str(path) and "." not in path.name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(documents_dir.stat().st_mode) == 0o700
    entry = AuditEntry.objects.get(object_code=str(document.code))
    assert entry.action == "create" and entry.actor == sokha and entry.mother == sophea
    assert entry.object_type == "casework.document" and entry.ip_address == "10.1.2.3"
    assert entry.fields == ["dated_on", "file", "kind"]


def test_a_document_of_a_child_goes_back_to_the_childs_page(sokha, sophea) -> None:
    child = sophea.children.get(name_latin="Sok Vichet")
    html = client_for(sokha).get(f"{url(sophea)}?child={child.code}").content.decode()
    assert f'value="{child.pk}" selected' in html
    response = post(
        sokha,
        sophea,
        png_bytes(),
        kind="birth_certificate",
        dated_on="2025-02-01",
        child=str(child.pk),
        note="Copy; the original is with her sister.",
    )
    assert response.url == child.get_absolute_url()
    document = Document.objects.get()
    assert document.child == child and document.note == "Copy; the original is with her sister."
    fields = AuditEntry.objects.get(object_code=str(document.code)).fields
    assert fields == ["child", "dated_on", "file", "kind", "note"]


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (ELF, "birth-certificate.pdf", "application/pdf"),
        (MZ, "photo.png", "image/png"),
        (b"<html><script>alert(1)</script></html>", "scan.jpg", "image/jpeg"),
        (b"PK\x03\x04" + b"\x00" * 100, "family-book.pdf", "application/pdf"),
    ],
)
def test_a_file_that_is_not_a_pdf_jpeg_or_png_is_refused_whatever_its_name(
    sokha, sophea, documents_dir, content, name, content_type
) -> None:
    response = post(sokha, sophea, content, name=name, content_type=content_type)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Only PDF, JPEG and PNG files can be attached" in html
    assert "1 answer needs correcting" in html
    assert not Document.objects.exists()
    assert stored_files(documents_dir) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (pdf_bytes().replace(b"%%EOF", b"%%END"), "This PDF is damaged or incomplete."),
        (b"%PDF-1.4\n" + b"x" * 100, "This PDF is damaged or incomplete."),
        (png_bytes()[:60], "This image is damaged or incomplete."),
        (png_bytes()[:8] + b"\x00" * 200, "This image is damaged or incomplete."),
        (jpeg_bytes()[:3] + ELF, "This image is damaged or incomplete."),
        (b"", "The submitted file is empty."),
    ],
)
def test_a_damaged_file_is_refused(sokha, sophea, content, message) -> None:
    response = post(sokha, sophea, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Document.objects.exists()


def test_an_oversized_file_is_refused_with_the_limit_in_the_message(
    sokha, sophea, documents_dir
) -> None:
    limit = 10 * 1024 * 1024
    big = pdf_bytes()
    big = big[:-6] + b" " * (limit + 1 - len(big)) + b"%%EOF\n"
    assert len(big) == limit + 1
    response = post(sokha, sophea, big)
    assert response.status_code == 200
    assert "This file is 10.0 MB: a document can be at most 10 MB." in response.content.decode()
    assert not Document.objects.exists()
    assert stored_files(documents_dir) == []


def test_the_limit_is_a_setting(sokha, sophea, settings) -> None:
    settings.KOMAR_DOCUMENT_MAX_MB = 1
    big = png_bytes((900, 900)) + b"\x00" * (1024 * 1024)
    response = post(sokha, sophea, big)
    assert "a document can be at most 1 MB." in response.content.decode()
    assert "at most 1 MB." in client_for(sokha).get(url(sophea)).content.decode()


def test_a_form_posted_without_a_file_asks_for_one(sokha, sophea) -> None:
    data = {"kind": "national_id", "dated_on": "2026-02-01", "child": "", "note": ""}
    response = client_for(sokha).post(url(sophea), data)
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"dated_on": "2026-03-21"}, "This date is in the future."),
        ({"dated_on": "1899-01-01"}, "A date before 1900 cannot be right: check the year."),
        ({"dated_on": "1990-01-01"}, "The document is dated before her date of birth"),
    ],
)
def test_the_date_rules_hold(sokha, sophea, data, message) -> None:
    response = post(sokha, sophea, pdf_bytes(), **data)
    assert message in response.content.decode()
    assert not Document.objects.exists()


def test_a_childs_document_is_not_dated_before_the_child_was_born(sokha, sophea) -> None:
    child = sophea.children.get(name_latin="Sok Vichet")  # born 15 January 2025
    refused = post(
        sokha,
        sophea,
        pdf_bytes(),
        kind="birth_certificate",
        dated_on="2025-01-01",
        child=str(child.pk),
    )
    assert "A document about this child is dated before the child was born" in (
        refused.content.decode()
    )
    # A family book is the household's: it may be older than the child, or than her.
    family_book = {"kind": "family_book", "dated_on": "1990-05-01"}
    assert post(sokha, sophea, pdf_bytes(), child=str(child.pk), **family_book).status_code == 302
    assert post(sokha, sophea, pdf_bytes(), **family_book).status_code == 302


def test_the_action_checks_the_content_and_the_dates_again(sokha, sophea, documents_dir) -> None:
    from komar.cases.actions import DatesRefused
    from komar.casework.tests.factories import attach

    with pytest.raises(files.Refused):
        attach(sophea, sokha, ELF)
    with pytest.raises(DatesRefused):
        attach(sophea, sokha, dated_on=dt.date(2026, 4, 1))
    assert not Document.objects.exists()
    assert stored_files(documents_dir) == []


def test_a_failed_write_leaves_no_file_behind(sokha, sophea, documents_dir, monkeypatch) -> None:
    from komar.casework import actions
    from komar.casework.tests.factories import attach

    def broken(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(actions, "write_audit", broken)
    with pytest.raises(RuntimeError):
        attach(sophea, sokha)
    assert not Document.objects.exists()
    assert stored_files(documents_dir) == []
