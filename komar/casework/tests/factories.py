"""Case notes and small real files, built through the real actions and libraries."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from komar.accounts.models import User
from komar.cases.models import Child, Mother
from komar.casework.actions import do_attach_document, do_record_note
from komar.casework.models import CaseNote, Document


def note(mother: Mother, actor: User, **overrides: Any) -> CaseNote:
    data = {
        "kind": "visit",
        "held_on": dt.date(2026, 3, 2),
        "child": None,
        "participants": "She, the social worker",
        "discussed": "Her hearing next month and who will look after the baby.",
        "agreed": "The social worker calls her sister before Friday.",
        **overrides,
    }
    return do_record_note(mother, data, actor=actor)


def pdf_bytes() -> bytes:
    """A real one-page PDF (Pillow writes it)."""
    out = io.BytesIO()
    Image.new("RGB", (40, 60), "white").save(out, "PDF")
    return out.getvalue()


def png_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def jpeg_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 30, 200)).save(out, "JPEG")
    return out.getvalue()


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200  # a Linux program
MZ = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200  # a Windows program


def upload(content: bytes, name: str = "scan.pdf", content_type: str = "application/pdf") -> Any:
    return SimpleUploadedFile(name, content, content_type=content_type)


def attach(
    mother: Mother,
    actor: User,
    content: bytes | None = None,
    *,
    child: Child | None = None,
    **overrides: Any,
) -> Document:
    data = {
        "kind": "birth_certificate" if child else "national_id",
        "dated_on": dt.date(2026, 2, 1),
        "child": child,
        "note": "",
        **overrides,
    }
    return do_attach_document(
        mother, data, pdf_bytes() if content is None else content, actor=actor
    )
