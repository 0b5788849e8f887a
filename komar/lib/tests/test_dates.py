import datetime as dt

import pytest

from komar.lib.dates import add_months, age_in_months, earliest_birth_date_reaching_on_or_after


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2024, 1, 15), 36, dt.date(2027, 1, 15)),
        (dt.date(2024, 2, 29), 36, dt.date(2027, 2, 28)),  # leap day → last day of February
        (dt.date(2024, 2, 29), 48, dt.date(2028, 2, 29)),  # lands on a leap year again
        (dt.date(2023, 1, 31), 1, dt.date(2023, 2, 28)),
        (dt.date(2023, 12, 31), 2, dt.date(2024, 2, 29)),
        (dt.date(2026, 3, 31), -1, dt.date(2026, 2, 28)),
        (dt.date(2026, 5, 10), 0, dt.date(2026, 5, 10)),
    ],
)
def test_add_months(day: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(day, months) == expected


def test_age_in_months_counts_whole_months() -> None:
    born = dt.date(2024, 1, 31)
    assert age_in_months(born, dt.date(2024, 2, 28)) == 0
    assert age_in_months(born, dt.date(2024, 2, 29)) == 1
    assert age_in_months(born, dt.date(2027, 1, 30)) == 35
    assert age_in_months(born, dt.date(2027, 1, 31)) == 36
    assert age_in_months(born, dt.date(2023, 1, 1)) == 0


def test_earliest_birth_date_matches_add_months_on_every_day_of_four_years() -> None:
    # Exhaustive over a leap cycle: the bound agrees with add_months for every birth date.
    start = dt.date(2027, 1, 1)
    for offset in range(0, 4 * 366, 7):
        day = start + dt.timedelta(days=offset)
        bound = earliest_birth_date_reaching_on_or_after(day, 36)
        assert add_months(bound, 36) >= day
        assert add_months(bound - dt.timedelta(days=1), 36) < day
