"""Flags about a child's health, for children living inside with their mothers: no measurement
in over three months, a z-score below -2 (warning) or -3 (danger) or a low MUAC, a dose of the
national schedule overdue, a motor milestone not achieved by the end of WHO's window, and no
health check within 14 days of entering.

Thresholds are settings (`KOMAR_HEALTH_MEASURE_DAYS`, `KOMAR_HEALTH_CHECK_DAYS`, read when the
rules run); the schedule is reference data. The facts are loaded by `status.load`, five queries
for any number of children.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from komar.cases.rules import load_children
from komar.health.status import INDICATOR_NAMES, ChildHealth, below
from komar.health.status import load as load_health
from komar.lib.rules import CHILD, Facts, Msg, RuleSet, Text


def load(ids: Sequence[int], today: dt.date) -> dict[int, ChildHealth]:
    return load_health(load_children(ids), today)


RULES: RuleSet[ChildHealth] = RuleSet("health", CHILD, load)


@RULES.rule(
    "not_measured",
    version=1,
    title=_("A child inside not measured in over three months"),
    standard=_(
        "Nelson Mandela Rule 29(1)(b) (ongoing monitoring of development); Bangkok Rule 51(1); "
        "WHO growth monitoring"
    ),
    level="warning",
)
def not_measured(f: ChildHealth) -> Facts | None:
    due = f.measure_by
    if due is None or f.today <= due:
        return None
    if f.latest is not None:
        return {_("Latest measurement"): f.latest.measured_on, _("Due by"): due}
    assert f.entered_on is not None
    return {_("Latest measurement"): Msg(_("none")), _("Inside since"): f.entered_on}


def _growth_facts(f: ChildHealth, cut: float) -> Facts:
    m = f.latest
    assert m is not None
    facts: Facts = {_("Measured on"): m.measured_on}
    for indicator, name in INDICATOR_NAMES.items():
        z = None if indicator in m.implausible else m.z(indicator)
        if z is not None and z < cut:
            facts[name] = Text(f"{z:.2f}")
    if m.muac_mm is not None:
        facts[_("MUAC (mm)")] = m.muac_mm
    if m.oedema:
        facts[_("Oedema")] = Msg(_("both feet"))
    return facts


@RULES.rule(
    "growth_below_3sd",
    version=1,
    title=_("Severe malnutrition: a z-score below -3, MUAC under 115 mm or oedema"),
    standard=_("WHO Child Growth Standards (2006) and WHO/UNICEF cut-offs; Bangkok Rule 48(1)"),
    level="danger",
)
def growth_below_3sd(f: ChildHealth) -> Facts | None:
    if not f.inside or f.latest is None or not below(f.latest, -3):
        return None
    return _growth_facts(f, -3)


@RULES.rule(
    "growth_below_2sd",
    version=1,
    title=_("Undernutrition: a z-score below -2 or MUAC 125 mm or less"),
    standard=_("WHO Child Growth Standards (2006) and WHO/UNICEF cut-offs; Bangkok Rule 48(1)"),
    level="warning",
)
def growth_below_2sd(f: ChildHealth) -> Facts | None:
    # Below -3 is the danger rule's: one flag per child for one measurement.
    if not f.inside or f.latest is None or not below(f.latest, -2) or below(f.latest, -3):
        return None
    return _growth_facts(f, -2)


@RULES.rule(
    "immunisation_overdue",
    version=1,
    title=_("An immunisation of the national schedule is overdue"),
    standard=_(
        "Bangkok Rule 51(1) (health care of children with their mothers); Cambodia's national "
        "immunisation schedule"
    ),
    level="warning",
)
def immunisation_overdue(f: ChildHealth) -> Facts | None:
    if not f.inside:
        return None
    overdue = f.overdue()
    if not overdue:
        return None
    return {
        _("Doses overdue"): len(overdue),
        _("Oldest due on"): min(d.due_on for d in overdue),
    }


@RULES.rule(
    "milestone_late",
    version=1,
    title=_("A motor milestone not achieved by the end of WHO's window"),
    standard=_(
        "WHO Motor Development Study (2006), windows of achievement; Nelson Mandela Rule "
        "29(1)(b) (developmental monitoring by specialists)"
    ),
    level="warning",
)
def milestone_late(f: ChildHealth) -> Facts | None:
    if not f.inside:
        return None
    late = f.late_milestones()
    if not late:
        return None
    return {_("Milestones"): [Msg(m.label) for m in late]}


@RULES.rule(
    "no_health_check",
    version=1,
    title=_("No health check within 14 days of entering the facility"),
    standard=_("Nelson Mandela Rule 29(1)(b) (screening on admission); Bangkok Rule 51(1)"),
    level="warning",
)
def no_health_check(f: ChildHealth) -> Facts | None:
    due = f.check_by
    if due is None or f.today <= due:
        return None
    assert f.entered_on is not None
    return {
        _("Inside since"): f.entered_on,
        _("Days allowed"): int(settings.KOMAR_HEALTH_CHECK_DAYS),
    }


# The deadlines of "My work"'s health lists, stored for every child inside (not only once
# overdue), so that the lists read "due within a week, or overdue" as a range of an index: the
# dates the flags `not_measured` and `no_health_check` use, but that a child never measured is
# due from the day she came inside (a first measurement is taken on admission; the flag waits
# the whole interval before it speaks).
MEASURE_DUE = "health_measure_due"
CHECK_DUE = "health_check_due"


@RULES.deadline(MEASURE_DUE)
def measure_due(f: ChildHealth) -> dt.date | None:
    if f.inside and f.latest is None:
        return f.entered_on
    return f.measure_by


@RULES.deadline(CHECK_DUE)
def check_due(f: ChildHealth) -> dt.date | None:
    return f.check_by


RULE_SETS = [RULES]
