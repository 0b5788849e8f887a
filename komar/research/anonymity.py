"""k-anonymity by full-domain generalisation (Samarati 2001; Sweeney 2002).

Every combination of the quasi-identifiers' shown values must hold at least k distinct women,
in the decisions table (a woman may have several decisions; she counts once per combination)
and in the women and children tables (their values at her, or the child's, first decision).
Starting from the most precise level, the ladder climbed next is the one that leaves the
fewest women in too-small combinations (ties: the order of `ladders.LADDERS`), until none is
left; a ladder at its top suppresses the quasi-identifier. The search keeps only small integer
codes, one row per decision (bytes per row), never the exported rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from komar.research.facts import DecisionFact
from komar.research.ladders import LADDERS, Reference

# The quasi-identifiers the women and children tables carry.
WOMAN_QIS = ("mother_age", "home_province")
CHILD_QIS = ("child_sex", "child_age")


@dataclass
class Frame:
    """One row per decision: the woman, the child (or -1), and each ladder's value at each
    level as an integer code."""

    mother: list[int]
    child: list[int]
    codes: dict[tuple[str, int], list[int]]

    @classmethod
    def empty(cls) -> Frame:
        return cls([], [], {(lad.name, lvl): [] for lad in LADDERS for lvl in range(lad.top + 1)})


class Coder:
    """Small integers for values (None is -1), the same value always the same code."""

    def __init__(self) -> None:
        self.codes: dict[object, int] = {}

    def __call__(self, value: object) -> int:
        if value is None:
            return -1
        return self.codes.setdefault(value, len(self.codes))


def frame_of(facts: Iterable[DecisionFact], ref: Reference) -> dict[str, np.ndarray]:
    """One array per column: the woman (0, 1, ... in order), the child (or -1), and each
    ladder's value at each level as a code."""
    coder = Coder()
    frame = Frame.empty()
    children: dict[str, int] = {}
    women: dict[int, int] = {}
    for fact in facts:
        frame.mother.append(women.setdefault(fact.mother_id, len(women)))
        frame.child.append(
            children.setdefault(fact.child_code, len(children)) if fact.child_code else -1
        )
        for ladder in LADDERS:
            raw = ladder.raw(fact)
            for level, step in enumerate(ladder.steps):
                frame.codes[(ladder.name, level)].append(coder(step(raw, ref)))
    data = {"mother": np.array(frame.mother, dtype=np.int64)}
    data["child"] = np.array(frame.child, dtype=np.int64)
    for (name, level), values in frame.codes.items():
        data[f"{name}@{level}"] = np.array(values, dtype=np.int64) + 1  # None (-1) is 0
    return data


def _key(
    df: dict[str, np.ndarray], columns: list[str], rows: np.ndarray | None = None
) -> np.ndarray:
    """One integer per row for the combination of the columns' codes (mixed radix)."""
    key = np.zeros(len(df["mother"]) if rows is None else int(rows.sum()), dtype=np.int64)
    for column in columns:
        values = df[column] if rows is None else df[column][rows]
        radix = int(df[column].max()) + 1 if len(df[column]) else 1
        key = key * radix + values
    return key


def _sizes(key: np.ndarray, who: np.ndarray) -> np.ndarray:
    """The number of distinct `who` for each distinct `key`."""
    if not len(key):
        return np.array([], dtype=np.int64)
    span = int(who.max()) + 1
    pairs = np.unique(key * span + who)
    _values, counts = np.unique(pairs // span, return_counts=True)
    return counts


def _columns(levels: dict[str, int], names: Iterable[str]) -> list[str]:
    return [f"{name}@{levels[name]}" for name in names]


def class_sizes(df: dict[str, np.ndarray], levels: dict[str, int]) -> list[np.ndarray]:
    """The number of distinct women in each combination, for each table."""
    mother = df["mother"]
    sizes = [_sizes(_key(df, _columns(levels, [lad.name for lad in LADDERS])), mother)]
    # Her first decision (facts come in date order) and each child's.
    _u, first = np.unique(mother, return_index=True)
    rows = np.zeros(len(mother), dtype=bool)
    rows[first] = True
    sizes.append(_sizes(_key(df, _columns(levels, WOMAN_QIS), rows), mother[rows]))
    child = df["child"]
    kids = np.zeros(len(mother), dtype=bool)
    if (child >= 0).any():
        _c, first_child = np.unique(np.where(child >= 0, child, -1), return_index=True)
        kids[first_child] = True
        kids &= child >= 0
    sizes.append(_sizes(_key(df, _columns(levels, CHILD_QIS), kids), mother[kids]))
    return sizes


def women_at_risk(df: dict[str, np.ndarray], levels: dict[str, int], k: int) -> int:
    return int(sum(s[s < k].sum() for s in class_sizes(df, levels)))


def k_of(df: dict[str, np.ndarray], levels: dict[str, int]) -> int:
    sizes = [s for s in class_sizes(df, levels) if len(s)]
    return int(min(s.min() for s in sizes)) if sizes else 0


@dataclass(frozen=True)
class Result:
    levels: dict[str, int]
    k: int
    women: int
    achieved: bool  # every combination holds at least k women

    def as_json(self) -> dict[str, object]:
        from komar.research.ladders import LADDER

        return {
            name: LADDER[name].level_names[level] for name, level in sorted(self.levels.items())
        }


def choose_levels(df: dict[str, np.ndarray], k: int) -> Result:
    levels = {lad.name: 0 for lad in LADDERS}
    women = len(np.unique(df["mother"]))
    if women == 0:
        return Result(levels, 0, 0, False)
    at_risk = women_at_risk(df, levels, k)
    while at_risk:
        candidates = [lad for lad in LADDERS if levels[lad.name] < lad.top]
        if not candidates:
            break
        best, best_risk = None, None
        for ladder in candidates:
            trial = {**levels, ladder.name: levels[ladder.name] + 1}
            risk = women_at_risk(df, trial, k)
            if best_risk is None or risk < best_risk:
                best, best_risk = ladder, risk
        assert best is not None and best_risk is not None
        levels[best.name] += 1
        at_risk = best_risk
    achieved = at_risk == 0
    return Result(levels, k_of(df, levels), women, achieved)
