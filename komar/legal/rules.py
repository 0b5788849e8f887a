"""The legal workflow's rule sets: the flags about a woman's legal case (`rules_case.py`) and
about her screening (`rules_screening.py`), and the deadline of her next hearing
(`rules_deadlines.py`). The candidate measures a screening weighs are rules
too, but not flags (`screening.py`)."""

from __future__ import annotations

from typing import Any

from komar.legal import rules_case, rules_deadlines, rules_screening
from komar.lib.rules import RuleSet

RULE_SETS: list[RuleSet[Any]] = [
    *rules_case.RULE_SETS,
    *rules_screening.RULE_SETS,
    *rules_deadlines.RULE_SETS,
]
