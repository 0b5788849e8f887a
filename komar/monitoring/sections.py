"""The monitoring workflow's plug-in: its sections of the woman's file and the child's page, its
timeline events, its rule sets and its lists on "My work"."""

from __future__ import annotations

from komar.cases.sections import Plugin

PLUGIN = Plugin(name="monitoring")
