"""Every write of the transitions workflow: atomic, audited (field names only, with the woman),
followed by a refresh of her stored findings.

The separation moves the child's placement through the registry's own action
(`cases.actions.do_move_child`), inside `_separating()`, which marks the write so that the write
check registered at start-up (`refuse_unplanned_separation`) lets it pass. Any other write that
takes a child from "with the mother in the facility" to anywhere but "with the mother, outside
custody" is refused: the registry's page cannot separate a child without a plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from komar.accounts.models import User
from komar.assessments.models import Determination
from komar.audit.actions import write_audit
from komar.audit.models import AuditEntry
from komar.cases import actions as registry
from komar.cases.actions import EditConflict, InvalidAction
from komar.cases.findings import refresh_for
from komar.cases.models import Child, CustodyEpisode, Mother, Placement
from komar.counselling.models import CareOption
from komar.lib.dates import add_months
from komar.transitions.access import is_supervisor, may_supervise
from komar.transitions.models import (
    Carer,
    CarerAssessment,
    FollowUpStage,
    FollowUpVisit,
    PlacementCarer,
    PlanOption,
    PreparationStep,
    Reintegration,
    Separation,
    TransitionPlan,
)

Created = AuditEntry.Action.CREATE
Changed = AuditEntry.Action.CHANGE
M = TypeVar("M", bound=models.Model)

CARER_FIELDS = (
    "name_km",
    "name_latin",
    "relationship",
    "age",
    "province",
    "district",
    "commune",
    "village",
    "phone",
    "household",
    "livelihood",
    "health",
    "is_emergency_carer",
)
ASSESSMENT_FIELDS = (
    "assessed_on",
    "willingness",
    "conditions",
    "prior_care",
    "violence",
    "substance_use",
    "protection_concerns",
    "safety_notes",
    "home_visit_on",
    "home_visit_findings",
    "support_needs",
    "distance_km",
    "visit_cost_riel",
    "village_chief",
    "commune_chief",
    "cccw_contact",
    "dswo_contact",
)
PLAN_FIELDS = (
    "option",
    "carer",
    "option_reason",
    "mothers_view",
    "childs_view",
    "goals",
    "planned_on",
    "contact_plan",
    "transport_paid_by",
    "responsible",
    "review_on",
)
STEP_FIELDS = ("kind", "description", "due_on", "responsible", "done_on")
VISIT_FIELDS = (
    "visited_on",
    "wellbeing",
    "health_growth",
    "weight_kg",
    "height_cm",
    "education",
    "carer_coping",
    "support_given",
    "contact_with_mother",
    "protection_concerns",
    "stability",
)
# Where a child may go from her mother's facility without a separation: with her mother to
# another facility, or out with her mother on her release.
WITHOUT_SEPARATION = frozenset({Placement.Kind.WITH_MOTHER, Placement.Kind.MOTHER_OUTSIDE})


class SeparationRefused(InvalidAction):
    """Recording a separation that the plan, the carer or the override does not allow."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SeparationNotPlanned(PermissionDenied):
    """The registry's placement change was refused: it would separate a child without the
    separation being recorded through a plan (or a supervisor's override)."""

    def __init__(self) -> None:
        super().__init__(
            gettext(
                "A child living with her mother in the facility leaves her only through a "
                "separation recorded with an approved transition plan, or a supervisor's "
                "override: open the child's page and record the separation there."
            )
        )


# -- The write check ------------------------------------------------------------------------

_SEPARATING: ContextVar[int | None] = ContextVar("komar_transitions_separating", default=None)


@contextmanager
def _separating(child: Child) -> Any:
    token = _SEPARATING.set(child.pk)
    try:
        yield
    finally:
        _SEPARATING.reset(token)


def refuse_unplanned_separation(action: str, obj: models.Model, mother: Mother | None) -> None:
    """The write check (`audit.actions.WRITE_CHECKS`): a new placement that takes a child out of
    her mother's facility without her passes only when the separation action made it."""
    if action != Created or not isinstance(obj, Placement):
        return
    if obj.kind in WITHOUT_SEPARATION or _SEPARATING.get() == obj.child_id:
        return
    if not _held_on(obj):
        return  # she was released: the child left the facility with her, wherever she lives now
    previous = (
        Placement.objects.filter(child_id=obj.child_id)
        .exclude(pk=obj.pk)
        .order_by("-start_date", "-created_at", "-pk")
        .only("kind")
        .first()
    )
    if previous is not None and previous.kind == Placement.Kind.WITH_MOTHER:
        raise SeparationNotPlanned


# -- Helpers --------------------------------------------------------------------------------


def _held_on(placement: Placement) -> bool:
    """Whether the child's mother was still held on the day the new placement starts (a child
    leaving then leaves without her)."""
    day = placement.start_date
    return CustodyEpisode.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=day),
        mother__children=placement.child_id,
        admission_date__lte=day,
    ).exists()


def _names(data: Mapping[str, Any]) -> list[str]:
    return [k for k, v in data.items() if v not in (None, "", False, [])]


def _versioned(obj: M, changes: Mapping[str, Any], expected_version: int) -> tuple[M, list[str]]:
    """Write the fields that differ, only if nobody saved since `expected_version`."""
    model: Any = type(obj)
    current = model.objects.select_for_update(of=("self",)).get(pk=obj.pk)
    if current.version != expected_version:
        raise EditConflict(current)
    changed = [name for name, value in changes.items() if getattr(current, name) != value]
    if not changed:
        return current, []
    update: dict[str, Any] = {name: changes[name] for name in changed}
    update["version"] = F("version") + 1
    if model.objects.filter(pk=obj.pk, version=expected_version).update(**update) != 1:
        raise EditConflict(model.objects.get(pk=obj.pk))
    updated: M = model.objects.get(pk=obj.pk)
    return updated, changed


def current_plan(child: Child) -> TransitionPlan | None:
    """The child's newest plan."""
    return (
        TransitionPlan.objects.filter(child=child)
        .select_related("carer", "responsible")
        .order_by("-created_at", "-pk")
        .first()
    )


def current_determination(child: Child, on: dt.date) -> Determination | None:
    """The child's latest determination if it still counts (until its review date)."""
    return Determination.objects.filter(child=child, is_latest=True, review_on__gte=on).first()


def trigger_for(child: Child, today: dt.date) -> str:
    """Why a plan starts now: the stay limit near, or the mother's release expected soon."""
    episode = child.mother.latest_episode
    release = episode.expected_release_date if episode is not None and episode.is_open else None
    if release is not None and (release - today).days <= settings.KOMAR_TRANSITION_RELEASE_DAYS:
        return TransitionPlan.Trigger.RELEASE
    if child.days_left(today) <= settings.KOMAR_TRANSITION_PLAN_DAYS:
        return TransitionPlan.Trigger.STAY_LIMIT
    return TransitionPlan.Trigger.OTHER


# -- Carers ---------------------------------------------------------------------------------


@transaction.atomic
def do_add_carer(
    mother: Mother,
    data: Mapping[str, Any],
    children: Sequence[Child],
    *,
    actor: User,
    ip: str | None = None,
) -> Carer:
    if any(child.mother_id != mother.pk for child in children):
        raise InvalidAction("a carer is linked to the woman's own children")
    carer = Carer.objects.create(
        mother=mother, created_by=actor, **{k: data[k] for k in CARER_FIELDS if k in data}
    )
    carer.children.set(children)
    write_audit(
        actor=actor,
        action=Created,
        obj=carer,
        mother=mother,
        fields=[
            *_names({k: data.get(k) for k in CARER_FIELDS}),
            *(["children"] if children else []),
        ],
        ip=ip,
    )
    refresh_for(mother)
    return carer


@transaction.atomic
def do_change_carer(
    carer: Carer,
    data: Mapping[str, Any],
    children: Sequence[Child],
    *,
    expected_version: int,
    actor: User,
    ip: str | None = None,
) -> Carer:
    if any(child.mother_id != carer.mother_id for child in children):
        raise InvalidAction("a carer is linked to the woman's own children")
    changes = {k: data[k] for k in CARER_FIELDS if k in data}
    updated, changed = _versioned(carer, changes, expected_version)
    if {c.pk for c in updated.children.all()} != {c.pk for c in children}:
        updated.children.set(children)
        changed.append("children")
    if changed:
        write_audit(
            actor=actor, action=Changed, obj=updated, mother=carer.mother, fields=changed, ip=ip
        )
        refresh_for(carer.mother)
    return updated


@transaction.atomic
def do_assess_carer(
    carer: Carer, data: Mapping[str, Any], *, actor: User, ip: str | None = None
) -> CarerAssessment:
    """A case worker's assessment, sent to a supervisor at once."""
    carer = Carer.objects.select_for_update(of=("self",)).select_related("mother").get(pk=carer.pk)
    if data["assessed_on"] > timezone.localdate():
        raise InvalidAction("an assessment is not dated in the future")
    assessment = CarerAssessment.objects.create(
        carer=carer, assessor=actor, **{k: data[k] for k in ASSESSMENT_FIELDS if k in data}
    )
    carer.status = Carer.Status.SUBMITTED
    carer.save(update_fields=["status"])
    write_audit(
        actor=actor,
        action=Created,
        obj=assessment,
        mother=carer.mother,
        fields=_names({k: data.get(k) for k in ASSESSMENT_FIELDS}),
        ip=ip,
    )
    refresh_for(carer.mother)
    return assessment


def may_decide_assessment(actor: User, assessment: CarerAssessment) -> bool:
    """A supervisor of the woman's organisation who did not assess the carer herself."""
    return (
        assessment.status == CarerAssessment.Status.SUBMITTED
        and may_supervise(actor, assessment.carer.mother)
        and assessment.assessor_id != actor.pk
    )


@transaction.atomic
def do_decide_carer_assessment(
    assessment: CarerAssessment,
    *,
    approve: bool,
    comments: str,
    actor: User,
    ip: str | None = None,
) -> CarerAssessment:
    assessment = (
        CarerAssessment.objects.select_for_update(of=("self",))
        .select_related("carer__mother")
        .get(pk=assessment.pk)
    )
    if not may_decide_assessment(actor, assessment):
        raise PermissionDenied
    if approve and assessment.willingness == CarerAssessment.Willingness.NO:
        raise InvalidAction("a carer who is not willing cannot be approved")
    if not approve and not comments.strip():
        raise InvalidAction("returning an assessment says why")
    assessment.status = (
        CarerAssessment.Status.APPROVED if approve else CarerAssessment.Status.RETURNED
    )
    assessment.supervisor_comments = comments
    assessment.decided_by = actor
    assessment.decided_at = timezone.now()
    assessment.save(update_fields=["status", "supervisor_comments", "decided_by", "decided_at"])
    carer = assessment.carer
    carer.status = Carer.Status.APPROVED if approve else Carer.Status.RETURNED
    carer.save(update_fields=["status"])
    mother = carer.mother
    fields = ["status", "decided_by", "decided_at", *(["supervisor_comments"] if comments else [])]
    write_audit(actor=actor, action=Changed, obj=assessment, mother=mother, fields=fields, ip=ip)
    write_audit(actor=actor, action=Changed, obj=carer, mother=mother, fields=["status"], ip=ip)
    refresh_for(mother)
    return assessment


# -- Plans ----------------------------------------------------------------------------------


@transaction.atomic
def do_start_plan(
    child: Child, *, actor: User, today: dt.date, ip: str | None = None
) -> TransitionPlan:
    """A draft plan for a child inside (on first opening), unless one is open already."""
    child = (
        Child.objects.select_for_update(of=("self",))
        .select_related("mother__latest_episode")
        .get(pk=child.pk)
    )
    existing = current_plan(child)
    if existing is not None and existing.is_open:
        return existing
    if (
        not child.is_inside
        and not Separation.objects.filter(child=child, by_override=True).exists()
    ):
        raise InvalidAction(
            "a transition plan is for a child living inside, or separated by override"
        )
    plan = TransitionPlan.objects.create(
        child=child,
        mother=child.mother,
        trigger=trigger_for(child, today),
        created_by=actor,
        responsible=actor,
    )
    plan.authors.add(actor)
    write_audit(
        actor=actor,
        action=Created,
        obj=plan,
        mother=child.mother,
        fields=["trigger", "responsible"],
        ip=ip,
    )
    refresh_for(child.mother)
    return plan


def review_limit(today: dt.date) -> dt.date:
    return add_months(today, settings.KOMAR_TRANSITION_REVIEW_MONTHS)


def plan_problems(plan: TransitionPlan, today: dt.date) -> dict[str, str]:
    """What keeps a plan from being submitted or approved: {field: message}."""
    problems: dict[str, str] = {}
    if not plan.option:
        problems["option"] = gettext("Choose where the child will live.")
    elif plan.option == PlanOption.INSTITUTION:
        determination = current_determination(plan.child, today)
        if determination is None or determination.decision != CareOption.INSTITUTION:
            problems["option"] = gettext(
                "A residential institution can be chosen only once a formal best-interests "
                "determination has decided it (UN Alternative Care Guidelines paras. 21-22)."
            )
        if not plan.option_reason.strip():
            problems["option_reason"] = gettext("Say why no family-based care is possible.")
    elif plan.carer is None and not plan.option_reason.strip():
        problems["carer"] = gettext(
            "Choose an assessed and approved carer, or say why this family-based option is "
            "chosen without one."
        )
    if plan.carer is not None and not plan.carer.is_approved:
        problems["carer"] = gettext("Only a carer who is assessed and approved can be chosen.")
    if not plan.mothers_view.strip():
        problems["mothers_view"] = gettext("Write down the mother's view.")
    if not plan.goals.strip():
        problems["goals"] = gettext("Write down the goals and measures of the plan.")
    if plan.planned_on is None:
        problems["planned_on"] = gettext("Give the planned separation date.")
    if not plan.contact_plan.strip():
        problems["contact_plan"] = gettext("Plan the child's contact with her mother.")
    if plan.responsible_id is None:
        problems["responsible"] = gettext("Name the responsible worker.")
    if plan.review_on is None:
        problems["review_on"] = gettext("Give a review date.")
    elif plan.review_on > review_limit(today):
        problems["review_on"] = gettext(
            "The review date is at most three months ahead (UN Alternative Care Guidelines "
            "para. 67)."
        )
    elif plan.review_on < today:
        problems["review_on"] = gettext("The review date has passed: give a new one.")
    return problems


def validate_plan_data(plan: TransitionPlan, data: Mapping[str, Any], today: dt.date) -> None:
    carer = data.get("carer")
    if carer is not None and (carer.mother_id != plan.mother_id or not carer.is_approved):
        raise InvalidAction("only an assessed and approved carer of her file can be chosen")
    review_on = data.get("review_on")
    if review_on is not None and review_on > review_limit(today):
        raise InvalidAction("a review date at most three months ahead")
    planned_on = data.get("planned_on")
    if planned_on is not None and planned_on < plan.child.date_of_birth:
        raise InvalidAction("a separation before the child's birth")


@transaction.atomic
def do_change_plan(
    plan: TransitionPlan,
    data: Mapping[str, Any],
    *,
    expected_version: int,
    actor: User,
    ip: str | None = None,
) -> TransitionPlan:
    """Write the plan's content. A change to an approved plan sends it back to draft: a
    supervisor approves what is carried out."""
    if not plan.is_editable:
        raise InvalidAction("this plan can no longer be changed")
    validate_plan_data(plan, data, timezone.localdate())
    changes = {k: data[k] for k in PLAN_FIELDS if k in data}
    updated, changed = _versioned(plan, changes, expected_version)
    if not changed:
        return updated
    if updated.status == TransitionPlan.Status.APPROVED:
        TransitionPlan.objects.filter(pk=plan.pk).update(status=TransitionPlan.Status.DRAFT)
        updated.status = TransitionPlan.Status.DRAFT
        changed.append("status")
    updated.authors.add(actor)
    write_audit(actor=actor, action=Changed, obj=updated, mother=plan.mother, fields=changed, ip=ip)
    refresh_for(plan.mother)
    return updated


@transaction.atomic
def do_add_step(
    plan: TransitionPlan, data: Mapping[str, Any], *, actor: User, ip: str | None = None
) -> PreparationStep:
    if not plan.is_open:
        raise InvalidAction("the plan has been carried out")
    step = PreparationStep.objects.create(
        plan=plan, **{k: data[k] for k in STEP_FIELDS if k in data}
    )
    write_audit(
        actor=actor,
        action=Created,
        obj=step,
        mother=plan.mother,
        fields=_names({k: data.get(k) for k in STEP_FIELDS}),
        ip=ip,
    )
    return step


@transaction.atomic
def do_mark_step_done(
    step: PreparationStep, *, on: dt.date, actor: User, ip: str | None = None
) -> PreparationStep:
    step = (
        PreparationStep.objects.select_for_update(of=("self",))
        .select_related("plan__mother")
        .get(pk=step.pk)
    )
    if step.done_on is not None:
        raise InvalidAction("this step is done already")
    step.done_on = on
    step.save(update_fields=["done_on"])
    write_audit(
        actor=actor, action=Changed, obj=step, mother=step.plan.mother, fields=["done_on"], ip=ip
    )
    return step


def _locked_plan(plan: TransitionPlan) -> TransitionPlan:
    return (
        TransitionPlan.objects.select_for_update(of=("self",))
        .select_related("child__mother", "carer", "mother")
        .get(pk=plan.pk)
    )


@transaction.atomic
def do_submit_plan(plan: TransitionPlan, *, actor: User, ip: str | None = None) -> TransitionPlan:
    plan = _locked_plan(plan)
    if plan.status not in (TransitionPlan.Status.DRAFT, TransitionPlan.Status.RETURNED):
        raise InvalidAction("only a draft or returned plan is submitted")
    if plan_problems(plan, timezone.localdate()):
        raise InvalidAction("the plan is not complete")
    plan.status = TransitionPlan.Status.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.version += 1
    plan.save(update_fields=["status", "submitted_at", "version"])
    plan.authors.add(actor)
    write_audit(
        actor=actor,
        action=Changed,
        obj=plan,
        mother=plan.mother,
        fields=["status", "submitted_at"],
        ip=ip,
    )
    refresh_for(plan.mother)
    return plan


def may_decide_plan(actor: User, plan: TransitionPlan) -> bool:
    """A supervisor of the woman's organisation who did not write the plan herself."""
    return (
        plan.status == TransitionPlan.Status.SUBMITTED
        and may_supervise(actor, plan.mother)
        and not plan.authors.filter(pk=actor.pk).exists()
    )


@transaction.atomic
def do_decide_plan(
    plan: TransitionPlan, *, approve: bool, comments: str, actor: User, ip: str | None = None
) -> TransitionPlan:
    plan = _locked_plan(plan)
    if not may_decide_plan(actor, plan):
        raise PermissionDenied
    if approve:
        if plan_problems(plan, timezone.localdate()):
            raise InvalidAction("the plan is not complete")
        if plan.option == PlanOption.INSTITUTION:
            plan.determination = current_determination(plan.child, timezone.localdate())
    elif not comments.strip():
        raise InvalidAction("returning a plan says why")
    plan.status = TransitionPlan.Status.APPROVED if approve else TransitionPlan.Status.RETURNED
    plan.supervisor_comments = comments
    plan.decided_by = actor
    plan.decided_at = timezone.now()
    plan.version += 1
    plan.save(
        update_fields=[
            "status",
            "supervisor_comments",
            "decided_by",
            "decided_at",
            "determination",
            "version",
        ]
    )
    fields = ["status", "decided_by", "decided_at", *(["supervisor_comments"] if comments else [])]
    write_audit(actor=actor, action=Changed, obj=plan, mother=plan.mother, fields=fields, ip=ip)
    refresh_for(plan.mother)
    return plan


@transaction.atomic
def do_review_plan(
    plan: TransitionPlan,
    *,
    reviewed_on: dt.date,
    next_review_on: dt.date,
    actor: User,
    ip: str | None = None,
) -> TransitionPlan:
    """A review of a plan still to carry out: when, and the next review (≤ 3 months ahead)."""
    plan = _locked_plan(plan)
    if not plan.is_open:
        raise InvalidAction("the plan has been carried out")
    if reviewed_on > timezone.localdate():
        raise InvalidAction("a review is not dated in the future")
    if not reviewed_on < next_review_on <= review_limit(reviewed_on):
        raise InvalidAction("the next review is after this one and at most three months ahead")
    plan.reviewed_on = reviewed_on
    plan.review_on = next_review_on
    plan.version += 1
    plan.save(update_fields=["reviewed_on", "review_on", "version"])
    write_audit(
        actor=actor,
        action=Changed,
        obj=plan,
        mother=plan.mother,
        fields=["reviewed_on", "review_on"],
        ip=ip,
    )
    refresh_for(plan.mother)
    return plan


# -- The separation -------------------------------------------------------------------------


def separation_refusal(plan: TransitionPlan | None, today: dt.date) -> str | None:
    """Why a separation cannot be recorded without an override, or None when the plan allows it."""
    if plan is None or plan.status != TransitionPlan.Status.APPROVED:
        return gettext("There is no approved transition plan for this child.")
    if plan.carer is None or not plan.carer.is_approved:
        return gettext("The approved plan does not name a carer who is assessed and approved.")
    if plan.option == PlanOption.INSTITUTION:
        determination = current_determination(plan.child, today)
        if determination is None or determination.decision != CareOption.INSTITUTION:
            return gettext("No current formal determination decides a residential institution.")
    return None


@transaction.atomic
def do_record_separation(
    child: Child,
    *,
    separated_on: dt.date,
    notes: str = "",
    override_reason: str = "",
    kind: str = "",
    carer: Carer | None = None,
    carer_name: str = "",
    carer_relationship: str = "",
    carer_contact: str = "",
    actor: User,
    ip: str | None = None,
) -> Separation:
    """The child leaves her mother's facility: the placement the approved plan names, through
    the registry's action. Without such a plan (or its assessed carer), only a supervisor of the
    woman's organisation records it, with a written reason (an override, flagged until a plan is
    approved afterwards)."""
    child = (
        Child.objects.select_for_update(of=("self",))
        .select_related("mother", "current_placement")
        .get(pk=child.pk)
    )
    mother = child.mother
    if not child.is_inside:
        raise InvalidAction("the child does not live inside with her mother")
    today = timezone.localdate()
    if separated_on > today:
        raise InvalidAction("a separation is recorded once it happened")
    plan = current_plan(child)
    refusal = separation_refusal(plan, today)
    by_override = refusal is not None
    if by_override:
        if not (is_supervisor(actor) and may_supervise(actor, mother)):
            raise SeparationRefused(refusal or "")
        if not override_reason.strip():
            raise SeparationRefused(gettext("An override needs a written reason."))
        if kind not in PlanOption.values:
            raise SeparationRefused(gettext("Choose where the child now lives."))
        if carer is not None and carer.mother_id != mother.pk:
            raise InvalidAction("a carer of her own file")
    else:
        assert plan is not None
        kind = plan.option
        carer = plan.carer
    if carer is not None:
        carer_name = carer.display_name
        carer_relationship = carer.relationship
        carer_contact = carer.phone or carer.address
    placement_data = {
        "kind": kind,
        "carer_name": carer_name,
        "carer_relationship": carer_relationship,
        "carer_contact": carer_contact[:200],
        "start_date": separated_on,
        "notes": notes,
    }
    with _separating(child):
        placement = registry.do_move_child(child, placement_data, actor=actor, ip=ip)
    if carer is not None:
        link = PlacementCarer.objects.create(placement=placement, carer=carer)
        write_audit(
            actor=actor,
            action=Created,
            obj=link,
            mother=mother,
            fields=["placement", "carer"],
            ip=ip,
        )
    separation = Separation.objects.create(
        child=child,
        mother=mother,
        plan=plan,
        placement=placement,
        carer=carer,
        separated_on=separated_on,
        by_override=by_override,
        override_reason=override_reason if by_override else "",
        recorded_by=actor,
    )
    write_audit(
        actor=actor,
        action=Created,
        obj=separation,
        mother=mother,
        fields=[
            "separated_on",
            "placement",
            *(["by_override", "override_reason"] if by_override else []),
            *(["plan"] if plan else []),
            *(["carer"] if carer else []),
        ],
        ip=ip,
    )
    if plan is not None and not by_override:
        TransitionPlan.objects.filter(pk=plan.pk).update(
            status=TransitionPlan.Status.DONE, version=F("version") + 1
        )
        write_audit(actor=actor, action=Changed, obj=plan, mother=mother, fields=["status"], ip=ip)
    _schedule(separation, first_stage(), actor=actor, ip=ip)
    refresh_for(mother)
    return separation


@transaction.atomic
def do_record_notification(
    separation: Separation,
    *,
    to: str,
    sent_on: dt.date,
    actor: User,
    ip: str | None = None,
) -> Separation:
    """The date the letter to the district social welfare office (`dswo`) or the commune
    committee for women and children (`cccw`) was sent."""
    field = {"dswo": "dswo_notified_on", "cccw": "cccw_notified_on"}.get(to)
    if field is None:
        raise InvalidAction("the letter goes to the social welfare office or the commune committee")
    if sent_on < separation.separated_on - dt.timedelta(days=60) or sent_on > timezone.localdate():
        raise InvalidAction("the letter is sent around the separation, and not in the future")
    separation = (
        Separation.objects.select_for_update(of=("self",))
        .select_related("mother")
        .get(pk=separation.pk)
    )
    setattr(separation, field, sent_on)
    separation.save(update_fields=[field])
    write_audit(
        actor=actor, action=Changed, obj=separation, mother=separation.mother, fields=[field], ip=ip
    )
    return separation


# -- Follow-up ------------------------------------------------------------------------------


def stages() -> list[FollowUpStage]:
    return list(FollowUpStage.objects.order_by("order"))


def first_stage() -> FollowUpStage | None:
    return FollowUpStage.objects.order_by("order").first()


def next_stage(stage: FollowUpStage) -> FollowUpStage | None:
    return FollowUpStage.objects.filter(order__gt=stage.order).order_by("order").first()


def _schedule(
    separation: Separation,
    stage: FollowUpStage | None,
    *,
    actor: User,
    ip: str | None,
    due_on: dt.date | None = None,
) -> FollowUpVisit | None:
    if stage is None:
        return None
    visit = FollowUpVisit.objects.create(
        separation=separation,
        stage=stage,
        due_on=due_on or stage.due_after(separation.separated_on),
    )
    write_audit(
        actor=actor,
        action=Created,
        obj=visit,
        mother=separation.mother,
        fields=["stage", "due_on"],
        ip=ip,
    )
    return visit


@transaction.atomic
def do_record_visit(
    visit: FollowUpVisit,
    data: Mapping[str, Any],
    *,
    next_due_on: dt.date | None = None,
    actor: User,
    ip: str | None = None,
) -> FollowUpVisit | None:
    """Record a follow-up visit; the next one is scheduled (its date from the schedule unless
    the worker sets another). Returns the next visit, if any."""
    visit = (
        FollowUpVisit.objects.select_for_update(of=("self",))
        .select_related("separation__mother", "stage")
        .get(pk=visit.pk)
    )
    if visit.visited_on is not None:
        raise InvalidAction("this visit is recorded already")
    visited_on = data["visited_on"]
    if visited_on < visit.separation.separated_on or visited_on > timezone.localdate():
        raise InvalidAction("a visit after the separation, and not in the future")
    if next_due_on is not None and next_due_on <= visited_on:
        raise InvalidAction("the next visit comes after this one")
    for name in VISIT_FIELDS:
        if name in data:
            setattr(visit, name, data[name])
    visit.recorded_by = actor
    visit.save(update_fields=[*[n for n in VISIT_FIELDS if n in data], "recorded_by"])
    mother = visit.separation.mother
    write_audit(
        actor=actor,
        action=Changed,
        obj=visit,
        mother=mother,
        fields=_names({k: data.get(k) for k in VISIT_FIELDS}),
        ip=ip,
    )
    following = _schedule(
        visit.separation, next_stage(visit.stage), actor=actor, ip=ip, due_on=next_due_on
    )
    refresh_for(mother)
    return following


# -- Reintegration --------------------------------------------------------------------------


@transaction.atomic
def do_record_reintegration(
    child: Child, data: Mapping[str, Any], *, actor: User, ip: str | None = None
) -> Reintegration:
    mother = child.mother
    episode = mother.latest_episode
    if episode is not None and episode.is_open and episode.expected_release_date is None:
        raise InvalidAction("a reintegration plan is made for the mother's release")
    if child.is_inside:
        raise InvalidAction("the child lives inside with her mother")
    if data["decided_on"] > timezone.localdate():
        raise InvalidAction("not in the future")
    fields = ("decided_on", "option", "notes", "closure_criteria")
    row = Reintegration.objects.create(
        child=child, mother=mother, recorded_by=actor, **{k: data[k] for k in fields}
    )
    write_audit(
        actor=actor,
        action=Created,
        obj=row,
        mother=mother,
        fields=_names({k: data.get(k) for k in fields}),
        ip=ip,
    )
    return row
