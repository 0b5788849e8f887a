"""The monitoring workflow's demo data, written once the demo women and their casework are in."""

from __future__ import annotations

import random

from komar.cases import demo as registry


def seed(rng: random.Random, ref: registry.Reference) -> None:
    """Write the demo's monitoring records (inside the caller's transaction)."""


def flush(organisation_ids: list[int]) -> None:
    """Delete the demo's monitoring records (before the registry deletes the demo women)."""


def summary(organisation_ids: list[int]) -> dict[str, int]:
    return {}
