"""The case list sorts by name (both ways), facility, admission date (both ways) and the nearest
stay limit, from the column headers or the "Order" choice, on a page's fixed queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from komar.cases import actions
from komar.conftest import child_inside, client_for, register


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 16, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def three(sokha, siem_reap, cc2):
    sokha.facilities.add(cc2)
    sokha.organisation.facilities.add(cc2)
    anna = register(
        sokha,
        siem_reap,
        name_latin="Anna Chan",
        admission_date=dt.date(2026, 2, 1),
        children=[child_inside(born=dt.date(2025, 6, 1), since=dt.date(2026, 2, 1))],
    )
    bopha = register(
        sokha,
        cc2,
        name_latin="Bopha Keo",
        admission_date=dt.date(2025, 6, 1),
        children=[child_inside(born=dt.date(2024, 1, 1), since=dt.date(2025, 6, 1))],
    )
    chenda = register(sokha, siem_reap, name_latin="Chenda Ros", admission_date=dt.date(2026, 3, 1))
    return anna, bopha, chenda


def listed(client, sort):
    response = client.get(reverse("cases:case_list"), {"sort": sort} if sort else {})
    return [row.mother.name_latin for row in response.context["rows"]]


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("", ["Anna Chan", "Bopha Keo", "Chenda Ros"]),
        ("-name", ["Chenda Ros", "Bopha Keo", "Anna Chan"]),
        ("admitted", ["Chenda Ros", "Anna Chan", "Bopha Keo"]),
        ("-admitted", ["Bopha Keo", "Anna Chan", "Chenda Ros"]),
        # Bopha's son (born January 2024) reaches the limit first; Chenda has no child inside.
        ("limit", ["Bopha Keo", "Anna Chan", "Chenda Ros"]),
        # "Correctional Centre 2" before "Siem Reap Provincial Prison".
        ("facility", ["Bopha Keo", "Anna Chan", "Chenda Ros"]),
    ],
)
def test_each_order(sokha, three, sort, order) -> None:
    assert listed(client_for(sokha), sort) == order


@pytest.mark.usefixtures("allow_unplanned_moves")
def test_the_orders_follow_the_records(sokha, three) -> None:
    anna, bopha, _chenda = three
    # Bopha's son leaves to live with his grandmother: Anna's daughter is now the nearest.
    son = bopha.children.get()
    actions.do_move_child(
        son,
        {"kind": "relative", "carer_name": "Yim Sam", "start_date": dt.date(2026, 3, 10)},
        actor=sokha,
    )
    assert listed(client_for(sokha), "limit") == ["Anna Chan", "Bopha Keo", "Chenda Ros"]
    # Anna's admission date corrected: the order by admission follows.
    episode = anna.latest_episode
    actions.do_change_episode(
        episode,
        {"admission_date": dt.date(2025, 1, 1)},
        expected_version=episode.version,
        actor=sokha,
    )
    assert listed(client_for(sokha), "-admitted")[0] == "Anna Chan"


def test_the_headers_link_to_each_order_and_say_which_is_used(sokha, three) -> None:
    client = client_for(sokha)
    response = client.get(reverse("cases:case_list"), {"sort": "admitted", "mine": "on"})
    sorts = response.context["sorts"]
    assert sorts["admitted"]["state"] == "descending"
    assert sorts["admitted"]["url"] == "?mine=on&sort=-admitted"  # a second click reverses
    assert sorts["name"] == {"url": "?mine=on", "state": "none"}
    html = response.content.decode()
    assert 'aria-sort="descending"><a href="?mine=on&amp;sort=-admitted">' in html


def test_a_sorted_page_costs_the_same_queries_for_more_women(
    sokha, siem_reap, three, django_assert_num_queries
) -> None:
    client = client_for(sokha)
    client.get(reverse("cases:case_list"), {"sort": "limit"})
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("cases:case_list"), {"sort": "limit"})
    for i in range(6):
        register(
            sokha,
            siem_reap,
            name_latin=f"Dara {i}",
            children=[child_inside(born=dt.date(2025, 1, 1 + i))],
        )
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(reverse("cases:case_list"), {"sort": "limit"})


def test_an_unknown_order_is_an_error_not_a_crash(sokha, three) -> None:
    response = client_for(sokha).get(reverse("cases:case_list"), {"sort": "password"})
    assert response.status_code == 200
    assert response.context["form"].errors["sort"]
