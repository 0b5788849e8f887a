"""The transitions workflow's demo data, drawn for the women `seed_demo` has just written, chunk by
chunk, from a generator of its own (so that it changes no other demo row)."""

from __future__ import annotations

import random
from collections.abc import Sequence

from django.db.models import QuerySet

from komar.cases import demo as registry
from komar.cases.models import Mother


class TransitionsGenerator:
    def __init__(self, rng: random.Random, ref: registry.Reference) -> None:
        self.rng = rng
        self.ref = ref

    def chunk(self, women: Sequence[registry.WomanFacts]) -> None:
        """Draw and write the records of one chunk of women (inside the caller's transaction)."""


def flush(mothers: QuerySet[Mother]) -> None:
    """Delete the demo women's transitions records (before the registry deletes the women)."""


def summary(mothers: QuerySet[Mother]) -> dict[str, int]:
    return {}
