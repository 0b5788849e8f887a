"""Rules about best interests: a determination required, an institution for a child under
three, a child near the stay limit with no approved assessment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from komar.assessments.actions import DeterminationReason, determination_reasons
from komar.assessments.models import Assessment, Determination
from komar.cases.models import Child
from komar.cases.rules import load_children
from komar.counselling.models import CareOption, ChildDecision
from komar.counselling.rules import latest_decisions
from komar.lib.rules import CHILD, Facts, Msg, RuleSet


@dataclass
class ChildFacts:
    """Everything these rules look at for one child."""

    child: Child
    today: dt.date
    latest_decision: ChildDecision | None = None  # of her latest counselling session
    assessments: list[Assessment] = field(default_factory=list)  # newest first
    determinations: list[Determination] = field(default_factory=list)  # newest first

    @property
    def latest_assessment(self) -> Assessment | None:
        """Her latest assessment past the draft stage: a draft (perhaps still blank) is work in
        progress and must not hide what a submitted or approved one says."""
        return next((a for a in self.assessments if a.status != Assessment.Status.DRAFT), None)

    @property
    def has_approved_assessment(self) -> bool:
        return any(a.status == Assessment.Status.APPROVED for a in self.assessments)

    @property
    def current_determination(self) -> Determination | None:
        for determination in self.determinations:
            if determination.review_on >= self.today:
                return determination
        return None

    @property
    def institution_proposed(self) -> bool:
        decision, assessment = self.latest_decision, self.latest_assessment
        return (decision is not None and decision.decision == CareOption.INSTITUTION) or (
            assessment is not None and assessment.recommendation == CareOption.INSTITUTION
        )


def load(ids: Sequence[int], today: dt.date) -> dict[int, ChildFacts]:
    """The facts of many children in a fixed number of queries."""
    decisions = latest_decisions(ids)
    by_child = {c.pk: ChildFacts(c, today, decisions.get(c.pk)) for c in load_children(ids)}
    assessments = Assessment.objects.filter(child_id__in=ids).only(
        "pk", "child_id", "status", "recommendation", "mother_contests_separation"
    )
    for assessment in assessments.order_by("-assessed_on", "-created_at"):
        by_child[assessment.child_id].assessments.append(assessment)
    determinations = Determination.objects.filter(child_id__in=ids).only(
        "pk", "child_id", "review_on"
    )
    for determination in determinations.order_by("-held_on", "-created_at"):
        by_child[determination.child_id].determinations.append(determination)
    return by_child


RULES: RuleSet[ChildFacts] = RuleSet("assessments", CHILD, load)


@RULES.rule(
    "determination_required",
    version=2,  # 2: counselling decisions count, and drafts do not
    title=_("A formal best-interests determination is required"),
    standard=_("Bangkok Rule 52; UN Guidelines for the Alternative Care of Children paras. 56-58"),
    level="danger",
)
def determination_required(f: ChildFacts) -> Facts | None:
    reasons = determination_reasons(f.latest_assessment, f.child, f.today, f.latest_decision)
    if not reasons or f.current_determination is not None:
        return None
    labels = {
        DeterminationReason.CONTESTED: _("the mother contests separation"),
        DeterminationReason.OVER_LIMIT: _("the child is over the stay limit"),
        DeterminationReason.INSTITUTION: _("a residential institution is proposed"),
    }
    facts: Facts = {_("Why"): [Msg(labels[r]) for r in reasons]}
    if DeterminationReason.OVER_LIMIT in reasons:
        facts[_("Stay limit")] = f.child.stay_limit_date
    facts[_("Current determination")] = Msg(_("none"))
    return facts


@RULES.rule(
    "institution_under_three",
    version=2,  # 2: a draft assessment does not count
    title=_("A residential institution is proposed for a child under three"),
    standard=_(
        "UN Guidelines for the Alternative Care of Children para. 22 (family-based care "
        "for children under three)"
    ),
    level="danger",
)
def institution_under_three(f: ChildFacts) -> Facts | None:
    age = f.child.age_months(f.today)
    if f.institution_proposed and age < 36:
        return {
            _("Age in months"): age,
            _("Proposed"): Msg(CareOption.INSTITUTION.label),
        }
    return None


@RULES.rule(
    "near_limit_without_assessment",
    version=1,
    title=_("Near the stay limit with no approved best-interests assessment"),
    standard=_(
        "Bangkok Rule 52(1) and (2): separation decided by individual assessment, only "
        "once alternative care is identified"
    ),
    level="danger",
)
def near_limit_without_assessment(f: ChildFacts) -> Facts | None:
    days = f.child.days_left(f.today)
    near = f.child.is_inside and 0 <= days <= settings.KOMAR_STAY_LIMIT_WARNING_DAYS
    if near and not f.has_approved_assessment:
        return {
            _("Stay limit"): f.child.stay_limit_date,
            _("Days left"): days,
            _("Approved assessment"): Msg(_("no")),
        }
    return None
