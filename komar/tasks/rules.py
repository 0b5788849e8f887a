"""Explainable decision support: each rule is a plain, named, versioned function.

A rule looks at the facts of one child (loaded for many children at once by `load_facts`) and
returns the facts it used when it fires, or None. Wherever a finding is shown, the screen shows
the rule's name, version, the facts and the standard it rests on. Change a rule's logic →
bump its version.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from komar.assessments.actions import DeterminationReason, determination_reasons
from komar.assessments.models import Assessment, Determination
from komar.cases.models import Child
from komar.counselling.models import DECISION_NEWEST_FIRST, CareOption, ChildDecision


@dataclass
class ChildFacts:
    """Everything the rules may look at for one child."""

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


Facts = dict[str, str]


@dataclass(frozen=True)
class Rule:
    code: str
    version: int
    title: str | Promise
    standard: str | Promise
    level: str  # "danger" (a flag to act on) or "warning"
    check: Callable[[ChildFacts], Facts | None]


@dataclass(frozen=True)
class Finding:
    rule: Rule
    child: Child
    facts: Facts

    @property
    def label(self) -> str:
        return str(self.rule.title)

    @property
    def as_list(self) -> list[Finding]:
        """For templates that show one finding with the shared findings include."""
        return [self]


RULES: list[Rule] = []


def rule(
    code: str, *, version: int, title: str | Promise, standard: str | Promise, level: str
) -> Callable[[Callable[[ChildFacts], Facts | None]], Callable[[ChildFacts], Facts | None]]:
    def register(
        check: Callable[[ChildFacts], Facts | None],
    ) -> Callable[[ChildFacts], Facts | None]:
        RULES.append(Rule(code, version, title, standard, level, check))
        return check

    return register


def _date(value: dt.date) -> str:
    return date_format(value, "DATE_FORMAT")


def _yes_no(value: bool) -> str:
    return str(_("yes")) if value else str(_("no"))


# The registry's own flags (`Child.flags()`, which the case-list filters match in the database),
# as rules, so that each one shows the facts and the standard behind it like any other.


def _has_flag(f: ChildFacts, code: str) -> bool:
    return any(flag.code == code for flag in f.child.flags(f.today))


def _birth_and_limit(f: ChildFacts) -> Facts:
    born = _date(f.child.date_of_birth)
    if f.child.dob_is_estimated:
        born = str(_("%(date)s (estimated)") % {"date": born})
    return {
        str(_("Date of birth")): born,
        str(_("Stay limit")): _date(f.child.stay_limit_date),
    }


@rule(
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
    if not _has_flag(f, "over_limit"):
        return None
    return {**_birth_and_limit(f), str(_("Days over")): str(-f.child.days_left(f.today))}


@rule(
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
    if not _has_flag(f, "near_limit"):
        return None
    return {**_birth_and_limit(f), str(_("Days left")): str(f.child.days_left(f.today))}


@rule(
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
    if not _has_flag(f, "whereabouts_unknown"):
        return None
    placement = f.child.current_placement
    since = _date(placement.start_date) if placement is not None else str(_("never recorded"))
    return {str(_("Where the child lives")): str(_("Unknown")), str(_("Since")): since}


@rule(
    "no_counselling",
    version=1,
    title=_("A child inside with no counselling on record"),
    standard=_("Bangkok Rules 2(2) and 49; UN Alternative Care Guidelines para. 48"),
    level="warning",
)
def no_counselling(f: ChildFacts) -> Facts | None:
    if f.child.is_inside and f.latest_decision is None:
        return {
            str(_("Lives")): str(_("with the mother in the facility")),
            str(_("Decisions on record")): "0",
        }
    return None


@rule(
    "review_overdue",
    version=1,
    title=_("The review of the decision is overdue"),
    standard=_("UN Alternative Care Guidelines para. 67 (review at least every three months)"),
    level="danger",
)
def review_overdue(f: ChildFacts) -> Facts | None:
    decision = f.latest_decision
    if decision is not None and decision.session.review_on < f.today:
        return {
            str(_("Latest decision")): str(decision.get_decision_display()),
            str(_("Review date")): _date(decision.session.review_on),
            str(_("Today")): _date(f.today),
        }
    return None


@rule(
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
    facts = {str(_("Why")): ", ".join(str(labels[r]) for r in reasons)}
    if DeterminationReason.OVER_LIMIT in reasons:
        facts[str(_("Stay limit"))] = _date(f.child.stay_limit_date)
    facts[str(_("Current determination"))] = str(_("none"))
    return facts


@rule(
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
            str(_("Age in months")): str(age),
            str(_("Proposed")): str(CareOption.INSTITUTION.label),
        }
    return None


@rule(
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
            str(_("Stay limit")): _date(f.child.stay_limit_date),
            str(_("Days left")): str(days),
            str(_("Approved assessment")): _yes_no(False),
        }
    return None


def load_facts(children: Iterable[Child], today: dt.date) -> list[ChildFacts]:
    """The facts of many children in a fixed number of queries (children need
    `current_placement` selected)."""
    children = list(children)
    by_child: dict[int, ChildFacts] = {c.pk: ChildFacts(c, today) for c in children}
    ids = list(by_child)
    # Only each child's latest decision: older ones are history that no rule reads.
    latest = ChildDecision.objects.filter(child=OuterRef("pk")).order_by(*DECISION_NEWEST_FIRST)
    latest_ids = Child.objects.filter(pk__in=ids).values(decision=Subquery(latest.values("pk")[:1]))
    for decision in ChildDecision.objects.filter(pk__in=latest_ids).select_related("session"):
        assert decision.child_id is not None
        by_child[decision.child_id].latest_decision = decision
    for assessment in Assessment.objects.filter(child_id__in=ids).order_by(
        "-assessed_on", "-created_at"
    ):
        by_child[assessment.child_id].assessments.append(assessment)
    for determination in Determination.objects.filter(child_id__in=ids).order_by(
        "-held_on", "-created_at"
    ):
        by_child[determination.child_id].determinations.append(determination)
    return list(by_child.values())


def rule_by_code(code: str) -> Rule | None:
    return next((r for r in RULES if r.code == code), None)


def evaluate(facts: Iterable[ChildFacts], rules: Iterable[Rule] | None = None) -> list[Finding]:
    rules = RULES if rules is None else list(rules)
    findings = []
    for child_facts in facts:
        for r in rules:
            used = r.check(child_facts)
            if used is not None:
                findings.append(Finding(r, child_facts.child, used))
    return findings


def findings_for_children(children: Iterable[Child], today: dt.date) -> dict[int, list[Finding]]:
    """Findings grouped by child id, for a page that shows several children."""
    grouped: dict[int, list[Finding]] = defaultdict(list)
    for finding in evaluate(load_facts(children, today)):
        grouped[finding.child.pk].append(finding)
    return grouped
