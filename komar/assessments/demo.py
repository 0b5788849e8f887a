"""The best-interests workflow's demo data: assessments with their seven elements, and
determinations with their panel members, drawn for the children inside whose mothers the
counselling demo has just counselled (`Counselled`, from `counselling/demo.py`).

Like the rest of the demo, rows are written in bulk without audit entries (an audit trail of
events that never happened would be false). The shares follow what the rules are meant to catch:
a few children near or over the stay limit have no approved assessment or no determination yet.
`is_latest` marks each child's most recent determination, as the actions keep it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet

from komar.accounts.models import Role, User
from komar.assessments.models import (
    DETERMINATION_NEWEST_FIRST,
    Assessment,
    AssessmentElement,
    Determination,
    Element,
    PanelMember,
    Rating,
)
from komar.cases import demo as registry
from komar.cases.demo import assign_ids, days_to_limit, newest, write_rows
from komar.cases.models import Child, Mother
from komar.counselling.demo import Counselled
from komar.counselling.forms import REVIEW_AFTER_DAYS
from komar.counselling.models import CareOption

ASSESSED_SHARE = 0.45  # of the children inside who were counselled
NEAR_LIMIT_ASSESSED_SHARE = 0.5
OVER_LIMIT_DETERMINED_SHARE = 0.5

EVIDENCE: dict[str, str] = {
    Element.VIEWS: "Too young to speak; calm and smiling when held by the mother.",
    Element.IDENTITY: "Birth registration discussed with the commune; name used consistently.",
    Element.FAMILY: "Strong bond with the mother; grandmother visits once a month.",
    Element.CARE: "Mother is the main carer; shares a crowded cell with other women.",
    Element.VULNERABILITY: "Very young; exposed to the prison environment every day.",
    Element.HEALTH: "Weight on track at the last clinic visit; one chest infection this year.",
    Element.DEVELOPMENT: "Attends the child-friendly space most mornings; walking and babbling.",
}


@dataclass
class AssessmentRows:
    """The assessments and determinations drawn for one chunk of women, not yet written."""

    assessments: list[Assessment] = field(default_factory=list)
    elements: list[AssessmentElement] = field(default_factory=list)
    determinations: list[Determination] = field(default_factory=list)
    members: list[PanelMember] = field(default_factory=list)


class AssessmentGenerator(registry.Draws):
    """Draws the assessments and determinations of a counselled woman's children inside.

    It shares the casework's seeded generator with the counselling demo, drawing right after
    each woman's sessions: the order of the draws is part of "same seed, same data"."""

    def __init__(self, rng: random.Random, ref: registry.Reference) -> None:
        super().__init__(rng, ref)
        users = ref.users
        # Who approves or returns an assessment: a supervisor of the assessor's organisation.
        self.supervisors: dict[int, list[User]] = {}
        for user in sorted(users.values(), key=lambda u: u.username):
            if user.organisation_id is not None and user.role == Role.SUPERVISOR:
                self.supervisors.setdefault(user.organisation_id, []).append(user)

    def woman(self, counselled: Counselled, rows: AssessmentRows) -> None:
        """Draw for each of her children inside, assessed by her counsellor, who recommends a
        residential institution where that is what was decided at the latest session."""
        decided = {d.child_id: d.decision for d in counselled.decisions}
        for child in counselled.woman.inside:
            institution = decided.get(child.pk) == CareOption.INSTITUTION
            self.assess(child, counselled.counsellor, rows, institution=institution)

    def assess(
        self, child: Child, assessor: User, rows: AssessmentRows, *, institution: bool
    ) -> None:
        days_left = days_to_limit(child, self.today, self.limit_months)
        near = 0 <= days_left <= self.warning_days
        share = NEAR_LIMIT_ASSESSED_SHARE if near else ASSESSED_SHARE
        if not self.chance(share):
            if days_left < 0 and self.chance(OVER_LIMIT_DETERMINED_SHARE):
                self.determine(child, assessor, rows, None)
            return
        organisation_id = assessor.organisation_id or 0
        supervisors = self.supervisors.get(organisation_id, [])
        statuses = Assessment.Status
        status = self.rng.choices(
            [statuses.APPROVED, statuses.SUBMITTED, statuses.DRAFT, statuses.RETURNED],
            weights=[6, 2, 1, 1],
        )[0]
        if not supervisors and status in (Assessment.Status.APPROVED, Assessment.Status.RETURNED):
            status = Assessment.Status.SUBMITTED
        occasion = Assessment.Occasion.APPROACHING_LIMIT if near else Assessment.Occasion.ENTRY
        assessed_on = max(child.date_of_birth, self.today - dt.timedelta(self.rng.randint(3, 60)))
        recommendation = CareOption.INSTITUTION if institution else CareOption.RELATIVE
        if not near and days_left >= 0 and not institution:
            recommendation = CareOption.WITH_MOTHER
        decided = status in (Assessment.Status.APPROVED, Assessment.Status.RETURNED)
        assessment = Assessment(
            code=self.code(),
            child=child,
            organisation_id=organisation_id,
            occasion=occasion,
            assessed_on=assessed_on,
            options_compared="With the mother inside: close bond, but a crowded cell and little "
            "play. With the grandmother: able and willing, two hours away; needs support for "
            "food and school.",
            recommendation=recommendation,
            recommendation_reasons="Family-based care that keeps the child close to the mother.",
            mother_contests_separation=near and self.chance(0.15),
            status=status,
            reviewer_comments=(
                "Please add the grandmother's health and income."
                if status == Assessment.Status.RETURNED
                else ""
            ),
            assessor=assessor,
            submitted_at=self.now if status != Assessment.Status.DRAFT else None,
            decided_by=self.rng.choice(supervisors) if decided else None,
            decided_at=self.now if decided else None,
            created_at=self.now,
        )
        rows.assessments.append(assessment)
        for element in Element.values:
            rating = Rating.SOME_CONCERN if element == Element.CARE else Rating.NO_CONCERN
            row = AssessmentElement(
                assessment=assessment, element=element, evidence=EVIDENCE[element], rating=rating
            )
            rows.elements.append(row)
        if days_left < 0 and self.chance(OVER_LIMIT_DETERMINED_SHARE):
            self.determine(child, assessor, rows, assessment)

    def determine(
        self, child: Child, recorder: User, rows: AssessmentRows, assessment: Assessment | None
    ) -> None:
        held_on = self.today - dt.timedelta(days=self.rng.randint(1, 20))
        determination = Determination(
            code=self.code(),
            child=child,
            assessment=assessment,
            reasons=["over_limit"],
            held_on=held_on,
            decision=CareOption.RELATIVE,
            decision_reasons="The grandmother is able and willing; the mother agrees. Monthly "
            "visits to the prison are arranged.",
            dissent="",
            review_on=held_on + dt.timedelta(days=REVIEW_AFTER_DAYS),
            recorded_by=recorder,
            created_at=self.now,
        )
        rows.determinations.append(determination)
        for name, role in [
            ("Chea Sreymom (demo)", "social worker"),
            ("Heng Dara", "supervisor"),
            ("Mao Sophal (demo)", "DoSVY officer"),
        ]:
            rows.members.append(PanelMember(determination=determination, name=name, role=role))


def insert_assessments(rows: AssessmentRows) -> None:
    """Write the assessments and determinations of one chunk of women (inside the caller's
    transaction); each assessor is the assessment's first author, as the actions record it."""
    write_rows(rows.assessments)
    write_rows(
        [Assessment.authors.through(assessment=a, user_id=a.assessor_id) for a in rows.assessments]
    )
    write_rows(rows.elements)
    assign_ids(rows.determinations)
    mark_latest_determinations(rows.determinations)
    write_rows(rows.determinations)
    write_rows(rows.members)


def mark_latest_determinations(determinations: Sequence[Determination]) -> None:
    """`is_latest` on each child's most recent determination only, in the order of the actions'
    `mark_latest_determination()`. The rows have their ids and are all their children have."""
    by_child: dict[int, list[Determination]] = defaultdict(list)
    for determination in determinations:
        by_child[determination.child_id].append(determination)
    for mine in by_child.values():
        latest = newest(mine, DETERMINATION_NEWEST_FIRST)
        for determination in mine:
            determination.is_latest = determination is latest


def summary(mothers: QuerySet[Mother]) -> dict[str, int]:
    return {
        "assessments": Assessment.objects.filter(child__mother__in=mothers).count(),
        "determinations": Determination.objects.filter(child__mother__in=mothers).count(),
    }
