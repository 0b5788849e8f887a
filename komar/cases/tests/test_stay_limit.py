import datetime as dt

import pytest

from komar.cases.models import Child, Placement
from komar.conftest import child_inside, child_with_grandmother, register


def _child(mother, **kwargs) -> Child:
    return mother.children.get(**kwargs)


def test_stay_limit_is_36_months_after_birth(sophea) -> None:
    child = _child(sophea, name_latin="Sok Vichet")
    assert child.stay_limit_date == dt.date(2028, 1, 15)


def test_leap_day_child_reaches_the_limit_on_28_february(sokha, siem_reap) -> None:
    mother = register(sokha, siem_reap, children=[child_inside(born=dt.date(2024, 2, 29))])
    child = mother.children.get()
    assert child.stay_limit_date == dt.date(2027, 2, 28)
    assert child.days_left(dt.date(2027, 2, 27)) == 1
    assert child.days_left(dt.date(2027, 3, 1)) == -1


def test_the_limit_follows_the_setting(sophea, settings) -> None:
    settings.KOMAR_CHILD_STAY_LIMIT_MONTHS = 48
    assert _child(sophea, name_latin="Sok Vichet").stay_limit_date == dt.date(2029, 1, 15)


@pytest.mark.parametrize(
    ("today", "codes"),
    [
        (dt.date(2027, 10, 16), []),  # 91 days before
        (dt.date(2027, 10, 17), ["near_limit"]),  # 90 days before
        (dt.date(2028, 1, 15), ["near_limit"]),  # the day itself
        (dt.date(2028, 1, 16), ["over_limit"]),  # one day over: flagged, never rejected
    ],
)
def test_child_inside_is_flagged_near_and_over_the_limit(sophea, today, codes) -> None:
    child = _child(sophea, name_latin="Sok Vichet")
    assert [f.code for f in child.flags(today)] == codes


def test_child_outside_is_never_flagged_for_the_limit(sophea) -> None:
    child = _child(sophea, name_latin="Sok Dara")
    assert child.flags(dt.date(2030, 1, 1)) == []


def test_child_with_unknown_whereabouts_is_flagged(sokha, siem_reap) -> None:
    details, _ = child_with_grandmother()
    mother = register(
        sokha,
        siem_reap,
        children=[(details, {"kind": Placement.Kind.UNKNOWN, "start_date": dt.date(2026, 1, 10)})],
    )
    assert [f.code for f in mother.children.get().flags()] == ["whereabouts_unknown"]


def test_estimated_birth_date_still_gives_a_limit(sokha, siem_reap) -> None:
    mother = register(
        sokha, siem_reap, children=[child_inside(born=dt.date(2025, 6, 1), dob_is_estimated=True)]
    )
    child = mother.children.get()
    assert child.dob_is_estimated
    assert child.stay_limit_date == dt.date(2028, 6, 1)


def test_a_child_over_the_limit_can_be_registered(sokha, siem_reap) -> None:
    mother = register(sokha, siem_reap, children=[child_inside(born=dt.date(2022, 1, 1))])
    child = mother.children.get()
    assert child.is_inside
    assert "over_limit" in [f.code for f in child.flags(dt.date(2026, 1, 10))]
