"""Opening a document: through the access getters only, with headers that keep the browser
from guessing and caches from keeping it, and every opening audited."""

import datetime as dt

import pytest
from django.urls import reverse

from komar.audit.models import AuditEntry
from komar.casework import files
from komar.casework.tests.factories import attach, jpeg_bytes, pdf_bytes, png_bytes
from komar.conftest import client_for


def url(document):
    return reverse("casework:document_file", args=[document.code])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_pdf_is_downloaded_with_a_fixed_name(sokha, sophea) -> None:
    content = pdf_bytes()
    document = attach(sophea, sokha, content, kind="court_papers")
    response = client_for(sokha).get(url(document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="court_papers.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert body(response) == content


@pytest.mark.parametrize(
    ("make", "content_type", "name"),
    [(png_bytes, "image/png", "national_id.png"), (jpeg_bytes, "image/jpeg", "national_id.jpg")],
)
def test_an_image_is_shown_in_the_browser(sokha, sophea, make, content_type, name) -> None:
    content = make()
    document = attach(sophea, sokha, content)
    response = client_for(sokha).get(url(document))
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'inline; filename="{name}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in response
    assert body(response) == content


def test_every_opening_is_audited_as_a_view_of_her_file(sokha, dara, sophea) -> None:
    document = attach(sophea, sokha)
    client_for(sokha).get(url(document), REMOTE_ADDR="10.1.2.3")
    client_for(dara).get(url(document))
    views = AuditEntry.objects.filter(object_code=str(document.code), action="view")
    assert views.count() == 2
    entry = views.get(actor=sokha)
    assert entry.object_type == "casework.document"
    assert entry.mother == sophea and entry.ip_address == "10.1.2.3" and entry.fields == []


def test_no_name_is_in_the_address_or_the_response_headers(sokha, sophea) -> None:
    document = attach(sophea, sokha, note="Srey Sophea's card")
    response = client_for(sokha).get(url(document))
    assert "Sophea" not in url(document)
    assert all("Sophea" not in value for value in response.headers.values())


def test_a_file_missing_from_the_folder_is_not_found_and_not_audited(sokha, sophea) -> None:
    document = attach(sophea, sokha)
    files.path_of(document.storage_name).unlink()
    assert client_for(sokha).get(url(document)).status_code == 404
    assert not AuditEntry.objects.filter(object_code=str(document.code), action="view").exists()


def test_a_document_outside_her_scope_is_not_found_and_not_audited(outsider, sokha, sophea):
    document = attach(sophea, sokha)
    assert client_for(outsider).get(url(document)).status_code == 404
    assert not AuditEntry.objects.filter(action="view", object_code=str(document.code)).exists()


def test_the_documents_are_listed_with_a_link_to_open_each(sokha, sophea) -> None:
    child = sophea.children.get(name_latin="Sok Vichet")
    mine = attach(sophea, sokha, dated_on=dt.date(2026, 1, 5))
    childs = attach(sophea, sokha, png_bytes(), child=child, dated_on=dt.date(2026, 2, 5))
    client = client_for(sokha)
    html = client.get(reverse("casework:document_list", args=[sophea.code])).content.decode()
    assert html.index(str(childs.code)) < html.index(str(mine.code))  # newest first
    assert f'href="{url(mine)}"' in html and "about Sok Vichet" in html
    assert AuditEntry.objects.filter(action="view", object_code=str(sophea.code)).exists()
    only_child = client.get(
        reverse("casework:document_list", args=[sophea.code]), {"child": str(child.code)}
    ).content.decode()
    assert str(childs.code) in only_child and str(mine.code) not in only_child
