"""The child-friendly space's register: who is listed, ticking and correcting on the day, the
refusal after it, and the month's arithmetic against tables computed by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from komar.accounts.models import Role
from komar.audit.models import AuditEntry
from komar.cases.actions import EditConflict, InvalidAction
from komar.conftest import child_inside, client_for, make_user, register
from komar.monitoring import actions, attendance
from komar.monitoring.models import Attendance, Register
from komar.monitoring.tests.helpers import NOW, TODAY, take


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def vichet(sophea):
    return sophea.children.get(name_latin="Sok Vichet")


@pytest.fixture
def other_child(outsider, siem_reap):
    """A child inside Siem Reap whose mother belongs to another NGO (not in sokha's scope)."""
    woman = register(
        outsider,
        siem_reap,
        name_latin="Keo Nary",
        name_km="កែវ ណារី",
        children=[child_inside(born=dt.date(2024, 6, 1), name_latin="Keo Mony", name_km="កែវ មុន្នី")],
    )
    return woman.children.get()


@pytest.fixture
def guard(prison_department, siem_reap):
    """Prison department staff at Siem Reap, who see every woman held there."""
    return make_user("guard", prison_department, Role.SOCIAL_WORKER, [siem_reap])


def test_the_list_is_the_children_inside_whose_files_she_sees(
    sokha, guard, siem_reap, vichet, other_child
) -> None:
    assert attendance.children_for_register(sokha, siem_reap) == [vichet]
    assert set(attendance.children_for_register(guard, siem_reap)) == {vichet, other_child}


def test_ticking_records_who_came_and_for_how_long_audited(sokha, siem_reap, vichet) -> None:
    response = client_for(sokha).post(
        f"/monitoring/register/{siem_reap.code}/",
        {f"came_{vichet.code.hex}": "on", f"hours_{vichet.code.hex}": "2.5", "version": ""},
    )
    assert response.status_code == 302
    register_ = Register.objects.get()
    assert (register_.facility, register_.on, register_.recorded_by) == (siem_reap, TODAY, sokha)
    assert list(register_.attendances.values_list("child", "hours")) == [
        (vichet.pk, Decimal("2.5"))
    ]
    entry = AuditEntry.objects.get(object_code=str(register_.code))
    assert (entry.action, entry.actor, entry.fields) == ("create", sokha, ["attendance", "hours"])


def test_the_same_day_she_corrects_it(sokha, siem_reap, vichet) -> None:
    take(siem_reap, sokha, {vichet: "2.5"}, [vichet])
    client = client_for(sokha)
    page = client.get(f"/monitoring/register/{siem_reap.code}/")
    assert page.context["form"].initial["version"] == 1
    # The saved hours are what the page offers again (a correction keeps them as they were).
    assert '<option value="2.5" selected>2.5</option>' in page.content.decode()
    response = client.post(
        f"/monitoring/register/{siem_reap.code}/",
        {f"hours_{vichet.code.hex}": "2.0", "version": "1"},
    )
    assert response.status_code == 302
    register_ = Register.objects.get()
    assert register_.version == 2 and not register_.attendances.exists()
    assert AuditEntry.objects.filter(object_code=str(register_.code), action="change").count() == 1


def test_the_next_day_a_correction_is_refused_with_a_clear_message(
    sokha, siem_reap, vichet, time_machine
) -> None:
    take(siem_reap, sokha, {vichet: "2"}, [vichet])
    time_machine.move_to(dt.datetime(2026, 3, 20, 17, 1, tzinfo=dt.UTC), tick=False)  # 00:01
    with pytest.raises(InvalidAction, match="on its own day only"):
        actions.do_take_attendance(
            siem_reap, TODAY, {}, shown=[vichet.pk], expected_version=1, actor=sokha
        )
    assert Attendance.objects.get().hours == Decimal("2")
    # The page shows the new day's register; yesterday's stays as it was.
    page = client_for(sokha).get(f"/monitoring/register/{siem_reap.code}/")
    assert page.context["register"] is None


def test_a_register_saved_meanwhile_is_a_conflict_not_an_overwrite(
    sokha, guard, siem_reap, vichet
) -> None:
    take(siem_reap, guard, {vichet: "3"}, [vichet])
    with pytest.raises(EditConflict):
        actions.do_take_attendance(
            siem_reap, TODAY, {}, shown=[vichet.pk], expected_version=None, actor=sokha
        )
    response = client_for(sokha).post(
        f"/monitoring/register/{siem_reap.code}/",
        {f"hours_{vichet.code.hex}": "2.0", "version": ""},
    )
    assert response.status_code == 409
    assert "Guard saved it at" in response.content.decode()
    assert Attendance.objects.get().hours == Decimal("3")


def test_rows_of_children_she_was_not_shown_are_left_alone(
    sokha, guard, siem_reap, vichet, other_child
) -> None:
    take(siem_reap, guard, {vichet: "1", other_child: "4"}, [vichet, other_child])
    take(siem_reap, sokha, {}, [vichet])
    assert list(Attendance.objects.values_list("child", "hours")) == [
        (other_child.pk, Decimal("4"))
    ]


def test_hours_out_of_range_and_unlisted_children_are_refused(
    sokha, siem_reap, vichet, other_child
) -> None:
    with pytest.raises(InvalidAction):
        take(siem_reap, sokha, {vichet: "11"}, [vichet])
    with pytest.raises(InvalidAction):
        take(siem_reap, sokha, {other_child: "1"}, [vichet])
    response = client_for(sokha).post(
        f"/monitoring/register/{siem_reap.code}/",
        {f"came_{vichet.code.hex}": "on", f"hours_{vichet.code.hex}": "99", "version": ""},
    )
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    assert not Register.objects.exists()


def test_a_facility_without_a_child_friendly_space_has_no_register(sokha, battambang) -> None:
    sokha.facilities.add(battambang)
    assert client_for(sokha).get(f"/monitoring/register/{battambang.code}/").status_code == 404


def _day(facility, user, on, hours):
    """A past register written directly (the action only writes today's)."""
    register_ = Register.objects.create(facility=facility, on=on, recorded_by=user)
    for child, h in hours.items():
        Attendance.objects.create(register=register_, child=child, hours=Decimal(h))


def test_the_months_figures_match_the_table_computed_by_hand(
    guard, siem_reap, vichet, other_child
) -> None:
    """March 2026 at Siem Reap:

    | day      | Vichet | Mony | children | hours |
    |----------|--------|------|----------|-------|
    | 2 March  | 2      | 1.5  | 2        | 3.5   |
    | 3 March  | 2      | —    | 1        | 2     |
    | 5 March  | —      | —    | 0        | 0     |
    | 20 March | 3      | 2    | 2        | 5     |

    Open days 4; attendances 5; children a day 5/4 = 1.25 → 1.3 (one decimal, half up on the
    exact quotient; Decimal's default rounding is half even: 1.25 → 1.2); hours 10.5.
    Vichet: 3 days, 7 hours; Mony: 2 days, 3.5 hours. A February day is left out."""
    _day(siem_reap, guard, dt.date(2026, 2, 27), {vichet: "5"})
    _day(siem_reap, guard, dt.date(2026, 3, 2), {vichet: "2", other_child: "1.5"})
    _day(siem_reap, guard, dt.date(2026, 3, 3), {vichet: "2"})
    _day(siem_reap, guard, dt.date(2026, 3, 5), {})
    take(siem_reap, guard, {vichet: "3", other_child: "2"}, [vichet, other_child])
    figures = attendance.month_figures(siem_reap, dt.date(2026, 3, 1), TODAY)
    assert figures.open_days == 4
    assert figures.attendances == 5
    assert figures.hours == Decimal("10.5")
    assert figures.distinct_children == 2
    assert figures.average_per_day == Decimal("1.2")
    assert [(d.on.day, d.children, d.hours) for d in figures.days] == [
        (2, 2, Decimal("3.5")),
        (3, 1, Decimal("2")),
        (5, 0, Decimal("0")),
        (20, 2, Decimal("5")),
    ]
    assert [(c.child, c.days, c.hours, c.age_months) for c in figures.children] == [
        (vichet, 3, Decimal("7"), 14),  # born 15 January 2025: 14 months on 20 March 2026
        (other_child, 2, Decimal("3.5"), 21),  # born 1 June 2024
    ]
    assert attendance.open_days([siem_reap.pk], dt.date(2026, 2, 1)) == {siem_reap.pk: 1}


def test_the_month_page_names_only_the_children_she_may_see(
    sokha, monitor, guard, siem_reap, vichet, other_child
) -> None:
    take(siem_reap, guard, {vichet: "3", other_child: "2"}, [vichet, other_child])
    url = f"/monitoring/attendance/{siem_reap.code}/"
    mine = client_for(sokha).get(url).content.decode()
    assert "Sok Vichet" in mine and "Keo Mony" not in mine
    assert f"Child of case {other_child.mother.case_number}" in mine
    theirs = client_for(monitor).get(url).content.decode()
    assert "Sok Vichet" not in theirs and "Keo Mony" not in theirs
    assert f"Child of case {vichet.mother.case_number}" in theirs
    assert 'id="distinct-children">2<' in theirs


def test_the_register_and_the_month_page_read_a_fixed_number_of_queries(
    guard, siem_reap, sophea
) -> None:
    client = client_for(guard)
    counts = []
    for n in range(2):
        shown = attendance.children_for_register(guard, siem_reap)
        take(siem_reap, guard, {c: "1" for c in shown}, shown)
        client.get(f"/monitoring/register/{siem_reap.code}/")  # the session, once
        with CaptureQueriesContext(connection) as register_page:
            client.get(f"/monitoring/register/{siem_reap.code}/")
        with CaptureQueriesContext(connection) as month_page:
            client.get(f"/monitoring/attendance/{siem_reap.code}/")
        counts.append((len(register_page), len(month_page)))
        for i in range(3):
            register(
                guard,
                siem_reap,
                name_latin=f"Woman {n}{i}",
                children=[child_inside(name_latin=f"Child {n}{i}")],
            )
    assert counts[0] == counts[1]
