"""The health workflow's records: a child's measurements (with their WHO z-scores, stored when
the measurement is saved), the immunisations she was given against the national schedule
(reference data an administrator edits), the motor milestones she achieved, her illnesses,
referrals and hospital stays, and the health check at her admission.

Every record is about one child, corrected with optimistic locking (`version`), and reached in
a URL by its random `code` only.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from komar.cases.models import Child

# WHO Multicentre Growth Reference Study: windows of achievement of six gross motor milestones,
# the 1st to the 99th percentile, in months (WHO Motor Development Study, Acta Paediatrica 2006,
# Suppl 450: 86-95, https://pubmed.ncbi.nlm.nih.gov/16817682/).
MILESTONE_WINDOWS: dict[str, tuple[float, float]] = {
    "sitting": (3.8, 9.2),
    "standing_assisted": (4.8, 11.4),
    "crawling": (5.2, 13.5),
    "walking_assisted": (5.9, 13.7),
    "standing_alone": (6.9, 16.9),
    "walking_alone": (8.2, 17.6),
}


class MilestoneKind(models.TextChoices):
    SITTING = "sitting", _("Sitting without support")
    STANDING_ASSISTED = "standing_assisted", _("Standing with assistance")
    CRAWLING = "crawling", _("Hands-and-knees crawling")
    WALKING_ASSISTED = "walking_assisted", _("Walking with assistance")
    STANDING_ALONE = "standing_alone", _("Standing alone")
    WALKING_ALONE = "walking_alone", _("Walking alone")


class Vaccine(models.Model):
    """A vaccine of the national immunisation programme (reference data)."""

    slug = models.SlugField(_("code"), max_length=30, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_km = models.CharField(_("name (Khmer)"), max_length=100)
    protects_against = models.CharField(_("protects against"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("vaccine")
        verbose_name_plural = _("vaccines")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_km if get_language() == "km" and self.name_km else self.name_en


class ScheduleDose(models.Model):
    """One dose of the national schedule: the vaccine, which dose, and the recommended age.
    A dose not given `overdue_after_days` after its recommended age is overdue."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    vaccine = models.ForeignKey(
        Vaccine, on_delete=models.PROTECT, related_name="doses", verbose_name=_("vaccine")
    )
    dose_number = models.PositiveSmallIntegerField(_("dose"), default=1)
    label_en = models.CharField(_("label (English)"), max_length=60)
    label_km = models.CharField(_("label (Khmer)"), max_length=60)
    age_days = models.PositiveSmallIntegerField(
        _("recommended age in days"), help_text=_("For example 42 for 6 weeks, 274 for 9 months.")
    )
    overdue_after_days = models.PositiveSmallIntegerField(
        _("overdue after (days past the recommended age)"), default=28
    )
    is_active = models.BooleanField(_("active"), default=True)
    source = models.TextField(_("source"), blank=True)

    class Meta:
        ordering = ["age_days", "vaccine__order", "dose_number"]
        verbose_name = _("dose of the schedule")
        verbose_name_plural = _("doses of the schedule")
        constraints = [
            models.UniqueConstraint(fields=["vaccine", "dose_number"], name="dose_per_vaccine")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_km if get_language() == "km" and self.label_km else self.label_en

    def due_on(self, born: dt.date) -> dt.date:
        return born + dt.timedelta(days=self.age_days)

    def overdue_from(self, born: dt.date) -> dt.date:
        """The first day on which the dose, not given, is overdue."""
        return born + dt.timedelta(days=self.age_days + self.overdue_after_days + 1)


class _ChildRecord(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="+", verbose_name=_("child")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True


class Measurement(_ChildRecord):
    """One measurement of a child. Its WHO z-scores are computed by the action that saves it
    (`growth.compute`) and stored, so lists and indicators read them without recomputing."""

    class Position(models.TextChoices):
        LYING = "lying", _("Lying down (length)")
        STANDING = "standing", _("Standing (height)")

    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="measurements", verbose_name=_("child")
    )
    measured_on = models.DateField(_("date measured"))
    weight_kg = models.DecimalField(
        _("weight (kg)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    length_cm = models.DecimalField(
        _("length or height (cm)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    position = models.CharField(_("measured"), max_length=10, choices=Position.choices, blank=True)
    head_cm = models.DecimalField(
        _("head circumference (cm)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    muac_mm = models.PositiveSmallIntegerField(
        _("mid-upper arm circumference, MUAC (mm)"), null=True, blank=True
    )
    oedema = models.BooleanField(_("oedema of both feet"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    # Derived by the action from the above and the child's sex and date of birth.
    age_days = models.PositiveIntegerField(default=0, editable=False)
    z_wfa = models.FloatField(null=True, editable=False)
    z_lhfa = models.FloatField(null=True, editable=False)
    z_wflh = models.FloatField(null=True, editable=False)
    z_bmi = models.FloatField(null=True, editable=False)
    z_hcfa = models.FloatField(null=True, editable=False)
    implausible = models.JSONField(default=list, editable=False)  # WHO flags: indicator codes
    # The lowest plausible z-score of the five (None: none computed), for the indicators.
    lowest_z = models.FloatField(null=True, editable=False)

    class Meta:
        ordering = ["-measured_on", "-created_at"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        indexes = [
            # A child's measurements, latest first (her page, the rules, the indicators).
            models.Index(fields=["child", "-measured_on"], name="measurement_child_idx"),
        ]

    def __str__(self) -> str:
        return str(self.measured_on)

    def get_absolute_url(self) -> str:
        from komar.lib.urls import link

        return link("health:measurement_edit", self.code)

    @property
    def age_months(self) -> float:
        return self.age_days / 30.4375

    def z(self, indicator: str) -> float | None:
        value: float | None = getattr(self, f"z_{indicator}")
        return value


class Immunisation(_ChildRecord):
    """A dose of the schedule given to a child."""

    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="immunisations", verbose_name=_("child")
    )
    dose = models.ForeignKey(
        ScheduleDose, on_delete=models.PROTECT, related_name="+", verbose_name=_("dose")
    )
    given_on = models.DateField(_("given on"))
    place = models.CharField(_("where"), max_length=150, blank=True)
    # True when the date was copied from the child's card or told, not seen given.
    from_card = models.BooleanField(_("copied from her vaccination card"), default=False)

    class Meta:
        ordering = ["given_on", "created_at"]
        verbose_name = _("immunisation")
        verbose_name_plural = _("immunisations")
        constraints = [
            models.UniqueConstraint(fields=["child", "dose"], name="immunisation_once_per_dose")
        ]

    def __str__(self) -> str:
        return f"{self.dose} {self.given_on}"


class Milestone(_ChildRecord):
    """A motor milestone a child achieved (WHO's six), and when."""

    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="milestones", verbose_name=_("child")
    )
    kind = models.CharField(_("milestone"), max_length=20, choices=MilestoneKind.choices)
    achieved_on = models.DateField(_("achieved on"))

    class Meta:
        ordering = ["achieved_on", "created_at"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(fields=["child", "kind"], name="milestone_once_per_kind")
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class HealthEvent(_ChildRecord):
    """An illness, a referral to a health service, or a hospital stay."""

    class Kind(models.TextChoices):
        ILLNESS = "illness", _("Illness")
        REFERRAL = "referral", _("Referral to a health service")
        HOSPITAL = "hospital", _("Hospital stay")

    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="health_events", verbose_name=_("child")
    )
    kind = models.CharField(_("what"), max_length=10, choices=Kind.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    place = models.CharField(_("health service or hospital"), max_length=150, blank=True)
    description = models.TextField(_("what happened, treatment"))

    class Meta:
        ordering = ["-started_on", "-created_at"]
        verbose_name = _("illness, referral or hospital stay")
        verbose_name_plural = _("illnesses, referrals and hospital stays")

    def __str__(self) -> str:
        return str(self.get_kind_display())


class HealthCheck(_ChildRecord):
    """The health check of a child when she comes into the facility (Nelson Mandela Rule
    29(1)(b): screening on admission)."""

    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="health_checks", verbose_name=_("child")
    )
    checked_on = models.DateField(_("date of the check"))
    examiner = models.CharField(_("examined by (name, role)"), max_length=150, blank=True)
    findings = models.TextField(_("findings"))
    needs_follow_up = models.BooleanField(_("needs follow-up"), default=False)

    class Meta:
        ordering = ["-checked_on", "-created_at"]
        verbose_name = _("health check at admission")
        verbose_name_plural = _("health checks at admission")
        indexes = [
            # A child's checks, in date order (her page, and the rules' facts).
            models.Index(fields=["child", "checked_on"], name="healthcheck_child_idx"),
        ]

    def __str__(self) -> str:
        return str(self.checked_on)
