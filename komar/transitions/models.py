"""The transitions workflow's records: the people who may care for a child once she leaves her
mother's facility and their assessment, the written transition plan, the separation itself, the
follow-up visits after it, and the reintegration plan when the mother is released.

A carer belongs to the woman's file (her scope is the file's scope) and is linked to the
children she may care for. The registry's `Placement` keeps the carer's name as typed; a
`PlacementCarer` row (ours: the registry knows nothing of this app) links a placement to the
carer it was made with.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from komar.assessments.models import Determination
from komar.cases.models import Child, Mother, Placement
from komar.facilities.models import Province
from komar.lib.dates import add_months
from komar.lib.urls import link


class SupportNeed(models.TextChoices):
    CASH = "cash", _("Cash support")
    FOOD = "food", _("Food")
    SCHOOL_FEES = "school_fees", _("School fees")
    TRANSPORT = "transport", _("Transport for visits to the prison")
    BIRTH_REGISTRATION = "birth_registration", _("Birth registration")


class Carer(models.Model):
    """A person who may care for one or more of a woman's children outside the facility."""

    class Status(models.TextChoices):
        NOT_ASSESSED = "not_assessed", _("Not assessed yet")
        SUBMITTED = "submitted", _("Assessed, awaiting a supervisor")
        APPROVED = "approved", _("Assessed and approved")
        RETURNED = "returned", _("Assessment returned")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mother = models.ForeignKey(
        Mother, on_delete=models.PROTECT, related_name="carers", verbose_name=_("woman")
    )
    children = models.ManyToManyField(
        Child, related_name="carers", blank=True, verbose_name=_("children she may care for")
    )
    name_km = models.CharField(_("name in Khmer script"), max_length=150, blank=True)
    name_latin = models.CharField(_("name in Latin letters"), max_length=150, blank=True)
    relationship = models.CharField(_("relationship to the child"), max_length=100)
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province"),
    )
    district = models.CharField(_("district"), max_length=100, blank=True)
    commune = models.CharField(_("commune"), max_length=100, blank=True)
    village = models.CharField(_("village"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    household = models.TextField(_("household members"), blank=True)
    livelihood = models.TextField(_("livelihood and income"), blank=True)
    health = models.TextField(_("health"), blank=True)
    # The carer the mother named, to be called if a separation happens suddenly.
    is_emergency_carer = models.BooleanField(
        _("emergency carer nominated by the mother"), default=False
    )
    status = models.CharField(
        _("assessment"), max_length=20, choices=Status.choices, default=Status.NOT_ASSESSED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("carer")
        verbose_name_plural = _("carers")

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return link("transitions:carer_detail", self.code)

    @property
    def display_name(self) -> str:
        if get_language() == "km":
            return self.name_km or self.name_latin
        return self.name_latin or self.name_km

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def address(self) -> str:
        parts = [self.village, self.commune, self.district, str(self.province or "")]
        return ", ".join(p for p in parts if p)


class CarerAssessment(models.Model):
    """An assessment of a carer by a case worker, approved or returned by a supervisor."""

    class Willingness(models.TextChoices):
        YES = "yes", _("Yes")
        CONDITIONS = "conditions", _("Yes, with conditions")
        NO = "no", _("No")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting a supervisor")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned with comments")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    carer = models.ForeignKey(Carer, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField(_("date of the assessment"))
    willingness = models.CharField(
        _("willing to care for the child"), max_length=20, choices=Willingness.choices
    )
    conditions = models.TextField(_("conditions"), blank=True)
    prior_care = models.TextField(_("care of children before"), blank=True)
    violence = models.BooleanField(_("violence in the household"), default=False)
    substance_use = models.BooleanField(_("alcohol or drug misuse"), default=False)
    protection_concerns = models.BooleanField(_("child-protection concerns"), default=False)
    safety_notes = models.TextField(_("safety checks: what was found"), blank=True)
    home_visit_on = models.DateField(_("home visit on"), null=True, blank=True)
    home_visit_findings = models.TextField(_("home visit findings"), blank=True)
    support_needs = models.JSONField(_("support needed"), default=list, blank=True)
    distance_km = models.PositiveIntegerField(
        _("distance to the prison, km"), null=True, blank=True
    )
    visit_cost_riel = models.PositiveIntegerField(
        _("cost of one visit to the prison, riel"), null=True, blank=True
    )
    village_chief = models.CharField(_("village chief"), max_length=150, blank=True)
    commune_chief = models.CharField(_("commune chief"), max_length=150, blank=True)
    cccw_contact = models.CharField(
        _("commune committee for women and children"), max_length=150, blank=True
    )
    dswo_contact = models.CharField(_("district social welfare office"), max_length=150, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    supervisor_comments = models.TextField(_("supervisor's comments"), blank=True)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-assessed_on", "-created_at"]
        verbose_name = _("carer assessment")
        verbose_name_plural = _("carer assessments")
        indexes = [
            # "My work": carer assessments awaiting a supervisor.
            models.Index(fields=["status", "created_at"], name="carer_assessment_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.carer} {self.assessed_on:%Y-%m-%d}"

    @property
    def has_safety_concern(self) -> bool:
        return self.violence or self.substance_use or self.protection_concerns

    def support_needs_display(self) -> list[str]:
        labels = dict(SupportNeed.choices)
        return [str(labels.get(code, code)) for code in self.support_needs]


# The care a plan may choose: family-based first, an institution as the last resort.
class PlanOption(models.TextChoices):
    FATHER = Placement.Kind.FATHER.value, _("With the father")
    RELATIVE = Placement.Kind.RELATIVE.value, _("With a relative")
    OTHER_FAMILY = Placement.Kind.OTHER_FAMILY.value, _("Other family-based care")
    FOSTER = Placement.Kind.FOSTER.value, _("Foster care")
    PAGODA = Placement.Kind.PAGODA.value, _("Pagoda-based care")
    INSTITUTION = Placement.Kind.INSTITUTION.value, _("Residential care institution (last resort)")


class TransitionPlan(models.Model):
    """The written plan for a child's leaving her mother's facility (Bangkok Rule 52; UN
    Alternative Care Guidelines paras. 50, 63-67)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting a supervisor")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned with comments")
        DONE = "done", _("Carried out")

    class Trigger(models.TextChoices):
        STAY_LIMIT = "stay_limit", _("The stay limit is near")
        RELEASE = "release", _("The mother's release is expected")
        OTHER = "other", _("Other")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="transition_plans", verbose_name=_("child")
    )
    mother = models.ForeignKey(Mother, on_delete=models.PROTECT, related_name="transition_plans")
    trigger = models.CharField(_("why the plan started"), max_length=20, choices=Trigger.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    option = models.CharField(
        _("where the child will live"), max_length=20, choices=PlanOption.choices, blank=True
    )
    carer = models.ForeignKey(
        Carer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("carer"),
    )
    option_reason = models.TextField(
        _("why this option (when no assessed carer is named)"), blank=True
    )
    determination = models.ForeignKey(
        Determination,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    mothers_view = models.TextField(_("the mother's view"), blank=True)
    childs_view = models.TextField(_("the child's view, as her age allows"), blank=True)
    goals = models.TextField(_("goals and measures"), blank=True)
    planned_on = models.DateField(_("planned separation date"), null=True, blank=True)
    contact_plan = models.TextField(
        _("contact with the mother after separation: visits and calls"), blank=True
    )
    transport_paid_by = models.CharField(
        _("who pays transport for visits"), max_length=150, blank=True
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible worker"),
    )
    review_on = models.DateField(_("review date"), null=True, blank=True)
    reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True, editable=False)
    supervisor_comments = models.TextField(_("supervisor's comments"), blank=True)
    authors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("transition plan")
        verbose_name_plural = _("transition plans")
        indexes = [
            # "My work": plans by status (to approve, to review) in the user's scope.
            models.Index(fields=["status", "review_on"], name="plan_status_review_idx"),
        ]

    def __str__(self) -> str:
        return str(_("Transition plan"))

    def get_absolute_url(self) -> str:
        return link("transitions:plan_detail", self.code)

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED, self.Status.APPROVED)

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.DONE

    @property
    def names_approved_carer(self) -> bool:
        return self.carer is not None and self.carer.is_approved


class PreparationStep(models.Model):
    """One step that prepares the child and the carer, with its date and who does it."""

    class Kind(models.TextChoices):
        CARER_VISITS = "carer_visits", _("The carer visits the child in prison")
        OUTINGS = "outings", _("Outings of the child with the carer")
        DOCUMENTS = "documents", _("Handover of the birth certificate and health record")
        EARLY_EDUCATION = "early_education", _("Enrolment in early education")
        OTHER = "other", _("Other")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(TransitionPlan, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(_("step"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("what is done"), blank=True)
    due_on = models.DateField(_("by"))
    responsible = models.CharField(_("who is responsible"), max_length=150)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["due_on", "created_at"]
        verbose_name = _("preparation step")
        verbose_name_plural = _("preparation steps")

    def __str__(self) -> str:
        return str(self.get_kind_display())


class Separation(models.Model):
    """The day a child left her mother's facility without her, and how it was decided."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="separations")
    mother = models.ForeignKey(Mother, on_delete=models.PROTECT, related_name="separations")
    plan = models.ForeignKey(
        TransitionPlan, on_delete=models.PROTECT, null=True, blank=True, related_name="separations"
    )
    placement = models.OneToOneField(Placement, on_delete=models.PROTECT, related_name="+")
    carer = models.ForeignKey(
        Carer, on_delete=models.PROTECT, null=True, blank=True, related_name="separations"
    )
    separated_on = models.DateField(_("date of separation"))
    by_override = models.BooleanField(_("recorded by a supervisor's override"), default=False)
    override_reason = models.TextField(_("why the override"), blank=True)
    dswo_notified_on = models.DateField(
        _("letter sent to the district social welfare office on"), null=True, blank=True
    )
    cccw_notified_on = models.DateField(
        _("letter sent to the commune committee for women and children on"),
        null=True,
        blank=True,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-separated_on", "-created_at"]
        verbose_name = _("separation")
        verbose_name_plural = _("separations")

    def __str__(self) -> str:
        return f"{self.separated_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return link("transitions:separation_detail", self.code)


class FollowUpStage(models.Model):
    """Reference data: when a follow-up visit falls after a separation (2 weeks, 1, 3, 6 and 12
    months), seeded by a migration."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    months = models.PositiveSmallIntegerField(_("months after the separation"), default=0)
    days = models.PositiveSmallIntegerField(_("and days"), default=0)
    label_en = models.CharField(_("label (English)"), max_length=60)
    label_km = models.CharField(_("label (Khmer)"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), unique=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("follow-up stage")
        verbose_name_plural = _("follow-up stages")

    def __str__(self) -> str:
        return self.label_km if get_language() == "km" else self.label_en

    def due_after(self, separated_on: dt.date) -> dt.date:
        return add_months(separated_on, self.months) + dt.timedelta(days=self.days)


class FollowUpVisit(models.Model):
    """A visit to the child and her carer after the separation; recording one schedules the
    next."""

    class Education(models.TextChoices):
        SCHOOL = "school", _("Enrolled in school")
        EARLY = "early", _("Enrolled in early education")
        NOT_ENROLLED = "not_enrolled", _("Not enrolled")
        TOO_YOUNG = "too_young", _("Too young")

    class Stability(models.TextChoices):
        STABLE = "stable", _("Stable")
        AT_RISK = "at_risk", _("At risk")
        BROKEN_DOWN = "broken_down", _("Broken down")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    separation = models.ForeignKey(Separation, on_delete=models.PROTECT, related_name="visits")
    stage = models.ForeignKey(FollowUpStage, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("due on"))
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    wellbeing = models.TextField(_("the child's wellbeing"), blank=True)
    health_growth = models.TextField(_("health and growth"), blank=True)
    weight_kg = models.DecimalField(
        _("weight, kg"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    height_cm = models.DecimalField(
        _("height, cm"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    education = models.CharField(
        _("school or early education"), max_length=20, choices=Education.choices, blank=True
    )
    carer_coping = models.TextField(_("how the carer copes, and her needs"), blank=True)
    support_given = models.TextField(_("support given"), blank=True)
    contact_with_mother = models.TextField(_("contact with the mother since last time"), blank=True)
    protection_concerns = models.TextField(_("protection concerns"), blank=True)
    stability = models.CharField(
        _("placement stability"), max_length=20, choices=Stability.choices, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        indexes = [
            # "My work" and the overdue rule: visits not yet made, by due date.
            models.Index(
                fields=["due_on"], condition=models.Q(visited_on=None), name="visit_due_idx"
            ),
        ]

    def __str__(self) -> str:
        return str(self.stage)

    def get_absolute_url(self) -> str:
        return link("transitions:visit_record", self.code)


class PlacementCarer(models.Model):
    """The carer a registry placement was made with (where one is known)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    placement = models.OneToOneField(Placement, on_delete=models.PROTECT, related_name="carer_link")
    carer = models.ForeignKey(Carer, on_delete=models.PROTECT, related_name="placement_links")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self) -> str:
        return str(self.carer)


class Reintegration(models.Model):
    """On the mother's release: what is planned for one of her children who lives outside, and
    when the case may close (UN Alternative Care Guidelines paras. 49-51)."""

    class Option(models.TextChoices):
        REUNITE = "reunite", _("Reunite with the mother")
        STAY = "stay", _("Stay with the carer")
        OTHER = "other", _("Other")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="reintegrations")
    mother = models.ForeignKey(Mother, on_delete=models.PROTECT, related_name="reintegrations")
    decided_on = models.DateField(_("date"))
    option = models.CharField(_("plan"), max_length=20, choices=Option.choices)
    notes = models.TextField(_("steps and support"), blank=True)
    closure_criteria = models.TextField(_("when the case may close"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-decided_on", "-created_at"]
        verbose_name = _("reintegration plan")
        verbose_name_plural = _("reintegration plans")

    def __str__(self) -> str:
        return str(self.get_option_display())
