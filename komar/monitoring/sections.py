"""The monitoring workflow's plug-in: its lists on "My work" (today's registers, last month's
snapshots). It adds no section to the woman's file and no rule: its records are a facility's,
and the rule engine's subjects are a child and a woman (see `work.py`)."""

from __future__ import annotations

from komar.cases.sections import Plugin
from komar.monitoring.work import my_work

PLUGIN = Plugin(name="monitoring", work=my_work)
