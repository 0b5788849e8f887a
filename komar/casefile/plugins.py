"""The one place that names every workflow.

Each line is a workflow's `Plugin` (its `sections.py`): the sections it adds to the woman's file
and the child's page, its timeline events and its rule sets, in this order. Adding a workflow
means adding its app and one line here; the registry (`cases`) is never edited for it.
"""

from __future__ import annotations

from komar.assessments import sections as assessments
from komar.cases import sections as registry
from komar.cases.sections import Plugin
from komar.casework import sections as casework
from komar.counselling import sections as counselling
from komar.legal import sections as legal
from komar.lib import rules

PLUGINS: list[Plugin] = [
    registry.PLUGIN,
    counselling.PLUGIN,
    assessments.PLUGIN,
    casework.PLUGIN,
    legal.PLUGIN,
]


def install() -> None:
    """Register every plugin's rules with the engine (at start-up, in every process)."""
    rules.install(rule_set for plugin in PLUGINS for rule_set in plugin.rule_sets)
