"""The legal workflow's plug-in: its sections of the woman's file, its timeline events and its
rule sets, gathered from each part (the legal case, the screening, the court report)."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain

from komar.cases.sections import Plugin, TimelineEvent, WomanFile
from komar.legal import rules, sections_case, sections_report, sections_screening


def timeline(page: WomanFile) -> Iterable[TimelineEvent]:
    return chain.from_iterable(
        part.timeline(page) for part in (sections_case, sections_screening, sections_report)
    )


PLUGIN = Plugin(
    name="legal",
    file_sections=[
        *sections_case.FILE_SECTIONS,
        *sections_screening.FILE_SECTIONS,
        *sections_report.FILE_SECTIONS,
    ],
    timeline=timeline,
    rule_sets=rules.RULE_SETS,
)
