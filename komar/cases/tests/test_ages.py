"""Ages as people say them, compared with a count by hand."""

import datetime as dt

import pytest
from django.utils import translation

from komar.cases.templatetags.ages import age_label

BORN = dt.date(2013, 6, 15)


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (dt.date(2013, 7, 14), "0 months old"),
        (dt.date(2013, 7, 15), "1 month old"),
        (dt.date(2016, 6, 14), "35 months old"),
        (dt.date(2016, 6, 15), "3 years old"),
        (dt.date(2016, 7, 15), "3 years and 1 month old"),
        (dt.date(2026, 11, 20), "13 years and 5 months old"),
        (dt.date(2027, 6, 15), "14 years old"),
    ],
)
def test_it_says_months_below_three_and_years_above(on, expected) -> None:
    with translation.override("en"):
        assert age_label(BORN, on) == expected


def test_it_reads_in_khmer() -> None:
    with translation.override("km"):
        assert "13" in age_label(BORN, dt.date(2026, 11, 20))
        assert "months" not in age_label(BORN, dt.date(2026, 11, 20))
