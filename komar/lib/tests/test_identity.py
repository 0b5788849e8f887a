import pytest
from django.core.exceptions import ValidationError

from komar.lib.identity import clean_document_number, clean_document_text, clean_national_id


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("160234567", "160234567"),
        ("160 234 567", "160234567"),
        ("160-234-567", "160234567"),
        ("១៦០២៣៤៥៦៧", "160234567"),
        ("", ""),
    ],
)
def test_a_national_id_number_has_nine_digits(typed, stored) -> None:
    assert clean_national_id(typed) == stored


@pytest.mark.parametrize("typed", ["16023456", "1602345678", "ID-160234567", "160 234 56x", "-"])
def test_anything_else_is_not_a_national_id_number(typed) -> None:
    with pytest.raises(ValidationError) as raised:
        clean_national_id(typed)
    assert raised.value.code == "national_id"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("F-4411", "F-4411"), ("0102/45", "0102/45"), ("12 345", "12 345"), ("", "")],
)
def test_a_document_number_keeps_its_digits_letters_and_separators(typed, stored) -> None:
    assert clean_document_number(typed) == stored


@pytest.mark.parametrize("typed", ["ABC", "12\U0001f600", "សៀវភៅ 12", "#12", "/12"])
def test_a_document_number_without_digits_or_with_symbols_is_refused(typed) -> None:
    with pytest.raises(ValidationError):
        clean_document_number(typed)


def test_another_document_is_described_in_words_without_symbols() -> None:
    assert clean_document_text("Passport N0123456 (Viet Nam)") == "Passport N0123456 (Viet Nam)"
    assert clean_document_text("លិខិតឆ្លងដែន N0123456") == "លិខិតឆ្លងដែន N0123456"
    with pytest.raises(ValidationError):
        clean_document_text("Passport \U0001f6c2")
