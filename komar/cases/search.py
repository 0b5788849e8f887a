"""Finding women by name in Khmer script or Latin letters, and likely duplicates.

Queries of three characters or more use a trigram index (SQLite FTS5 `trigram` table kept by
triggers, PostgreSQL `pg_trgm` GIN indexes; see migration 0003). Shorter queries fall back to a
plain substring match, which the trigram indexes cannot serve.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from komar.cases.models import Mother
from komar.lib.names import clean_name, similarity

TRIGRAM_MIN_LENGTH = 3


def search_mothers(queryset: QuerySet[Mother], query: str) -> QuerySet[Mother]:
    text = clean_name(query)
    if not text:
        return queryset
    if len(text) >= TRIGRAM_MIN_LENGTH and connection.vendor == "sqlite":
        phrase = '"' + text.replace('"', '""') + '"'
        matching = RawSQL(
            "SELECT rowid FROM cases_mother_fts WHERE cases_mother_fts MATCH %s", [phrase]
        )
        return queryset.filter(pk__in=matching)
    if connection.vendor == "postgresql":
        # Django's icontains becomes UPPER(...) LIKE, which the gin_trgm_ops indexes cannot
        # serve; a plain ILIKE can (any length; pg_trgm handles short patterns by scanning).
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return queryset.filter(
            Q(name_km__ilike=pattern) | Q(name_latin__ilike=pattern) | Q(other_names__ilike=pattern)
        )
    # Short queries on SQLite: a substring scan (the trigram table needs 3 characters).
    return queryset.filter(
        Q(name_km__icontains=text) | Q(name_latin__icontains=text) | Q(other_names__icontains=text)
    )


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
    with no birth date on record is compared on her name alone.
    """
    if not (name_km or name_latin):
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
    rows = candidates.values_list("pk", "name_km", "name_latin", "other_names")
    scored: list[tuple[float, int]] = []
    for pk, km, latin, other in rows.iterator(chunk_size=2000):
        score = max(
            similarity(name_km, km) if name_km and km else 0.0,
            similarity(name_latin, latin) if name_latin and latin else 0.0,
            max((similarity(name_latin or name_km, alias) for alias in other.split(",")), default=0)
            if other
            else 0.0,
        )
        if score >= DUPLICATE_NAME_THRESHOLD:
            scored.append((score, pk))
    scored.sort(reverse=True)
    top = scored[:limit]
    by_pk = queryset.select_related("latest_episode__facility").in_bulk([pk for _, pk in top])
    return [DuplicateCandidate(by_pk[pk], score) for score, pk in top if pk in by_pk]
