"""Search (`cases/search.py`): names in both scripts and their spellings, children's names,
numbers, ranking, scope and the index kept in step by every write."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from komar.cases import actions
from komar.cases.access import mothers_for_user
from komar.cases.models import Child, CustodyEpisode, Mother
from komar.cases.name_search_sql import (
    SQLITE_TRIGGER_NAMES,
    Condition,
    candidates,
    name_key_sql,
    number_key_sql,
)
from komar.cases.search import POOLS, _scope, find_likely_duplicates, search_mothers
from komar.conftest import child_inside, register
from komar.lib.names import name_key, number_key


def found(user, query: str) -> list[str]:
    return [m.name_latin for m in search_mothers(mothers_for_user(user), query)]


@pytest.fixture
def sophea(sokha, siem_reap):
    """Chan Sophea (ចាន់ សុភា), her two children, her prison number, documents and phone."""
    mother = register(
        sokha,
        siem_reap,
        name_km="ចាន់ សុភា",
        name_latin="Chan Sophea",
        national_id_number="160 234 567",
        family_book_number="F-4411",
        other_identity_document="Passport N0123456",
        phone="012 345 678",
        children=[
            child_inside(name_km="គឹម ពិសិដ្ឋ", name_latin="Kim Piseth"),
            child_inside(
                name_km="គឹម ម្លិះ",
                name_latin="Kim Malis",
                sex="female",
                born=dt.date(2024, 2, 1),
            ),
        ],
    )
    CustodyEpisode.objects.filter(mother=mother).update(prison_number="26/0457")
    return mother


@pytest.fixture
def others(sokha, siem_reap):
    """Women with similar names, and one whose child is called Chan Sophea."""
    return [
        register(sokha, siem_reap, name_km="ចាន់ សុភាព", name_latin="Chan Sopheap"),
        register(sokha, siem_reap, name_km="សុខ សុភា", name_latin="Sok Sophea"),
        register(sokha, siem_reap, name_km="ចាន់ ធីតា", name_latin="Chan Thida"),
        register(
            sokha,
            siem_reap,
            name_km="ហេង រ៉ានី",
            name_latin="Heng Rany",
            children=[child_inside(name_km="ចាន់ សុភា", name_latin="Chan Sophea", sex="female")],
        ),
    ]


@pytest.mark.parametrize(
    "query",
    [
        "Chan Sophea",
        "Chan Sophia",
        "Sophea Chan",
        "Chan Sopheaa",
        "Chhan Sophea",
        "chan  SOPHEA",
        "ចាន់ សុភា",
        "ចាន់សុភា",
        "ចាន់\u200bសុភា",
        "\u200bចាន់ សុភា\u200b",
        "សុភា ចាន់",
        "ចាន សុភា",  # without bantoc
    ],
)
def test_it_finds_her_first_however_her_name_is_spelled(sokha, sophea, others, query) -> None:
    assert found(sokha, query)[0] == "Chan Sophea"


def test_it_ranks_the_closest_names_first(sokha, sophea, others) -> None:
    results = found(sokha, "Chan Sophea")
    # Her own name, a one-letter variant, then the woman whose child has her name.
    assert results[:3] == ["Chan Sophea", "Chan Sopheap", "Heng Rany"]
    assert "Chan Thida" not in results[:3]


def test_a_part_of_the_name_finds_every_woman_with_it(sokha, sophea, others) -> None:
    assert set(found(sokha, "Chan")) >= {"Chan Sophea", "Chan Sopheap", "Chan Thida"}
    assert set(found(sokha, "សុភា")) >= {"Chan Sophea", "Sok Sophea"}


@pytest.mark.parametrize(
    "query", ["Kim Piseth", "Piseth", "Kim Pisith", "គឹម ពិសិដ្ឋ", "គឹមម្លិះ", "Malis Kim"]
)
def test_it_finds_her_by_a_childs_name(sokha, sophea, others, query) -> None:
    assert found(sokha, query)[0] == "Chan Sophea"


@pytest.mark.parametrize(
    "query",
    [
        "26/0457",  # prison number as written
        "260457",
        "26-0457",
        "160234567",  # national ID, without the spaces it was stored with
        "160 234 567",
        "F-4411",  # family book
        "f4411",
        "N0123456",  # other identity document
        "012 345 678",  # phone as stored
        "012345678",
        "+855 12 345 678",  # the same phone, international
        "+85512345678",
        "855 12 345 678",
        "០១២ ៣៤៥ ៦៧៨",  # Khmer digits
    ],
)
def test_it_finds_her_by_a_number(sokha, sophea, others, query) -> None:
    assert found(sokha, query) == ["Chan Sophea"]


def test_a_phone_stored_in_international_form_is_found_by_the_national_form(
    sokha, siem_reap
) -> None:
    register(sokha, siem_reap, name_latin="Keo Bopha", name_km="", phone="+855 97 712 3456")
    assert found(sokha, "097 712 3456") == ["Keo Bopha"]
    assert found(sokha, "0977123456") == ["Keo Bopha"]


def test_part_of_a_number_finds_it_after_whole_numbers(sokha, sophea, siem_reap) -> None:
    other = register(sokha, siem_reap, name_latin="Ly Nary", name_km="")
    CustodyEpisode.objects.filter(mother=other).update(prison_number="0457")
    assert found(sokha, "0457") == ["Ly Nary", "Chan Sophea"]


def test_nothing_like_the_query_finds_nothing(sokha, sophea, others) -> None:
    assert found(sokha, "nobody") == []
    assert found(sokha, "99/9999") == []


def test_search_stays_within_scope(sokha, outsider, battambang, sophea) -> None:
    register(outsider, battambang, name_latin="Chan Sophea", name_km="ចាន់ សុភា")
    assert len(found(sokha, "Chan Sophea")) == 1
    assert found(outsider, "Chan Sophea") == ["Chan Sophea"]
    assert mothers_for_user(outsider).get().pk != sophea.pk
    for query in ["Kim Piseth", "26/0457", "012 345 678", "N0123456"]:
        assert found(outsider, query) == []


def test_a_search_within_a_filtered_list_only_finds_women_of_the_list(sokha, sophea, others):
    queryset = mothers_for_user(sokha).exclude(pk=sophea.pk)
    results = search_mothers(queryset, "Chan Sophea")
    assert sophea not in results
    assert results[0].name_latin == "Chan Sopheap"


def test_search_takes_a_query_per_tier_whatever_the_number_of_matches(sokha, siem_reap) -> None:
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            list(search_mothers(mothers_for_user(sokha), "Srey Sophea"))
        return len(ctx.captured_queries)

    register(sokha, siem_reap, children=[child_inside()])
    mothers_for_user(sokha)  # reads her facilities once
    few = count_queries()
    for _ in range(5):
        register(sokha, siem_reap, children=[child_inside()])
    assert count_queries() == few
    assert few == 4  # every word, any word, any trigram (too few good matches), the women


def test_the_index_follows_every_change(sokha, sophea) -> None:
    mother = Mother.objects.get(pk=sophea.pk)
    actions.do_change_mother(
        mother,
        {"name_latin": "Chan Sreymom", "phone": "099 888 777"},
        expected_version=mother.version,
        actor=sokha,
    )
    assert found(sokha, "Sreymom Chan") == ["Chan Sreymom"]
    assert found(sokha, "099888777") == ["Chan Sreymom"]
    assert found(sokha, "012 345 678") == []
    child = Child.objects.get(name_latin="Kim Piseth")
    actions.do_change_child(
        child, {"name_latin": "Kim Visal"}, expected_version=child.version, actor=sokha
    )
    assert found(sokha, "Kim Visal") == ["Chan Sreymom"]
    assert found(sokha, "Piseth") == []
    episode = CustodyEpisode.objects.get(mother=sophea)
    actions.do_change_episode(
        episode, {"prison_number": "26/0999"}, expected_version=episode.version, actor=sokha
    )
    assert found(sokha, "26/0999") == ["Chan Sreymom"]
    assert found(sokha, "26/0457") == []


def test_the_index_follows_bulk_inserts(sokha, siem_reap) -> None:
    mother = Mother.objects.bulk_create(
        [
            Mother(
                case_number="T-2026-0001",
                name_km="ញឹម ចិន្តា",
                name_latin="Nhem Chenda",
                organisation=sokha.organisation,
                facility=siem_reap,
                created_by=sokha,
            )
        ]
    )[0]
    Child.objects.bulk_create(
        [
            Child(
                mother=mother, name_latin="Nhem Dara", sex="male", date_of_birth=dt.date(2024, 1, 1)
            )
        ]
    )
    assert found(sokha, "Nhim Chenda") == ["Nhem Chenda"]
    assert found(sokha, "Nhem Dara") == ["Nhem Chenda"]


@pytest.mark.parametrize(
    "value",
    [
        "ចាន់ សុភា,Chan Sophea,Srey-Mom, O'Neil\u200b ស្រ៊ីមំុ",
        "ÉLODIE Ngoc-Anh,  Nguyễn Thị",  # only ASCII letters are lower-cased, on both
        "+855 (0)12-345.678 ០១",
        "",
    ],
)
def test_the_database_computes_the_same_keys_as_python(db, value) -> None:
    vendor = connection.vendor
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {name_key_sql('%s', vendor)}, {number_key_sql('%s', vendor)}", [value, value]
        )
        assert cursor.fetchone() == (name_key(value), number_key(value))
        if vendor == "postgresql":
            cursor.execute("SELECT komar_name_key(%s), komar_number_key(%s)", [value, value])
            assert cursor.fetchone() == (name_key(value), number_key(value))


def test_the_index_holds_the_keys_of_the_rows(sophea, others) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL indexes the key expressions")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT m.name_km, m.name_latin, m.other_names, m.phone, f.names, f.numbers "
            "FROM cases_mother m JOIN cases_search_fts f ON f.rowid = m.id * 4"
        )
        rows = cursor.fetchall()
    assert len(rows) == Mother.objects.count()
    for km, latin, other, phone, names, numbers in rows:
        assert names == f" {name_key(f'{km},{latin},{other}')} "
        assert numbers.split(" ")[-1] == number_key(phone)


@pytest.mark.parametrize(
    ("condition", "index_name"),
    [
        (Condition(["can", "sopea"], all=True), "cases_search_entry_names"),
        (Condition([" ca", "can", "an "]), "cases_search_entry_names"),
        (Condition(["12345678"], numbers=True), "cases_search_entry_numbers"),
    ],
)
def test_every_postgresql_search_uses_a_trigram_index(sokha, sophea, condition, index_name):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    sql, params = candidates(
        "postgresql", _scope(mothers_for_user(sokha)), condition, rank_by=[" ca"], pools=POOLS
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index_name in plan


def test_the_sqlite_search_triggers_survive_every_migration(db) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        triggers = [row[0] for row in cursor.fetchall()]
    assert triggers == SQLITE_TRIGGER_NAMES


@pytest.mark.parametrize(
    ("name_latin", "name_km"),
    [
        ("Chhan Sophia", ""),
        ("Sophea Chan", ""),
        ("", "ចាន់សុភា"),
        ("", "ចាន សុភា"),
    ],
)
def test_spelling_variants_are_likely_duplicates(sokha, sophea, name_latin, name_km) -> None:
    duplicates = find_likely_duplicates(
        mothers_for_user(sokha),
        name_km=name_km,
        name_latin=name_latin,
        date_of_birth=dt.date(1995, 3, 2),
        dob_is_estimated=False,
    )
    assert [d.mother for d in duplicates] == [sophea]
    assert duplicates[0].score >= 0.8


def test_a_childs_name_or_another_name_is_not_a_duplicate(sokha, sophea, others) -> None:
    duplicates = find_likely_duplicates(
        mothers_for_user(sokha),
        name_km="",
        name_latin="Kim Piseth",
        date_of_birth=dt.date(1995, 3, 2),
        dob_is_estimated=False,
    )
    assert duplicates == []
    duplicates = find_likely_duplicates(
        mothers_for_user(sokha),
        name_km="",
        name_latin="Chan Sophea",
        date_of_birth=dt.date(1995, 3, 2),
        dob_is_estimated=False,
    )
    # Chan Sopheap is close enough to check; Sok Sophea and Chan Thida are not.
    assert [d.mother.name_latin for d in duplicates] == ["Chan Sophea", "Chan Sopheap"]
