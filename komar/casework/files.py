"""Uploaded documents: what their content is, and where they are kept.

A file is accepted only if its content is a PDF, a JPEG or a PNG, whatever its name or the
browser's content type say: a PDF starts with its `%PDF-` header and ends with its `%%EOF`
marker, and an image starts with its signature and is opened and decoded with Pillow (a JPEG's
segments are also walked to its end marker). Files are stored under `KOMAR_DOCUMENTS_DIR`,
outside static files, by a random name, and only ever sent by the download view.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import tempfile
import warnings
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from PIL import Image

from komar.casework.models import Document

PDF_HEADER = re.compile(rb"%PDF-[12]\.[0-9]")
# The end-of-file marker must be near the end: some writers add a line or a few bytes after it.
PDF_TAIL_BYTES = 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
# A JPEG is decoded at a reduced scale to check it: enough to find a broken file, without
# holding a 50-megapixel photo in memory.
JPEG_CHECK_SIZE = (1024, 1024)
STORAGE_NAME = re.compile(r"^[0-9a-f]{32}$")


class Refused(Exception):
    """The file cannot be attached; `message` says why, in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def max_bytes() -> int:
    return int(settings.KOMAR_DOCUMENT_MAX_MB) * 1024 * 1024


def _megabytes(size: int) -> str:
    return number_format(size / (1024 * 1024), decimal_pos=1)


def limits_help() -> str:
    return _("A PDF, JPEG or PNG file of at most %(limit)s MB.") % {
        "limit": settings.KOMAR_DOCUMENT_MAX_MB
    }


def check_size(size: int) -> None:
    if size == 0:
        raise Refused(_("This file is empty."))
    if size > max_bytes():
        raise Refused(
            _("This file is %(size)s MB: a document can be at most %(limit)s MB.")
            % {"size": _megabytes(size), "limit": settings.KOMAR_DOCUMENT_MAX_MB}
        )


def check_content(data: bytes) -> str:
    """The format of a file's content (a `Document.Format`), or `Refused`."""
    check_size(len(data))
    if data.startswith(b"%PDF-"):
        _check_pdf(data)
        return Document.Format.PDF
    if data.startswith(PNG_SIGNATURE):
        _check_image(data, "PNG")
        return Document.Format.PNG
    if data.startswith(JPEG_SIGNATURE):
        _check_image(data, "JPEG")
        return Document.Format.JPEG
    raise Refused(
        _(
            "Only PDF, JPEG and PNG files can be attached, and this file is none of them "
            "(whatever its name says). Scan the paper as a PDF or take a photo of it."
        )
    )


def _check_pdf(data: bytes) -> None:
    if not PDF_HEADER.match(data) or b"%%EOF" not in data[-PDF_TAIL_BYTES:]:
        raise Refused(_("This PDF is damaged or incomplete. Save or scan it again."))


def _jpeg_is_whole(data: bytes) -> bool:
    """The JPEG's segments lead to its end-of-image marker. (Pillow cannot be asked to refuse a
    truncated JPEG: WeasyPrint turns on its global LOAD_TRUNCATED_IMAGES when it is imported.)

    Each segment before a scan gives its own length (an EXIF thumbnail inside one is skipped
    whole); the entropy-coded data after a scan runs until a marker other than a stuffed 0xFF00
    or a restart marker. Data after the end marker (some phones append some) is allowed."""
    at, size = 2, len(data)
    while at + 4 <= size:
        if data[at] != 0xFF:
            return False
        marker = data[at + 1]
        if marker == 0xD9:
            return True
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            at += 2
            continue
        length = int.from_bytes(data[at + 2 : at + 4], "big")
        at += 2 + length
        if marker != 0xDA:
            continue
        # After a start of scan: skip the entropy-coded data to the next marker.
        while True:
            at = data.find(b"\xff", at)
            if at < 0 or at + 1 >= size:
                return False
            following = data[at + 1]
            if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                at += 1 if following == 0xFF else 2
                continue
            break
    return at + 2 <= size and data[at : at + 2] == b"\xff\xd9"


def _check_image(data: bytes, expected: str) -> None:
    if expected == "JPEG" and not _jpeg_is_whole(data):
        raise Refused(_("This image is damaged or incomplete. Take the photo again."))
    try:
        with warnings.catch_warnings():
            # An image of more pixels than Pillow's limit may be built to exhaust the memory.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != expected:
                    raise ValueError(image.format)
                image.verify()
            with Image.open(io.BytesIO(data)) as image:
                if expected == "JPEG":
                    image.draft("RGB", JPEG_CHECK_SIZE)
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Refused(_("This image has too many pixels. Send a smaller photo.")) from None
    except Exception:
        # Pillow raises many kinds of error for a broken image; each means the same here.
        raise Refused(_("This image is damaged or incomplete. Take the photo again.")) from None


# Storage.


def documents_dir() -> Path:
    return Path(settings.KOMAR_DOCUMENTS_DIR)


def new_storage_name() -> str:
    return secrets.token_hex(16)


def path_of(name: str) -> Path:
    """Where a stored file is: in a folder named after the first two characters of its name
    (so that no folder holds too many files). Only a name Komar made is accepted."""
    if not STORAGE_NAME.match(name):
        raise ValueError("not a storage name")
    return documents_dir() / name[:2] / name


def store(name: str, data: bytes) -> Path:
    """Write a file under its random name, readable by Komar's user only. The file appears
    whole or not at all (written aside, then renamed)."""
    path = path_of(name)
    documents_dir().mkdir(mode=0o700, parents=True, exist_ok=True)
    path.parent.mkdir(mode=0o700, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def remove(name: str) -> None:
    path_of(name).unlink(missing_ok=True)


def exists(name: str) -> bool:
    return path_of(name).is_file()


def open_stored(name: str) -> BinaryIO:
    """The stored file, for reading. FileNotFoundError if it is missing."""
    return path_of(name).open("rb")
