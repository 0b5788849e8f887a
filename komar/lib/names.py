"""Normalising and comparing personal names in Khmer script and Latin letters."""

from __future__ import annotations

import difflib
import re
import unicodedata

# Zero-width characters that Khmer typists insert between words; invisible and not part of a name.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_SPACES = re.compile(r"\s+")


def clean_name(value: str) -> str:
    """A name as stored: NFC, no zero-width characters, single spaces."""
    value = unicodedata.normalize("NFC", value).translate(_INVISIBLE)
    return _SPACES.sub(" ", value).strip()


def comparable(value: str) -> str:
    """A key for comparing names: lower case, no spaces, hyphens or Latin accents."""
    decomposed = unicodedata.normalize("NFD", clean_name(value).casefold())
    kept: list[str] = []
    base_is_latin = False
    for ch in decomposed:
        if unicodedata.combining(ch):
            # Khmer vowel signs are combining marks too: only accents on Latin letters go.
            if base_is_latin:
                continue
        else:
            base_is_latin = "LATIN" in unicodedata.name(ch, "")
        kept.append(ch)
    return re.sub(r"[\s\-'.]", "", unicodedata.normalize("NFC", "".join(kept)))


def similarity(a: str, b: str) -> float:
    """0..1: how alike two names are, ignoring case, spacing and word order."""
    a_key, b_key = comparable(a), comparable(b)
    if not a_key or not b_key:
        return 0.0
    direct = difflib.SequenceMatcher(None, a_key, b_key).ratio()
    a_sorted = "".join(sorted(clean_name(a).casefold().split()))
    b_sorted = "".join(sorted(clean_name(b).casefold().split()))
    swapped = difflib.SequenceMatcher(None, a_sorted, b_sorted).ratio()
    return max(direct, swapped)
