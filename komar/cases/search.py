"""Finding women by name (hers or her children's, in Khmer script or Latin letters, spelled any
of the usual ways, words in any order) or by number (prison number, identity documents, phone),
and likely duplicates.

The index (`name_search_sql.py`, migration 0007) holds search keys: the usual spelling
variants already folded together (`komar.lib.names.name_key`). A search asks it, in tiers, for
the entries that contain every word of the query, then any word, then any of its trigrams
(one query each, stopping as soon as a page of matches is found): at most a few hundred
distinct names of each kind (`POOLS`), those sharing the most trigrams with the query first,
each with the ids of its women. Each name is then scored in Python
(`komar.lib.names.match_score`, rapidfuzz) and the women ranked by their best entry, at most
`RESULTS` of them. Nothing reads the whole scope into Python.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL

from komar.cases import name_search_sql as index
from komar.cases.models import Mother
from komar.cases.numbers import parse_typed
from komar.lib.names import (
    clean_name,
    key_similarity,
    match_score,
    number_key,
    phone_core,
    query_name_key,
    split_names,
    trigrams,
)

TRIGRAM_MIN_LENGTH = 3
# Entries scored in Python per tier: (kind, how many). Enough for the best matches of a common
# name in a large scope, few enough to score in milliseconds.
POOLS = ((index.MOTHER, 300), (index.CHILD, 100))
NUMBER_POOLS = ((index.MOTHER, 50), (index.EPISODE, 50))
# The women a search lists at most (a common name has thousands at 100,000 women: filters
# narrow them down).
RESULTS = 500
# Below this a name is too different to list.
MIN_SCORE = 0.6
# A tier that brings a page of matches is the last one asked.
ENOUGH = 25
# A match on a child's name ranks below an equally good match on the woman's own name.
CHILD_WEIGHT = 0.9

Row = tuple[list[int], int, str, str]  # ids of the women, kind, names, numbers


@dataclass(frozen=True)
class SearchQuery:
    """What was typed, as search keys."""

    name: str  # the name key ("" if the query has no letters)
    grams: list[str]
    number: str  # the number key ("" unless the query has at least three digits)
    phone: str  # the phone number without prefix, if the query is one

    @classmethod
    def parse(cls, query: str) -> SearchQuery:
        text = clean_name(query)
        name = query_name_key(text)
        if not any(ch.isalpha() for ch in name):
            name = ""
        number = number_key(text)
        if sum(ch.isdigit() for ch in number) < TRIGRAM_MIN_LENGTH:
            number = ""
        return cls(name, trigrams(name), number, phone_core(number))

    @property
    def number_term(self) -> str:
        """What an entry's numbers must contain."""
        return self.phone or self.number

    @property
    def is_indexable(self) -> bool:
        return bool(self.grams or self.number)

    def tiers(self) -> list[index.Condition]:
        """Every word, any word, any trigram: each looser than the one before."""
        words = [w for w in self.name.split() if len(w) >= TRIGRAM_MIN_LENGTH]
        tiers = [index.Condition(words, all=True)] if words else []
        if len(words) > 1:
            tiers.append(index.Condition(words))
        if self.grams:
            tiers.append(index.Condition(self.grams))
        return tiers


def _scope(queryset: QuerySet[Mother]) -> tuple[str, Sequence[Any]]:
    """The SQL of the ids of `queryset`, as `scope_id` (raises EmptyResultSet for an empty
    queryset)."""
    ids = queryset.order_by().values(scope_id=F("pk"))
    sql, params = ids.query.get_compiler(using=ids.db).as_sql()
    return sql, params


def _entries(
    queryset: QuerySet[Mother],
    condition: index.Condition,
    *,
    rank_by: Sequence[str],
    pools: Sequence[tuple[int, int]],
) -> list[Row]:
    connection = connections[queryset.db]
    try:
        scope = _scope(queryset)
    except EmptyResultSet:
        return []
    sql, params = index.candidates(
        connection.vendor, scope, condition, rank_by=rank_by, pools=pools
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            ([int(i) for i in ids.split(",")], int(kind), names or "", numbers or "")
            for ids, kind, names, numbers in cursor
        ]


def _best_by_woman(
    queryset: QuerySet[Mother],
    query: SearchQuery,
    score: Callable[[Row], float],
    *,
    pools: Sequence[tuple[int, int]],
    threshold: float,
    enough: int,
) -> dict[int, float]:
    """The best score of each woman over the entries of the name tiers (at least
    `threshold`), until `enough` women are found."""
    best: dict[int, float] = {}
    for condition in query.tiers():
        _keep_best(
            best, _entries(queryset, condition, rank_by=query.grams, pools=pools), score, threshold
        )
        if len(best) >= enough:
            break
    return best


def _keep_best(
    best: dict[int, float], rows: Iterable[Row], score: Callable[[Row], float], threshold: float
) -> None:
    for row in rows:
        value = score(row)
        if value >= threshold:
            for mother_id in row[0]:
                if value > best.get(mother_id, 0.0):
                    best[mother_id] = value


def number_score(query: SearchQuery, numbers: Iterable[str]) -> float:
    """1 for a number equal to the query (a phone number with or without its 0 or +855), less
    for a number that contains it."""
    best = 0.0
    term = query.number_term
    for number in numbers:
        if number == query.number:
            return 1.0
        prefix = number[: -len(query.phone)] if query.phone else None
        if query.phone and number.endswith(query.phone) and prefix in ("", "0", "855", "00855"):
            return 1.0
        if term and term in number:
            best = max(best, 0.6 + 0.3 * len(term) / len(number))
    return best


def entry_score(query: SearchQuery, kind: int, names: str, numbers: str) -> float:
    """How well one index entry (a woman, a child, a custody episode) matches the query."""
    score = 0.0
    if query.name and names:
        score = max((match_score(query.name, name) for name in split_names(names)), default=0.0)
        if kind == index.CHILD:
            score *= CHILD_WEIGHT
    if query.number and numbers:
        score = max(score, number_score(query, numbers.split()))
    return score


def rank_mothers(queryset: QuerySet[Mother], query: str) -> list[tuple[int, float]]:
    """(woman id, score) of the women of `queryset` that match `query`, best first."""
    parsed = SearchQuery.parse(query)

    def score(row: Row) -> float:
        return entry_score(parsed, row[1], row[2], row[3])

    best: dict[int, float] = {}
    if parsed.number:
        numbers = index.Condition([parsed.number_term], numbers=True)
        _keep_best(
            best, _entries(queryset, numbers, rank_by=[], pools=NUMBER_POOLS), score, MIN_SCORE
        )
    if parsed.name:
        by_name = _best_by_woman(
            queryset, parsed, score, pools=POOLS, threshold=MIN_SCORE, enough=ENOUGH
        )
        for mother_id, value in by_name.items():
            best[mother_id] = max(value, best.get(mother_id, 0.0))
    return sorted(best.items(), key=lambda item: (-item[1], item[0]))[:RESULTS]


def search_mothers(queryset: QuerySet[Mother], query: str) -> QuerySet[Mother]:
    """The women of `queryset` that match `query`, most relevant first (see the module). A
    query that spells a case number ("SR-2026-0042", "sr 2026 42") finds that case."""
    number = parse_typed(query)
    if number is not None:
        return queryset.filter(case_number=number)
    text = clean_name(query)
    if not text:
        return queryset
    if not SearchQuery.parse(text).is_indexable:
        return _substring_match(queryset, text)
    ids = [pk for pk, _ in rank_mothers(queryset, text)]
    if not ids:
        return queryset.none()
    return queryset.filter(pk__in=ids).order_by(_in_order_of(queryset, ids))


def _in_order_of(queryset: QuerySet[Mother], ids: list[int]) -> RawSQL:
    """An ORDER BY expression for the rows of `ids` in that order (one parameter, cheap to
    compile even for hundreds of ids, unlike a CASE with a WHEN per id)."""
    connection = connections[queryset.db]
    column = f"{connection.ops.quote_name(Mother._meta.db_table)}.{connection.ops.quote_name('id')}"
    if connection.vendor == "postgresql":
        return RawSQL(f"array_position(%s::integer[], {column})", [ids])  # noqa: S611 - ids
    # The position of ",<id>," in ",3,1,2,".
    positions = "," + ",".join(map(str, ids)) + ","
    return RawSQL(f"instr(%s, ',' || {column} || ',')", [positions])  # noqa: S611 - ids


def _substring_match(queryset: QuerySet[Mother], text: str) -> QuerySet[Mother]:
    """A query with neither letters nor three digits (punctuation, one or two digits): a
    substring of the woman's names, as typed."""
    if connections[queryset.db].vendor == "postgresql":
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        condition = (
            Q(name_km__ilike=pattern) | Q(name_latin__ilike=pattern) | Q(other_names__ilike=pattern)
        )
    else:
        condition = (
            Q(name_km__icontains=text)
            | Q(name_latin__icontains=text)
            | Q(other_names__icontains=text)
        )
    return queryset.filter(condition).order_by("name_latin", "name_km", "pk")


@dataclass(frozen=True)
class DuplicateCandidate:
    mother: Mother
    score: float


DUPLICATE_NAME_THRESHOLD = 0.8


def find_likely_duplicates(
    queryset: QuerySet[Mother],
    *,
    name_km: str,
    name_latin: str,
    date_of_birth: dt.date | None,
    dob_is_estimated: bool,
    limit: int = 5,
) -> list[DuplicateCandidate]:
    """Women with a similar name in either script and a similar birth date.

    Birth dates within a year (three if either date is estimated) count as similar; a woman
    with no birth date on record is compared on her name alone. The names are compared as the
    search compares them (`key_similarity` of the search keys), candidates from the same index.
    """
    keys = [query_name_key(name) for name in (name_km, name_latin) if name]
    keys = [key for key in keys if key]
    if not keys:
        return []
    candidates = queryset
    if date_of_birth is not None:
        window = dt.timedelta(days=3 * 366 if dob_is_estimated else 366)
        candidates = candidates.filter(
            Q(date_of_birth__range=(date_of_birth - window, date_of_birth + window))
            | Q(date_of_birth__isnull=True)
            | Q(
                dob_is_estimated=True,
                date_of_birth__range=(
                    date_of_birth - dt.timedelta(days=3 * 366),
                    date_of_birth + dt.timedelta(days=3 * 366),
                ),
            )
        )
    best: dict[int, float] = {}
    for key in keys:
        query = SearchQuery(key, trigrams(key), "", "")

        def score(row: Row, key: str = key) -> float:
            return max((key_similarity(key, name) for name in split_names(row[2])), default=0.0)

        found = _best_by_woman(
            candidates,
            query,
            score,
            pools=((index.MOTHER, 300),),
            threshold=DUPLICATE_NAME_THRESHOLD,
            enough=limit,
        )
        for mother_id, value in found.items():
            best[mother_id] = max(value, best.get(mother_id, 0.0))
    top = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:limit]
    by_pk = queryset.select_related("latest_episode__facility").in_bulk([pk for pk, _ in top])
    return [DuplicateCandidate(by_pk[pk], score) for pk, score in top if pk in by_pk]


# The test set of spelling variants (cases/tests/data/name_variants.csv), shared by the tests
# and the benchmark.


@dataclass(frozen=True)
class NameVariant:
    intended: str  # the name as stored (Khmer or Latin)
    query: str  # what someone types to find her
    script: str  # "latin" or "khmer": the script of the query


@dataclass(frozen=True)
class HitRate:
    rate: float
    misses: list[NameVariant] = field(default_factory=list)


def read_name_variants(path: Path) -> list[NameVariant]:
    with path.open(encoding="utf-8", newline="") as f:
        return [
            NameVariant(row["intended"], row["query"], row["script"]) for row in csv.DictReader(f)
        ]


def hit_rate(
    queryset: QuerySet[Mother], variants: Sequence[NameVariant], *, top: int = 10
) -> HitRate:
    """The share of the variants for which a woman with the intended name (in either script) is
    among the first `top` results of searching `queryset`; and the variants missed."""
    misses = []
    for variant in variants:
        found = search_mothers(queryset, variant.query).values_list("name_km", "name_latin")
        if not any(variant.intended in names for names in found[:top]):
            misses.append(variant)
    rate = 1 - len(misses) / len(variants) if variants else 0.0
    return HitRate(rate, misses)
