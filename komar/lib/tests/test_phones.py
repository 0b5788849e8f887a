import pytest
from django.core.exceptions import ValidationError

from komar.lib.phones import clean_phone, format_phone, looks_like_phone


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("012 345 678", "+85512345678"),
        ("012345678", "+85512345678"),
        ("012-345-678", "+85512345678"),
        ("(012) 345 678", "+85512345678"),
        ("+855 12 345 678", "+85512345678"),
        ("855 12 345 678", "+85512345678"),
        ("00855 12 345 678", "+85512345678"),
        ("០១២ ៣៤៥ ៦៧៨", "+85512345678"),  # Khmer digits
        ("097 712 3456", "+855977123456"),
        ("+84 91 234 5678", "+84912345678"),  # a foreign number, with its country code
        ("", ""),
        ("   ", ""),
    ],
)
def test_a_number_is_stored_in_one_format(typed, stored) -> None:
    assert clean_phone(typed) == stored


@pytest.mark.parametrize(
    "typed", ["12345", "012 345", "012 345 678 999", "023 123 456", "phone", "000 000 000"]
)
def test_what_is_not_a_cambodian_number_is_refused(typed) -> None:
    with pytest.raises(ValidationError) as raised:
        clean_phone(typed)
    assert raised.value.code == "phone"


def test_a_number_is_shown_as_people_write_it() -> None:
    assert format_phone("+85512345678") == "012 345 678"
    assert format_phone("+855977123456") == "097 712 3456"
    assert format_phone("+84912345678") == "+84 912 345 678"
    # Older entries, typed before numbers were checked, are shown as they were.
    assert format_phone("012 345 678 (her sister)") == "012 345 678 (her sister)"
    assert format_phone("") == ""


def test_a_phone_is_told_apart_from_an_address() -> None:
    assert looks_like_phone("012 345 678")
    assert looks_like_phone("+855 12 345 678")
    assert not looks_like_phone("Kouk Chak village, Siem Reap")
    assert not looks_like_phone("Village 3")
    assert not looks_like_phone("12")
