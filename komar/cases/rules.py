"""The registry's own flags as rules: over and near the stay limit, whereabouts unknown.

`Child.flags()` computes them (and the case-list filters match them in the database); as rules
they are stored and explained like every other flag.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from komar.cases.models import Child
from komar.lib.rules import CHILD, Estimated, Facts, Msg, RuleSet, shared


@dataclass
class ChildFacts:
    child: Child
    today: dt.date

    def has_flag(self, code: str) -> bool:
        return any(flag.code == code for flag in self.child.flags(self.today))


def load_children(ids: Sequence[int]) -> list[Child]:
    """Children with only what rules read (their birth and where they live), loaded once per
    evaluation for every rule set: the daily refresh reads every child."""
    return shared(
        ("cases.children", tuple(ids)),
        lambda: list(
            Child.objects.filter(pk__in=ids)
            .select_related("current_placement")
            .only(
                "pk",
                "mother_id",
                "date_of_birth",
                "dob_is_estimated",
                "current_placement__kind",
                "current_placement__start_date",
            )
        ),
    )


def load(ids: Sequence[int], today: dt.date) -> dict[int, ChildFacts]:
    return {c.pk: ChildFacts(c, today) for c in load_children(ids)}


RULES: RuleSet[ChildFacts] = RuleSet("registry", CHILD, load)


def birth_and_limit(child: Child) -> Facts:
    born = child.date_of_birth
    return {
        _("Date of birth"): Estimated(born) if child.dob_is_estimated else born,
        _("Stay limit"): child.stay_limit_date,
    }


@RULES.rule(
    "over_limit",
    version=1,
    title=_("Over the stay limit"),
    standard=_(
        "Law on Prisons (2011): a child may live with the mother in prison until the age of "
        "three. Bangkok Rule 52(2): the child leaves only once alternative care has been "
        "identified, so she is flagged, never turned out."
    ),
    level="danger",
)
def over_limit(f: ChildFacts) -> Facts | None:
    if not f.has_flag("over_limit"):
        return None
    return {**birth_and_limit(f.child), _("Days over"): -f.child.days_left(f.today)}


@RULES.rule(
    "near_limit",
    version=1,
    title=_("Near the stay limit"),
    standard=_(
        "Bangkok Rule 52(1) and (2): a separation is planned by an individual assessment "
        "and alternative care is identified before the child leaves."
    ),
    level="warning",
)
def near_limit(f: ChildFacts) -> Facts | None:
    if not f.has_flag("near_limit"):
        return None
    return {**birth_and_limit(f.child), _("Days left"): f.child.days_left(f.today)}


@RULES.rule(
    "whereabouts_unknown",
    version=1,
    title=_("Whereabouts unknown"),
    standard=_(
        "Bangkok Rule 3(1) and Nelson Mandela Rule 7(f): record where each child is and in "
        "whose care."
    ),
    level="danger",
)
def whereabouts_unknown(f: ChildFacts) -> Facts | None:
    if not f.has_flag("whereabouts_unknown"):
        return None
    placement = f.child.current_placement
    since = placement.start_date if placement is not None else Msg(_("never recorded"))
    return {_("Where the child lives"): Msg(_("Unknown")), _("Since"): since}
