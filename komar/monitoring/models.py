"""The monitoring workflow's records: the child-friendly space's daily register, each facility's
monthly snapshot, and the Bangkok Rules checklist (its indicators are reference data)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from komar.cases.models import Child
from komar.facilities.models import Facility


class Register(models.Model):
    """One day's attendance at a facility's child-friendly space (one per facility and day)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="+", verbose_name=_("facility")
    )
    on = models.DateField(_("day"))
    version = models.PositiveIntegerField(default=1, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-on"]
        verbose_name = _("attendance register")
        verbose_name_plural = _("attendance registers")
        constraints = [
            # One register per facility and day; also serves "the month's registers".
            models.UniqueConstraint(fields=["facility", "on"], name="register_facility_on_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.facility} {self.on}"


class Attendance(models.Model):
    """A child who came to the child-friendly space that day, and for how long."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    register = models.ForeignKey(
        Register, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("register")
    )
    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="+", verbose_name=_("child")
    )
    hours = models.DecimalField(_("hours"), max_digits=3, decimal_places=1)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["register", "child"], name="attendance_child_uniq")
        ]
        indexes = [
            # A child's monthly attendance (the child's own rows across registers).
            models.Index(fields=["child", "register"], name="attendance_child_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.child_id} {self.hours}"


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COMPLETED = "completed", _("Completed")


# The registry's counts frozen on a snapshot, in the order shown (the field, its label).
COUNT_FIELDS: tuple[tuple[str, Any], ...] = (
    ("women", _("Women held")),
    ("pregnant", _("Pregnant women")),
    ("pre_trial", _("Women in pre-trial detention")),
    ("without_lawyer", _("Women without a lawyer")),
    ("children_inside", _("Children inside")),
    ("age_0_11", _("Children aged 0 to 11 months")),
    ("age_12_23", _("Children aged 12 to 23 months")),
    ("age_24_35", _("Children aged 24 to 35 months")),
    ("age_36_plus", _("Children aged 36 months or more")),
    ("born_inside", _("Children born inside")),
    ("near_limit", _("Children near the stay limit")),
    ("over_limit", _("Children over the stay limit")),
    ("admissions", _("Women admitted in the month")),
    ("releases", _("Women released in the month")),
    ("births_inside", _("Births in custody in the month")),
    ("separations", _("Children who left without their mother in the month")),
    ("placed_in_institution", _("Children placed in an institution in the month")),
)
AGE_BAND_FIELDS = {
    "0-11": "age_0_11",
    "12-23": "age_12_23",
    "24-35": "age_24_35",
    "36+": "age_36_plus",
}


class Snapshot(models.Model):
    """One facility's month: the registry's counts, frozen when the monitor completes it, and
    what she recorded of the conditions."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="+", verbose_name=_("facility")
    )
    month = models.DateField(_("month"))  # its first day
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    # What the monitor records.
    food_allowance_riel = models.PositiveIntegerField(
        _("food allowance per child per day (riel)"), null=True, blank=True
    )
    space_m2_per_child = models.DecimalField(
        _("space per child (m²)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    space_description = models.TextField(_("the space, in words"), blank=True)
    health_services = models.TextField(_("health services for children"), blank=True)
    outdoor_minutes = models.PositiveSmallIntegerField(
        _("time outdoors per day (minutes)"), null=True, blank=True
    )
    visits_policy = models.TextField(_("visits policy"), blank=True)
    cfs_open_days = models.PositiveSmallIntegerField(
        _("days the child-friendly space was open"), null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    # The registry's counts, empty until completed (then frozen).
    women = models.PositiveIntegerField(null=True, editable=False)
    pregnant = models.PositiveIntegerField(null=True, editable=False)
    pre_trial = models.PositiveIntegerField(null=True, editable=False)
    without_lawyer = models.PositiveIntegerField(null=True, editable=False)
    children_inside = models.PositiveIntegerField(null=True, editable=False)
    age_0_11 = models.PositiveIntegerField(null=True, editable=False)
    age_12_23 = models.PositiveIntegerField(null=True, editable=False)
    age_24_35 = models.PositiveIntegerField(null=True, editable=False)
    age_36_plus = models.PositiveIntegerField(null=True, editable=False)
    born_inside = models.PositiveIntegerField(null=True, editable=False)
    near_limit = models.PositiveIntegerField(null=True, editable=False)
    over_limit = models.PositiveIntegerField(null=True, editable=False)
    admissions = models.PositiveIntegerField(null=True, editable=False)
    releases = models.PositiveIntegerField(null=True, editable=False)
    births_inside = models.PositiveIntegerField(null=True, editable=False)
    separations = models.PositiveIntegerField(null=True, editable=False)
    placed_in_institution = models.PositiveIntegerField(null=True, editable=False)
    counted_on = models.DateField(null=True, editable=False)  # the day the counts stand for

    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
    )
    completed_at = models.DateTimeField(null=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    RECORDED_FIELDS = (
        "food_allowance_riel",
        "space_m2_per_child",
        "space_description",
        "health_services",
        "outdoor_minutes",
        "visits_policy",
        "cfs_open_days",
        "notes",
    )

    class Meta:
        ordering = ["-month"]
        verbose_name = _("monthly snapshot")
        verbose_name_plural = _("monthly snapshots")
        constraints = [
            # One per facility and month; also serves a facility's snapshots, newest first.
            models.UniqueConstraint(fields=["facility", "month"], name="snapshot_facility_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.facility} {self.month:%Y-%m}"

    @property
    def is_completed(self) -> bool:
        return self.status == Status.COMPLETED

    @property
    def last_day(self) -> dt.date:
        return next_month(self.month) - dt.timedelta(days=1)

    def counts(self) -> list[tuple[str, int | None]]:
        return [(label, getattr(self, name)) for name, label in COUNT_FIELDS]


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def previous_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


class Indicator(models.Model):
    """One line of the checklist, drawn from a rule (reference data, edited in the admin)."""

    class Topic(models.TextChoices):
        ADMISSION = "admission", _("Record-keeping at admission")
        HEALTH = "health", _("Children's health care")
        ENVIRONMENT = "environment", _("A child-friendly environment")
        FAMILY = "family", _("Contact with family")
        SEPARATION = "separation", _("Preparation for separation")

    key = models.SlugField(_("key"), max_length=40, unique=True)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    rule = models.CharField(_("rule cited"), max_length=80)
    text_en = models.TextField(_("indicator (English)"))
    text_km = models.TextField(_("indicator (Khmer)"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "key"]
        verbose_name = _("checklist indicator")
        verbose_name_plural = _("checklist indicators")

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return self.text_km if get_language() == "km" else self.text_en


class Checklist(models.Model):
    """The Bangkok Rules checklist of one facility for one period (a quarter)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="+", verbose_name=_("facility")
    )
    period = models.DateField(_("quarter"))  # the quarter's first day
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
    )
    completed_at = models.DateTimeField(null=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-period"]
        verbose_name = _("Bangkok Rules checklist")
        verbose_name_plural = _("Bangkok Rules checklists")
        constraints = [
            # One per facility and quarter; also serves a facility's checklists, newest first.
            models.UniqueConstraint(fields=["facility", "period"], name="checklist_period_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.facility} {self.period_label}"

    @property
    def is_completed(self) -> bool:
        return self.status == Status.COMPLETED

    @property
    def period_label(self) -> str:
        return quarter_label(self.period)


def quarter_of(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_label(start: dt.date) -> str:
    return f"{start.year} Q{(start.month - 1) // 3 + 1}"


def previous_quarter(start: dt.date) -> dt.date:
    return quarter_of(start.replace(day=1) - dt.timedelta(days=1))


class Score(models.Model):
    """How the facility meets one indicator in the period, with the evidence."""

    class Value(models.TextChoices):
        MET = "met", _("Met")
        PARTLY = "partly", _("Partly met")
        NOT_MET = "not_met", _("Not met")
        NOT_ASSESSED = "not_assessed", _("Not assessed")

    checklist = models.ForeignKey(
        Checklist, on_delete=models.CASCADE, related_name="scores", verbose_name=_("checklist")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator")
    )
    value = models.CharField(
        _("score"), max_length=15, choices=Value.choices, default=Value.NOT_ASSESSED
    )
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        ordering = ["indicator__order", "indicator__key"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["checklist", "indicator"], name="score_indicator_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.value}"
