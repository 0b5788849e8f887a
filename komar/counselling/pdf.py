"""PDFs from HTML templates, with Khmer shaped by WeasyPrint (Pango and HarfBuzz).

The vendored Noto Sans Khmer is loaded through @font-face in static/css/print.css. The font has
Khmer glyphs only: Latin letters and digits come from the system's sans-serif font.
"""

from __future__ import annotations

import functools
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from fontTools.ttLib import woff2  # type: ignore[import-untyped]  # WeasyPrint depends on it

PDF_LANGUAGES = ("km", "en")


def _static_dir() -> Path:
    return (Path(settings.BASE_DIR) / "static").resolve()


@functools.cache
def _decompressed_font(path: Path, modified: float) -> bytes:
    """A WOFF2 font as plain TrueType, decompressed once per process, not once per PDF."""
    out = BytesIO()
    woff2.decompress(BytesIO(path.read_bytes()), out)
    return out.getvalue()


@functools.cache
def _fetcher_class() -> Any:
    """The URL fetcher, defined on the first PDF: weasyprint takes seconds to import, which
    every worker would otherwise pay at start-up, PDF or not."""
    import weasyprint  # type: ignore[import-untyped]  # no stubs or py.typed

    class StaticFilesOnly(weasyprint.URLFetcher):
        """Fetch Komar's own static files (stylesheet, fonts) and nothing else.

        A PDF is made from templates holding personal data; it must never reach the network or read
        a file outside static/, whatever a template or a typed value might contain.
        """

        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            if parts.scheme != "file":
                raise ValueError("only Komar's static files may be loaded into a PDF")
            path = Path(unquote(parts.path)).resolve()
            if not path.is_relative_to(_static_dir()):
                raise ValueError("only Komar's static files may be loaded into a PDF")
            if path.suffix == ".woff2":
                font = _decompressed_font(path, path.stat().st_mtime)
                return weasyprint.urls.URLFetcherResponse(url, font, {"Content-Type": "font/ttf"})
            return super().fetch(url, headers)

    return StaticFilesOnly


def render_pdf(template_name: str, context: dict[str, Any], language: str) -> bytes:
    """Render a template in `language` ("km" or "en") and return the PDF."""
    with translation.override(language):
        html = render_to_string(template_name, {**context, "language": language})
    import weasyprint

    document = weasyprint.HTML(
        string=html, base_url=str(_static_dir()), url_fetcher=_fetcher_class()()
    )
    pdf: bytes = document.write_pdf()
    return pdf
