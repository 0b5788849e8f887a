import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from komar.cases.models import Placement
from komar.cases.name_search_sql import SQLITE_TRIGGER_NAMES
from komar.conftest import child_inside, child_with_grandmother, client_for, register

URL = reverse("cases:case_list")


def search(client, **params):
    """Submit the filter form as the page does (a POST, then the redirect)."""
    return client.post(URL, params, follow=True)


def names(response) -> list[str]:
    return [m.name_latin for m in response.context["page"].object_list]


@pytest.fixture
def women(sokha, siem_reap):
    return {
        "near": register(
            sokha,
            siem_reap,
            name_km="ស្រី សុភា",
            name_latin="Srey Sophea",
            children=[child_inside(born=dt.date(2023, 8, 1))],
        ),
        "over": register(
            sokha,
            siem_reap,
            name_km="ចាន់ ធីតា",
            name_latin="Chan Thida",
            children=[child_inside(born=dt.date(2023, 1, 1))],
        ),
        "young": register(
            sokha,
            siem_reap,
            name_km="គឹម ដាវី",
            name_latin="Kim Davy",
            children=[child_inside(born=dt.date(2025, 1, 1)), child_with_grandmother()],
        ),
        "outside": register(
            sokha,
            siem_reap,
            name_km="ហេង រ៉ានី",
            name_latin="Heng Rany",
            children=[child_with_grandmother()],
            is_pregnant=True,
            expected_delivery_date=dt.date(2026, 9, 1),
        ),
        "unknown": register(
            sokha,
            siem_reap,
            name_km="លី វណ្ណា",
            name_latin="Ly Vanna",
            children=[
                (
                    {
                        "name_latin": "Ly Bopha",
                        "sex": "female",
                        "date_of_birth": dt.date(2021, 1, 1),
                    },
                    {"kind": Placement.Kind.UNKNOWN, "start_date": dt.date(2026, 1, 10)},
                )
            ],
        ),
    }


@time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC), tick=False)
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Chan Thida", "Heng Rany", "Kim Davy", "Ly Vanna", "Srey Sophea"]),
        ({"child": "inside"}, ["Chan Thida", "Kim Davy", "Srey Sophea"]),
        ({"child": "near_limit"}, ["Srey Sophea"]),  # limit 1 Aug 2026, 61 days away
        ({"child": "over_limit"}, ["Chan Thida"]),  # limit 1 Jan 2026, passed
        ({"child": "unknown"}, ["Ly Vanna"]),
        ({"pregnant": "on"}, ["Heng Rany"]),
        (
            {"legal_status": "pre_trial"},
            ["Chan Thida", "Heng Rany", "Kim Davy", "Ly Vanna", "Srey Sophea"],
        ),
        ({"legal_status": "sentenced"}, []),
    ],
)
def test_it_filters(sokha, women, params, expected) -> None:
    assert names(search(client_for(sokha), **params)) == expected


def test_it_filters_by_facility(sokha, women, battambang, siem_reap) -> None:
    client = client_for(sokha)
    assert len(names(search(client, facility=siem_reap.pk))) == 5
    assert names(search(client, facility=battambang.pk)) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("សុភា", ["Srey Sophea"]),  # Khmer, part of the name (trigram index)
        ("ស្រី សុភា", ["Srey Sophea"]),
        ("ស្រី\u200bសុភា", ["Srey Sophea"]),  # ZWSP typed between the words: found
        ("davy", ["Kim Davy"]),  # Latin, any case
        ("THIDA", ["Chan Thida"]),
        ("ly", ["Ly Vanna"]),  # 2 characters: substring fallback
        ("លី", ["Ly Vanna"]),  # 2 Khmer code points: fallback
        ("nobody", []),
    ],
)
def test_it_finds_women_by_name_in_both_scripts(sokha, women, query, expected) -> None:
    assert names(search(client_for(sokha), q=query)) == expected


def test_search_finds_other_names(sokha, siem_reap) -> None:
    register(sokha, siem_reap, name_latin="Srey Mom", name_km="", other_names="Mom, Sreymom")
    assert names(search(client_for(sokha), q="sreymom")) == ["Srey Mom"]


def test_search_follows_corrections(sokha, sophea) -> None:
    from komar.cases.actions import do_change_mother

    do_change_mother(sophea, {"name_latin": "Srey Sopheap"}, expected_version=1, actor=sokha)
    client = client_for(sokha)
    assert names(search(client, q="sopheap")) == ["Srey Sopheap"]


def test_search_stays_within_scope(outsider, women) -> None:
    assert names(search(client_for(outsider), q="សុភា")) == []


def test_the_number_of_queries_does_not_grow_with_the_data(sokha, siem_reap) -> None:
    client = client_for(sokha)

    url = search(client, child="inside", q="sophea").redirect_chain[-1][0]

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        register(sokha, siem_reap, children=[child_inside(), child_with_grandmother()])
    few = count_queries()
    for _ in range(8):
        register(sokha, siem_reap, children=[child_inside(), child_with_grandmother()])
    assert count_queries() == few
    assert few <= 11  # session, user, session save, facility choices, count, page, children, audit


def test_it_paginates(sokha, siem_reap, settings) -> None:
    settings.KOMAR_CASES_PER_PAGE = 2
    for i in range(5):
        register(sokha, siem_reap, name_latin=f"Woman {i}", name_km="")
    client = client_for(sokha)
    assert names(client.get(URL, {"page": 3})) == ["Woman 4"]
    url = search(client, q="woman").redirect_chain[-1][0]
    html = client.get(url + "&page=2").content.decode()
    assert "Page 2 of 3" in html
    assert "page=3" in html
    assert "woman" not in url.lower()


def test_names_never_appear_in_the_url(sokha, women) -> None:
    response = search(client_for(sokha), q="ស្រី សុភា", child="inside")
    url = response.redirect_chain[-1][0]
    assert "search=" in url
    assert "child=inside" in url
    assert "%E1%9E" not in url  # no Khmer, percent-encoded or not
    assert names(response) == ["Srey Sophea"]


def test_a_search_token_from_another_session_finds_nothing(sokha, dara, women) -> None:
    url = search(client_for(sokha), q="សុភា").redirect_chain[-1][0]
    assert len(names(client_for(dara).get(url))) == 5  # unknown token: no name filter


def test_the_sqlite_search_triggers_survive_every_migration(db) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        triggers = [row[0] for row in cursor.fetchall()]
    assert triggers == SQLITE_TRIGGER_NAMES


def test_it_filters_by_a_stored_flag_of_any_workflow(sokha, outsider, siem_reap, battambang):
    with time_machine.travel(dt.datetime(2026, 6, 1, 5, tzinfo=dt.UTC), tick=False):
        register(sokha, siem_reap, name_latin="Chan Thida", children=[child_inside()])
        register(sokha, siem_reap, name_latin="Heng Rany", children=[child_with_grandmother()])
        register(outsider, battambang, name_latin="Out Side", children=[child_inside()])
        client = client_for(sokha)
        # no_counselling is a rule of the counselling app: the registry's form lists it anyway.
        assert names(search(client, flag="no_counselling")) == ["Chan Thida"]
        assert names(search(client, flag="over_limit")) == []
        response = search(client, flag="not_a_rule")
        assert names(response) == ["Chan Thida", "Heng Rany"]  # an unknown flag filters nothing
        assert "flag" in response.context["form"].errors


@pytest.mark.parametrize("who", ["sokha", "warden", "outsider"])
def test_it_lists_each_woman_of_her_scope_once_in_name_order(
    who, sokha, outsider, prison_department, siem_reap, battambang, settings
) -> None:
    # The list and its count are read half of the scope at a time ("held in her facilities",
    # "assigned to her organisation", ...): they must give the women of `mothers_for_user`.
    from komar.accounts.models import Role
    from komar.cases.access import mothers_for_user
    from komar.conftest import make_user

    warden = make_user("warden", prison_department, Role.SOCIAL_WORKER, [siem_reap])
    user = {"sokha": sokha, "warden": warden, "outsider": outsider}[who]
    register(warden, siem_reap, name_latin="Both Halves", name_km="")
    register(sokha, siem_reap, name_latin="Held Here", name_km="")
    register(outsider, siem_reap, name_latin="Held Here Too", name_km="")
    register(warden, battambang, name_latin="Assigned Elsewhere", name_km="")
    register(sokha, battambang, name_latin="Held Elsewhere", name_km="")
    register(sokha, None, name_latin="Not Admitted", name_km="")
    settings.KOMAR_CASES_PER_PAGE = 2
    client = client_for(user)
    for params in ({}, {"legal_status": "pre_trial"}):
        women = mothers_for_user(user).filter(**params).order_by("name_latin", "name_km", "pk")
        expected = [m.name_latin for m in women]
        listed: list[str] = []
        for number in range(1, (len(expected) + 1) // 2 + 1):
            page = client.get(URL, {**params, "page": number}).context["page"]
            assert page.paginator.count == len(expected)
            listed += [m.name_latin for m in page.object_list]
        assert listed == expected


def test_opening_the_list_and_searching_are_audited_without_the_query(sokha, siem_reap) -> None:
    from komar.audit.models import AuditEntry

    register(sokha, siem_reap, name_latin="Chan Thida", name_km="ចាន់ ធីតា")
    client = client_for(sokha)
    client.get(URL)
    client.post(URL, {"q": "Chan Thida"}, follow=True)
    entries = list(AuditEntry.objects.filter(object_type="list").order_by("pk"))
    assert [e.object_code for e in entries] == ["case_list", "case_list"]
    assert entries[0].fields == ["shown=1"]
    assert entries[1].fields == ["shown=1", "search"]
    assert all("Chan" not in str(e.fields) for e in entries)
