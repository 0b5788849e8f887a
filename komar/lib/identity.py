"""Identity document numbers, checked against the format of their kind of document.

- The Cambodian national identity card number has 9 digits. It is often written in groups
  ("160 234 567"): spaces and hyphens are accepted and dropped, Khmer digits are read as digits.
- For the family book and the birth certificate we found no published number format, so only
  their characters are checked (their length is the field's): digits and Latin letters with
  spaces, hyphens, slashes and full stops, and at least one digit.
- "Other identity document" is the kind of document and its number in words ("Passport
  N0123456"): letters of any script, digits and ordinary punctuation; no symbols or emoji.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NATIONAL_ID_DIGITS = 9
_KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")
_SPACES = re.compile(r"\s+")
_NATIONAL_ID = re.compile(r"[0-9][0-9 \-]*")
_DOCUMENT_NUMBER = re.compile(r"[0-9A-Za-z][0-9A-Za-z \-/.]*")
_DOCUMENT_PUNCTUATION = set(" -/.,:;#()'\u2019")


def _tidy(value: str) -> str:
    value = unicodedata.normalize("NFC", value).translate(_KHMER_DIGITS)
    return _SPACES.sub(" ", value).strip()


def clean_national_id(value: str) -> str:
    """The card number as 9 digits ("160234567"), "" for nothing typed."""
    value = _tidy(value)
    if not value:
        return ""
    digits = value.replace(" ", "").replace("-", "")
    if not _NATIONAL_ID.fullmatch(value) or len(digits) != NATIONAL_ID_DIGITS:
        raise ValidationError(
            _(
                "A national identity card number has 9 digits, for example 160 234 567. Check "
                "the card."
            ),
            code="national_id",
        )
    return digits


def clean_document_number(value: str) -> str:
    """A family book or birth certificate number: digits and Latin letters, with spaces,
    hyphens, slashes or full stops between them; at least one digit."""
    value = _tidy(value)
    if not value:
        return ""
    if not _DOCUMENT_NUMBER.fullmatch(value) or not any(c.isdigit() for c in value):
        raise ValidationError(
            _(
                "Type the number as it is written on the document: digits and Latin letters, "
                "with spaces, hyphens (-) or slashes (/) between them."
            ),
            code="document_number",
        )
    return value


def clean_document_text(value: str) -> str:
    """The name and number of another document: letters, digits and ordinary punctuation."""
    value = _tidy(value)
    for char in value:
        category = unicodedata.category(char)
        if category[0] in "LMN" or char in _DOCUMENT_PUNCTUATION:
            continue
        raise ValidationError(
            _("Only letters, digits and ordinary punctuation, please: “%(char)s” cannot be used.")
            % {"char": char},
            code="document_text",
        )
    return value
