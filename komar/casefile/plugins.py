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
from komar.facilities import figures
from komar.health import sections as health
from komar.legal import sections as legal
from komar.lib import rules, work
from komar.monitoring import health_figures
from komar.monitoring import queries as monitoring_queries
from komar.monitoring import sections as monitoring
from komar.research import monthly
from komar.research import sections as research
from komar.transitions import sections as transitions

PLUGINS: list[Plugin] = [
    registry.PLUGIN,
    counselling.PLUGIN,
    assessments.PLUGIN,
    casework.PLUGIN,
    legal.PLUGIN,
    health.PLUGIN,
    transitions.PLUGIN,
    monitoring.PLUGIN,
    research.PLUGIN,
]


# The figures of ended periods that pages store, and who counts them (`refresh_figures`).
FIGURES = {
    health_figures.KIND: health_figures.count,
    monthly.KIND: monthly.count,
}
# Those of the present (today's only), stored for a few minutes.
NOW_FIGURES = {monitoring_queries.INSIDE_KIND: monitoring_queries.count_inside}


def install() -> None:
    """Register every plugin's rules with the engine, its lists with "My work", and the stored
    figures' counts (at start-up, in every process)."""
    rules.install(rule_set for plugin in PLUGINS for rule_set in plugin.rule_sets)
    work.install(plugin.work for plugin in PLUGINS if plugin.work is not None)
    figures.install(FIGURES, now=NOW_FIGURES)
