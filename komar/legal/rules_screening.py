from __future__ import annotations

from typing import Any

from komar.lib.rules import RuleSet

RULE_SETS: list[RuleSet[Any]] = []
