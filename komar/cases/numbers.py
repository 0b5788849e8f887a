"""Case numbers: readable, unique, given once at registration and never changed.

A case number is the code of the province of the facility she was registered in (of her home
province if she was not in custody; "KH" if neither is known), the year of registration and a
sequence for that prefix and year: "SR-2026-0042". The sequence is a row per prefix and year
(`CaseNumberSequence`), taken and moved on with one UPDATE inside the registration's
transaction, so two registrations at once get two numbers on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F

from komar.cases.models import CaseNumberSequence, Mother
from komar.facilities.models import Facility, Province

FALLBACK_PREFIX = "KH"
# What a user types to find a case number: "sr-2026-42", "SR 2026 0042", "SR-2026-0042".
TYPED = re.compile(r"^\s*([A-Za-z]{1,8})[\s\-/]*(\d{4})[\s\-/]+(\d{1,7})\s*$")


def prefix_for(facility: Facility | None, province: Province | None) -> str:
    if facility is not None:
        return facility.province.code.upper()
    if province is not None:
        return province.code.upper()
    return FALLBACK_PREFIX


def format_number(prefix: str, year: int, sequence: int) -> str:
    return f"{prefix}-{year}-{sequence:04d}"


def parse_typed(text: str) -> str | None:
    """The case number a search query spells, or None if it spells none."""
    match = TYPED.match(text)
    if match is None:
        return None
    prefix, year, sequence = match.groups()
    return format_number(prefix.upper(), int(year), int(sequence))


def take(prefix: str, year: int, count: int = 1) -> list[str]:
    """`count` new case numbers for a prefix and a year, in order."""
    with transaction.atomic():
        moved = CaseNumberSequence.objects.filter(prefix=prefix, year=year).update(
            last=F("last") + count
        )
        if not moved:
            try:
                with transaction.atomic():
                    CaseNumberSequence.objects.create(prefix=prefix, year=year, last=count)
            except IntegrityError:  # created by a registration at the same moment
                CaseNumberSequence.objects.filter(prefix=prefix, year=year).update(
                    last=F("last") + count
                )
        last = CaseNumberSequence.objects.get(prefix=prefix, year=year).last
    return [format_number(prefix, year, n) for n in range(last - count + 1, last + 1)]


def take_for(keys: Iterable[tuple[str, int]]) -> list[str]:
    """One case number for each (prefix, year), in the order given (the demo's bulk writes)."""
    keys = list(keys)
    wanted: dict[tuple[str, int], int] = {}
    for key in keys:
        wanted[key] = wanted.get(key, 0) + 1
    taken = {key: iter(take(*key, count)) for key, count in wanted.items()}
    return [next(taken[key]) for key in keys]


def rewind() -> None:
    """Move each sequence back to the highest number a woman still holds (after the demo's
    women are deleted, so that the same seed numbers them the same way again)."""
    for sequence in CaseNumberSequence.objects.all():
        start = f"{sequence.prefix}-{sequence.year}-"
        held = Mother.objects.filter(case_number__startswith=start).values_list(
            "case_number", flat=True
        )
        highest = max((int(n.rsplit("-", 1)[1]) for n in held), default=0)
        if highest != sequence.last:
            CaseNumberSequence.objects.filter(pk=sequence.pk).update(last=highest)
