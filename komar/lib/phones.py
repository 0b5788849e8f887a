"""Phone numbers: read as Cambodian unless they start with a country code, stored as E.164.

A number is parsed and checked with `phonenumbers` (Google's libphonenumber metadata, which
knows each Cambodian operator's prefixes and lengths). It is stored in E.164 ("+85512345678"),
one format for every number whatever way it was typed, and shown the way people write it: a
Cambodian number in the national format ("012 345 678"), another country's in the international
one ("+84 912 345 678").
"""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

REGION = "KH"
_KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")
# What a phone number is typed with: digits (Khmer ones too), spaces, + and the usual separators.
_PHONE_CHARACTERS = re.compile(r"[0-9០-៩+\s().\-/]+")
_MIN_DIGITS = 6


def looks_like_phone(value: str) -> bool:
    """True for text made only of what phone numbers are typed with (and enough digits), such
    as "012 345 678"; False for an address or a name."""
    value = value.strip()
    return bool(_PHONE_CHARACTERS.fullmatch(value)) and sum(c.isdigit() for c in value) >= (
        _MIN_DIGITS
    )


def parse_phone(value: str) -> phonenumbers.PhoneNumber | None:
    """The number, if `value` is a valid phone number (Cambodian unless it starts with + or
    00 and a country code), else None."""
    text = value.strip().translate(_KHMER_DIGITS)
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def clean_phone(value: str) -> str:
    """The number as stored (E.164), "" for nothing typed; ValidationError if it is not one."""
    if not value.strip():
        return ""
    number = parse_phone(value)
    if number is None:
        raise ValidationError(
            _(
                "This is not a phone number in Cambodia. Type it as it is dialled, for example "
                "012 345 678, or a foreign number with + and its country code."
            ),
            code="phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(value: str) -> str:
    """A stored number as people write it; anything else (older entries) as it was typed."""
    if not value:
        return ""
    number = parse_phone(value)
    if number is None:
        return value
    if phonenumbers.region_code_for_number(number) == REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
