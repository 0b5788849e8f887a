"""The transitions workflow's demo data, drawn for the women `seed_demo` has just written, chunk by
chunk, from a generator of its own (so that it changes no other demo row).

What it writes fits the registry's dates:

- For each child inside near the stay limit (within `KOMAR_TRANSITION_PLAN_DAYS`), or whose
  mother's release is expected within `KOMAR_TRANSITION_RELEASE_DAYS`: no plan yet for some
  (the flag), a draft, a plan awaiting a supervisor, one returned, or an approved one with its
  assessed carer (a grandmother, an aunt, the father) and preparation steps; a few approved plans
  are past their review date.
- For each young child who already left her mother's facility (her placement before the current
  one was "with the mother in the facility"): the separation on the first day of her current
  placement, as an approved plan said (carer assessed and approved before), or by a supervisor's
  override (every child placed in an institution, and some others), then the follow-up visits
  due by today (most made, a few overdue) and the next one scheduled.

The NGO's records are written by its two social workers and approved by its supervisor; the
other women's by whoever registered them (the registry demo's own rule), approved by the
administrator. Rows are written in bulk without audit entries, like the rest of the demo.

The registry's demo draws such children (`cases/demo.py`, `separated_from`: one in four of the
children placed outside who came in with her mother under the stay limit left halfway through
her custody so far), and this module plans and follows up each of their separations.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from komar.accounts.models import User
from komar.cases import demo as registry
from komar.cases.demo import write_rows
from komar.cases.models import Child, Mother, Placement
from komar.lib.dates import add_months
from komar.transitions.models import (
    Carer,
    CarerAssessment,
    FollowUpStage,
    FollowUpVisit,
    PlacementCarer,
    PreparationStep,
    Reintegration,
    Separation,
    TransitionPlan,
)

Status = TransitionPlan.Status
FAMILY_KINDS: dict[str, tuple[str, str]] = {
    Placement.Kind.FATHER: ("father", "ឪពុក"),
    Placement.Kind.RELATIVE: ("grandmother", "យាយ"),
    Placement.Kind.OTHER_FAMILY: ("aunt", "មីង"),
    Placement.Kind.FOSTER: ("foster mother", "ម្ដាយចិញ្ចឹម"),
    Placement.Kind.PAGODA: ("pagoda nun", "ដូនជី"),
}
CARERS = [
    ("grandmother", "យាយ", Placement.Kind.RELATIVE),
    ("aunt", "មីង", Placement.Kind.RELATIVE),
    ("father", "ឪពុក", Placement.Kind.FATHER),
    ("grandfather", "តា", Placement.Kind.RELATIVE),
]
NAMES = [("Yim", "យឹម"), ("Chhun", "ឈុន"), ("Mao", "ម៉ៅ"), ("Sok", "សុខ"), ("Keo", "កែវ")]
GIVEN = [("Sam", "សំ"), ("Sreymom", "ស្រីមុំ"), ("Dara", "តារា"), ("Vanna", "វណ្ណា")]
VILLAGES = ["Kouk Chak", "Sla Kram", "Chreav", "Svay Dangkum", "Kok Chak"]


@dataclass
class Rows:
    carers: list[Carer] = field(default_factory=list)
    carer_children: list[object] = field(default_factory=list)
    assessments: list[CarerAssessment] = field(default_factory=list)
    plans: list[TransitionPlan] = field(default_factory=list)
    plan_authors: list[object] = field(default_factory=list)
    steps: list[PreparationStep] = field(default_factory=list)
    separations: list[Separation] = field(default_factory=list)
    links: list[PlacementCarer] = field(default_factory=list)
    visits: list[FollowUpVisit] = field(default_factory=list)


class TransitionsGenerator:
    def __init__(self, rng: random.Random, ref: registry.Reference) -> None:
        self.rng = rng
        self.ref = ref
        self.zone = timezone.get_current_timezone()
        self._stages: list[FollowUpStage] | None = None

    def code(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def at(self, day: dt.date, hour: int = 10) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, self.rng.randrange(60)), tzinfo=self.zone)

    @property
    def stages(self) -> list[FollowUpStage]:
        if self._stages is None:
            self._stages = list(FollowUpStage.objects.order_by("order"))
        return self._stages

    def chunk(self, women: Sequence[registry.WomanFacts]) -> None:
        """Draw and write the records of one chunk of women (inside the caller's transaction)."""
        ours = list(women)
        previous = self._previous_kinds([c for w in ours for c in w.outside_under_three])
        rows = Rows()
        for facts in ours:
            for child in facts.inside:
                self._plan_for(facts, child, rows)
            for child in facts.outside_under_three:
                placement = child.current_placement
                separated = placement is not None and (
                    placement.kind in FAMILY_KINDS or placement.kind == Placement.Kind.INSTITUTION
                )
                if separated and previous.get(child.pk) == Placement.Kind.WITH_MOTHER:
                    self._separation_for(facts, child, rows)
        write_rows(rows.carers)
        write_rows(rows.carer_children)  # type: ignore[arg-type]
        write_rows(rows.assessments)
        write_rows(rows.plans)
        write_rows(rows.plan_authors)  # type: ignore[arg-type]
        write_rows(rows.steps)
        write_rows(rows.separations)
        write_rows(rows.links)
        write_rows(rows.visits)

    @staticmethod
    def _previous_kinds(children: Sequence[Child]) -> dict[int, str]:
        """Each child's placement before the current one (one query for the chunk)."""
        found: dict[int, tuple[dt.date, str]] = {}
        for child_id, kind, start in Placement.objects.filter(
            child_id__in=[c.pk for c in children], end_date__isnull=False
        ).values_list("child_id", "kind", "start_date"):
            if child_id not in found or start > found[child_id][0]:
                found[child_id] = (start, kind)
        return {pk: kind for pk, (_start, kind) in found.items()}

    # -- Drawing --------------------------------------------------------------------------

    def _worker(self, mother: Mother) -> User:
        """Who writes her records: the NGO's two social workers for its women, whoever
        registered the woman for the others (as the registry's demo does)."""
        if mother.organisation_id != self.ref.organisations["ngo"].pk:
            return mother.created_by
        return self.ref.users["sokha"] if self.rng.random() < 0.6 else self.ref.users["leakhena"]

    def _supervisor(self, mother: Mother) -> User:
        if mother.organisation_id != self.ref.organisations["ngo"].pk:
            return self.ref.users["admin"]
        return self.ref.users["dara"]

    def _carer(
        self,
        mother: Mother,
        child: Child,
        rows: Rows,
        *,
        relationship: tuple[str, str] | None = None,
    ) -> Carer:
        family, family_km = self.rng.choice(NAMES)
        given, given_km = self.rng.choice(GIVEN)
        if relationship is None:
            relationship = self.rng.choice(CARERS)[:2]
        worker = self._worker(mother)
        carer = Carer(
            code=self.code(),
            mother=mother,
            name_latin=f"{family} {given}",
            name_km=f"{family_km} {given_km}",
            relationship=relationship[0],
            age=self.rng.randint(30, 68),
            province_id=mother.province_id,
            district=mother.district,
            commune=mother.commune,
            village=self.rng.choice(VILLAGES),
            phone=f"+8551{self.rng.randint(0, 9)}{self.rng.randint(100000, 999999)}",
            household=f"{self.rng.randint(2, 7)} people",
            livelihood=self.rng.choice(["Rice farming", "Market seller", "Day labour", "Fishing"]),
            is_emergency_carer=self.rng.random() < 0.5,
            status=Carer.Status.NOT_ASSESSED,
            created_by=worker,
            created_at=self.at(self.ref.today - dt.timedelta(days=200)),
        )
        rows.carers.append(carer)
        rows.carer_children.append(Carer.children.through(carer=carer, child=child))
        return carer

    def _assess(self, carer: Carer, on: dt.date, rows: Rows, *, approved: bool) -> None:
        on = max(on, carer.mother.date_of_birth or on)
        assessor = carer.created_by
        assessment = CarerAssessment(
            code=self.code(),
            carer=carer,
            assessed_on=on,
            willingness=CarerAssessment.Willingness.YES
            if self.rng.random() < 0.8
            else CarerAssessment.Willingness.CONDITIONS,
            home_visit_on=on,
            home_visit_findings="Home visited; the child would have a sleeping place.",
            support_needs=self.rng.sample(["cash", "food", "school_fees", "transport"], 2),
            distance_km=self.rng.randint(2, 120),
            visit_cost_riel=self.rng.choice([10000, 20000, 40000, 60000]),
            status=CarerAssessment.Status.APPROVED
            if approved
            else CarerAssessment.Status.SUBMITTED,
            assessor=assessor,
            decided_by=self._supervisor(carer.mother) if approved else None,
            decided_at=self.at(on + dt.timedelta(days=2)) if approved else None,
            created_at=self.at(on),
        )
        if assessment.willingness == CarerAssessment.Willingness.CONDITIONS:
            assessment.conditions = "If school fees are paid."
        rows.assessments.append(assessment)
        carer.status = Carer.Status.APPROVED if approved else Carer.Status.SUBMITTED

    def _plan_for(self, facts: registry.WomanFacts, child: Child, rows: Rows) -> None:
        today = self.ref.today
        limit = add_months(child.date_of_birth, settings.KOMAR_CHILD_STAY_LIMIT_MONTHS)
        episode = facts.episode
        release = episode.expected_release_date if episode is not None else None
        near = (limit - today).days <= settings.KOMAR_TRANSITION_PLAN_DAYS
        leaving = release is not None and (release - today).days <= (
            settings.KOMAR_TRANSITION_RELEASE_DAYS
        )
        if not (near or leaving):
            return
        state = self.rng.choices(
            ["none", Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.APPROVED],
            weights=[20, 20, 15, 5, 40],
        )[0]
        if state == "none":
            return
        worker = self._worker(facts.mother)
        started = max(today - dt.timedelta(days=self.rng.randint(5, 60)), child.date_of_birth)
        carer = None
        if state != Status.DRAFT or self.rng.random() < 0.5:
            carer = self._carer(facts.mother, child, rows)
            self._assess(
                carer,
                started,
                rows,
                approved=state in (Status.APPROVED, Status.SUBMITTED, Status.RETURNED),
            )
        planned = max(
            min(limit, release or limit) - dt.timedelta(days=7), today + dt.timedelta(days=3)
        )
        review = today + dt.timedelta(days=self.rng.randint(10, 85))
        if state == Status.APPROVED and self.rng.random() < 0.15:
            review = today - dt.timedelta(days=self.rng.randint(3, 20))  # review overdue
        complete = state != Status.DRAFT
        plan = TransitionPlan(
            code=self.code(),
            child=child,
            mother=facts.mother,
            trigger=TransitionPlan.Trigger.RELEASE
            if leaving
            else TransitionPlan.Trigger.STAY_LIMIT,
            status=state,
            option=carer_kind(carer) if carer else "",
            carer=carer if carer and carer.status == Carer.Status.APPROVED else None,
            mothers_view="She agrees; she wants regular visits." if complete else "",
            childs_view="Calm with the carer during visits." if complete else "",
            goals="Gradual move to the carer's home; early education." if complete else "",
            planned_on=planned if complete else None,
            contact_plan="The carer brings the child to visit every two weeks." if complete else "",
            transport_paid_by="This NGO" if complete else "",
            responsible=worker,
            review_on=review if complete else None,
            supervisor_comments="Add the handover of the birth certificate."
            if state == Status.RETURNED
            else "",
            submitted_at=self.at(started + dt.timedelta(days=3)) if complete else None,
            decided_by=self._supervisor(facts.mother)
            if state in (Status.APPROVED, Status.RETURNED)
            else None,
            decided_at=self.at(started + dt.timedelta(days=4))
            if state in (Status.APPROVED, Status.RETURNED)
            else None,
            created_by=worker,
            created_at=self.at(started),
        )
        rows.plans.append(plan)
        rows.plan_authors.append(TransitionPlan.authors.through(transitionplan=plan, user=worker))
        if complete:
            for kind, offset in (("carer_visits", 10), ("documents", 40), ("outings", 25)):
                due = started + dt.timedelta(days=offset)
                rows.steps.append(
                    PreparationStep(
                        code=self.code(),
                        plan=plan,
                        kind=kind,
                        due_on=due,
                        responsible="The carer" if kind != "documents" else "Social worker",
                        done_on=due if due <= today and self.rng.random() < 0.7 else None,
                        created_at=self.at(started),
                    )
                )

    def _separation_for(self, facts: registry.WomanFacts, child: Child, rows: Rows) -> None:
        placement = child.current_placement
        assert placement is not None
        today = self.ref.today
        separated = placement.start_date
        institution = placement.kind == Placement.Kind.INSTITUTION
        override = institution or self.rng.random() < 0.2
        carer = None
        if placement.kind in FAMILY_KINDS:
            carer = self._carer(
                facts.mother, child, rows, relationship=FAMILY_KINDS[placement.kind]
            )
            if placement.carer_name:
                carer.name_latin, carer.name_km = placement.carer_name, ""
            if not override:
                self._assess(
                    carer,
                    max(separated - dt.timedelta(days=45), child.date_of_birth),
                    rows,
                    approved=True,
                )
            rows.links.append(
                PlacementCarer(
                    code=self.code(),
                    placement=placement,
                    carer=carer,
                    created_at=self.at(separated),
                )
            )
        plan = None
        if not override:
            started = max(separated - dt.timedelta(days=90), child.date_of_birth)
            worker = self._worker(facts.mother)
            plan = TransitionPlan(
                code=self.code(),
                child=child,
                mother=facts.mother,
                trigger=TransitionPlan.Trigger.STAY_LIMIT,
                status=Status.DONE,
                option=placement.kind,
                carer=carer,
                mothers_view="She agreed with the plan.",
                goals="A settled move to the carer's home.",
                planned_on=separated,
                contact_plan="Monthly visits to the prison with the carer.",
                responsible=worker,
                review_on=min(separated, add_months(started, 3)),
                submitted_at=self.at(started + dt.timedelta(days=5)),
                decided_by=self._supervisor(facts.mother),
                decided_at=self.at(started + dt.timedelta(days=7)),
                created_by=worker,
                created_at=self.at(started),
            )
            rows.plans.append(plan)
            rows.plan_authors.append(
                TransitionPlan.authors.through(transitionplan=plan, user=worker)
            )
        separation = Separation(
            code=self.code(),
            child=child,
            mother=facts.mother,
            plan=plan,
            placement=placement,
            carer=carer,
            separated_on=separated,
            by_override=override,
            override_reason="The mother was moved at short notice; the child had to leave that day."
            if override
            else "",
            dswo_notified_on=min(separated + dt.timedelta(days=7), today)
            if self.rng.random() < 0.6
            else None,
            recorded_by=self._supervisor(facts.mother) if override else self._worker(facts.mother),
            created_at=self.at(separated, 16),
        )
        rows.separations.append(separation)
        self._visits(separation, rows)

    def _visits(self, separation: Separation, rows: Rows) -> None:
        today = self.ref.today
        for stage in self.stages:
            due = stage.due_after(separation.separated_on)
            visit = FollowUpVisit(
                code=self.code(),
                separation=separation,
                stage=stage,
                due_on=due,
                created_at=self.at(separation.separated_on),
            )
            rows.visits.append(visit)
            visited = due + dt.timedelta(days=self.rng.randint(0, 6))
            if visited > today or self.rng.random() < 0.12:
                return  # the next one, not yet made (overdue if its day has passed)
            visit.visited_on = visited
            visit.wellbeing = self.rng.choice(["Well, playing.", "Cries at night.", "Settled."])
            visit.health_growth = "Weighed at the health centre."
            visit.weight_kg = Decimal(self.rng.randint(95, 150)) / 10
            visit.education = FollowUpVisit.Education.TOO_YOUNG
            visit.carer_coping = self.rng.choice(["Copes well.", "Needs rice and milk."])
            visit.support_given = self.rng.choice(["Rice.", "Transport money.", ""])
            visit.contact_with_mother = self.rng.choice(["Visited once.", "Phone calls.", "None."])
            visit.stability = self.rng.choices(
                [FollowUpVisit.Stability.STABLE, FollowUpVisit.Stability.AT_RISK], weights=[85, 15]
            )[0]
            visit.recorded_by = separation.recorded_by


def carer_kind(carer: Carer) -> str:
    return Placement.Kind.FATHER if carer.relationship == "father" else Placement.Kind.RELATIVE


def flush(mothers: QuerySet[Mother]) -> None:
    """Delete the demo women's transitions records (before the registry deletes the women)."""
    separations = Separation.objects.filter(mother__in=mothers)
    FollowUpVisit.objects.filter(separation__in=separations).delete()
    separations.delete()
    PlacementCarer.objects.filter(carer__mother__in=mothers).delete()
    plans = TransitionPlan.objects.filter(mother__in=mothers)
    PreparationStep.objects.filter(plan__in=plans).delete()
    plans.delete()
    Reintegration.objects.filter(mother__in=mothers).delete()
    CarerAssessment.objects.filter(carer__mother__in=mothers).delete()
    Carer.objects.filter(mother__in=mothers).delete()


def summary(mothers: QuerySet[Mother]) -> dict[str, int]:
    plans = TransitionPlan.objects.filter(mother__in=mothers)
    separations = Separation.objects.filter(mother__in=mothers)
    return {
        "carers": Carer.objects.filter(mother__in=mothers).count(),
        "transition plans": plans.count(),
        "  approved": plans.filter(status=Status.APPROVED).count(),
        "separations": separations.count(),
        "  by override": separations.filter(by_override=True).count(),
        "follow-up visits": FollowUpVisit.objects.filter(separation__in=separations).count(),
    }
