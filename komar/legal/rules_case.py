"""Flags about a woman's legal case, for her current custody: no lawyer in pre-trial detention,
pre-trial detention near or past its legal maximum, police custody past the hours allowed, and
a measure chosen in her screening with no application filed.

Thresholds are settings (`KOMAR_LEGAL_*`, read when the rules run); the legal limits
themselves are reference data (`LegalLimit`), read with the facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from komar.legal.derived import CaseFigures, latest_for_mothers
from komar.legal.models import Measure, OffenceClass, Screening
from komar.lib.rules import MOTHER, Facts, Msg, RuleSet, shared

# Days into pre-trial detention after which a woman with no lawyer recorded is flagged.
LAWYER_DAYS = 14
# Days before the legal maximum of pre-trial detention from which it is flagged.
MAXIMUM_WARNING_DAYS = 30
# Days after a screening that chose a measure by which an application should be filed.
APPLICATION_DAYS = 14


def setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


@dataclass
class MotherFacts:
    """Her current (latest) custody's figures, and her latest screening during it."""

    figures: CaseFigures
    today: dt.date
    screening: Screening | None = None


def latest_screenings(ids: Sequence[int]) -> dict[int, Screening]:
    """Each woman's latest screening, in one query per evaluation."""

    def load() -> dict[int, Screening]:
        latest: dict[int, Screening] = {}
        rows = (
            Screening.objects.filter(mother_id__in=ids)
            .only("pk", "mother_id", "episode_id", "screened_on", "chosen")
            .order_by("mother_id", "-screened_on", "-pk")
        )
        for screening in rows:
            latest.setdefault(screening.mother_id, screening)
        return latest

    return shared(("legal.latest_screenings", tuple(ids)), load)


def load(ids: Sequence[int], today: dt.date) -> dict[int, MotherFacts]:
    figures = latest_for_mothers(ids, today)
    screenings = latest_screenings(ids) if figures else {}
    facts = {}
    for pk, current in figures.items():
        screening = screenings.get(pk)
        if screening is not None and screening.episode_id not in current.stay.episode_ids:
            screening = None  # a screening of an earlier custody
        facts[pk] = MotherFacts(current, today, screening)
    return facts


RULES: RuleSet[MotherFacts] = RuleSet("legal case", MOTHER, load)


def _class(figures: CaseFigures) -> Msg:
    return Msg(OffenceClass(figures.offence_class).label)


@RULES.rule(
    "no_lawyer",
    version=1,
    title=_("No lawyer recorded in pre-trial detention"),
    standard=_(
        "Bangkok Rule 2(1): a woman has access to legal advice from her admission. Code of "
        "Criminal Procedure 2007: a lawyer may assist her in police custody (art. 98), and "
        "at her first appearance the investigating judge tells her of her right to a lawyer "
        "(art. 143, to be checked against the Khmer text)."
    ),
    level="danger",
)
def no_lawyer(f: MotherFacts) -> Facts | None:
    figures = f.figures
    start = figures.detained_from
    if not figures.detention_running or start is None or figures.lawyer.strip():
        return None
    days = (f.today - start).days
    if days < setting("KOMAR_LEGAL_LAWYER_DAYS", LAWYER_DAYS):
        return None
    # No day count in the facts: they stay the same from one day to the next (the file shows
    # the days), so the daily refresh rewrites nothing.
    return {_("In pre-trial detention since"): start, _("Lawyer"): Msg(_("none recorded"))}


def _maximum_facts(figures: CaseFigures) -> Facts:
    assert figures.detained_from is not None
    facts: Facts = {
        _("Class of offence"): _class(figures),
        _("In pre-trial detention since"): figures.detained_from,
    }
    if figures.max_until is not None:
        facts[_("Legal maximum")] = figures.max_until
    else:
        facts[_("Legal maximum")] = Msg(_("no pre-trial detention allowed"))
    if figures.cap_unknown:
        facts[_("Minimum penalty")] = Msg(_("not recorded: the maximum may be shorter"))
    return facts


@RULES.rule(
    "detention_near_maximum",
    version=1,
    title=_("Pre-trial detention near its legal maximum"),
    standard=_(
        "Code of Criminal Procedure 2007, art. 208 (a felony: 6 months, extended by 6 months "
        "at most twice) and art. 209 (a misdemeanour: 4 months, extended once by 2 months, "
        "never more than half the minimum penalty); arts. 203-205: liberty is the rule. The "
        "limits are reference data an administrator corrects."
    ),
    level="warning",
)
def detention_near_maximum(f: MotherFacts) -> Facts | None:
    figures = f.figures
    left = figures.days_left
    if not figures.detention_running or figures.max_until is None or left is None:
        return None
    if not 0 <= left <= setting("KOMAR_LEGAL_MAXIMUM_WARNING_DAYS", MAXIMUM_WARNING_DAYS):
        return None
    return {**_maximum_facts(figures), _("Days left"): left}


@RULES.rule(
    "detention_over_maximum",
    version=1,
    title=_("Pre-trial detention past its legal maximum"),
    standard=_(
        "Code of Criminal Procedure 2007, arts. 208 and 209: pre-trial detention may not last "
        "longer than the maximum for the class of offence (a felony 18 months, a misdemeanour "
        "6 months and never more than half the minimum penalty; none for a petty offence). "
        "The limits are reference data an administrator corrects."
    ),
    level="danger",
)
def detention_over_maximum(f: MotherFacts) -> Facts | None:
    figures = f.figures
    over = figures.days_over
    if not figures.detention_running or over is None:
        return None
    return {**_maximum_facts(figures), _("Days over"): over}


@RULES.rule(
    "police_custody_over",
    version=1,
    title=_("Police custody past the hours allowed"),
    standard=_(
        "Code of Criminal Procedure 2007, art. 96: police custody lasts at most 48 hours; "
        "only a felony's may be extended, with the prosecutor's written approval. The hours "
        "are reference data an administrator corrects."
    ),
    level="danger",
)
def police_custody_over(f: MotherFacts) -> Facts | None:
    figures = f.figures
    over = figures.police_custody_hours_over
    case = figures.legal_case
    if not figures.stay.is_open or over is None or case is None:
        return None
    start, hours = figures.police_custody_start_day, figures.police_custody_hours
    assert start is not None and hours is not None
    allowed = figures.police_custody_allowed_hours
    assert allowed is not None
    if not figures.police_custody_extended:
        extension = Msg(_("none recorded"))
    elif figures.extension_not_allowed:
        extension = Msg(_("recorded, but the law allows none for this class"))
    else:
        extension = Msg(_("recorded"))
    facts: Facts = {
        _("Police custody from"): start,
        _("Hours in police custody"): hours,
        _("Hours allowed"): allowed,
        _("Extension"): extension,
    }
    if figures.police_custody_ongoing:
        facts[_("Police custody")] = Msg(_("still going on"))
    return facts


@RULES.rule(
    "measure_without_application",
    version=1,
    title=_("A measure chosen and no application filed"),
    standard=_(
        "Bangkok Rules 57 and 58 and Tokyo Rule 6: alternatives to pre-trial detention are "
        "pursued as early as possible: an application follows the measure chosen."
    ),
    level="warning",
)
def measure_without_application(f: MotherFacts) -> Facts | None:
    screening, figures = f.screening, f.figures
    if screening is None or not screening.chosen or not figures.stay.is_open:
        return None
    days = (f.today - screening.screened_on).days
    if days <= setting("KOMAR_LEGAL_APPLICATION_DAYS", APPLICATION_DAYS):
        return None
    if any(a.filed_on >= screening.screened_on for a in figures.applications):
        return None
    return {
        _("Screened on"): screening.screened_on,
        _("Measures to pursue"): [_measure(code) for code in screening.chosen],
        _("Applications filed since"): 0,
    }


def _measure(code: Any) -> Msg:
    try:
        return Msg(Measure(code).label)
    except ValueError:
        return Msg(str(code))


RULE_SETS: list[RuleSet[Any]] = [RULES]
