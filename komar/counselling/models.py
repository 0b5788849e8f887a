from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from komar.cases.models import Child, Mother
from komar.facilities.models import Facility


class CareOption(models.TextChoices):
    """Where a child may live, family-based first; an institution is the last resort."""

    WITH_MOTHER = "with_mother", _("Stays with the mother in the facility")
    FATHER = "father", _("With the father")
    RELATIVE = "relative", _("With a named relative")
    OTHER_FAMILY = "other_family", _("Other family-based care")
    FOSTER = "foster", _("Foster care")
    PAGODA = "pagoda", _("Pagoda-based care")
    INSTITUTION = "institution", _("Residential care institution (last resort)")


class Factor(models.Model):
    """Reference data: a reason behind a mother's decision. Codes never change; retire instead."""

    class Group(models.TextChoices):
        PERSONAL = "personal", _("Personal")
        EXTERNAL = "external", _("External")

    code = models.CharField(_("code"), max_length=40, unique=True)
    group = models.CharField(_("group"), max_length=10, choices=Group.choices)
    label_en = models.CharField(_("label (English)"), max_length=250)
    label_km = models.CharField(_("label (Khmer)"), max_length=250)
    evidence = models.URLField(_("evidence"), max_length=500, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["group", "order", "code"]
        verbose_name = _("decision factor")
        verbose_name_plural = _("decision factors")

    def __str__(self) -> str:
        return self.label_km if get_language() == "km" else self.label_en


class Stage(models.TextChoices):
    AT_ARREST = "at_arrest", _("At arrest")
    PRE_TRIAL = "pre_trial", _("Pre-trial")
    AT_ADMISSION = "at_admission", _("At admission")
    IN_CUSTODY = "in_custody", _("In custody")
    APPROACHING_LIMIT = "approaching_limit", _("Approaching the stay limit")
    BEFORE_RELEASE = "before_release", _("Before release")


class Topic(models.TextChoices):
    """Information given to the mother; the facility facts come from the facility record."""

    FACILITY_CONDITIONS = "facility_conditions", _("The real conditions of this facility")
    FOOD_ALLOWANCE = "food_allowance", _("Food allowance per child per day")
    CHILD_FRIENDLY_SPACE = "child_friendly_space", _("Child-friendly space")
    HEALTH_CARE = "health_care", _("Health care for children")
    SPACE = "space", _("Living space")
    OUTDOOR_TIME = "outdoor_time", _("Time outdoors")
    VISITING = "visiting", _("Visiting")
    STAY_LIMIT = "stay_limit", _("The stay limit and what happens then")
    CARER_SUPPORT = "carer_support", _("Support available to a carer outside")
    LEGAL_OPTIONS = (
        "legal_options",
        _("Legal options: bail, judicial supervision, non-custodial sentence"),
    )


class CounsellingSession(models.Model):
    """A structured conversation with a woman about where her child (or children) will live."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mother = models.ForeignKey(
        Mother,
        on_delete=models.PROTECT,
        related_name="counselling_sessions",
        verbose_name=_("woman"),
    )
    held_on = models.DateField(_("date"))
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    about_unborn_child = models.BooleanField(_("about her unborn child"), default=False)
    with_prison_staff = models.BooleanField(_("prison staff took part"), default=False)
    with_relatives = models.BooleanField(_("relatives took part"), default=False)
    with_lawyer = models.BooleanField(_("a lawyer took part"), default=False)
    with_interpreter = models.BooleanField(_("an interpreter took part"), default=False)
    participants_note = models.CharField(_("who else took part"), max_length=200, blank=True)
    options_discussed = models.JSONField(_("care options discussed"), default=list)
    topics_given = models.JSONField(_("information given"), default=list)
    # What she was told about the facility, as it stood that day (the record may change later).
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    facility_facts = models.JSONField(default=dict, editable=False)
    mothers_words = models.TextField(_("her own words"), blank=True)
    preference = models.CharField(
        _("her preference"), max_length=20, choices=CareOption.choices, blank=True
    )
    institution_justification = models.TextField(
        _("why a residential institution is considered"), blank=True
    )
    review_on = models.DateField(_("review date"))
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    # Her most recent session (by date, then when it was recorded), kept by the actions: the
    # one whose review is due.
    is_latest = models.BooleanField(default=False, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    # Names the audit records for what is not a plain field (see audit_tags.field_label).
    AUDIT_LABELS = {
        "factors": _("factors behind her choice"),
        "decisions": _("decisions for children"),
    }

    class Meta:
        ordering = ["-held_on", "-created_at"]
        verbose_name = _("counselling session")
        verbose_name_plural = _("counselling sessions")
        indexes = [
            # "My work": reviews due and overdue (each woman's latest session).
            models.Index(
                fields=["review_on"],
                condition=models.Q(is_latest=True),
                name="session_latest_review_idx",
            ),
            # Her sessions on her file, and finding her latest.
            models.Index(fields=["mother", "-held_on"], name="session_mother_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.held_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("counselling:session_detail", kwargs={"code": self.code})

    @property
    def options_display(self) -> list[str]:
        labels = dict(CareOption.choices)
        return [str(labels[o]) for o in self.options_discussed if o in labels]

    @property
    def topics_display(self) -> list[str]:
        labels = dict(Topic.choices)
        return [str(labels[t]) for t in self.topics_given if t in labels]

    @property
    def participants_display(self) -> list[str]:
        names = []
        if self.with_prison_staff:
            names.append(str(_("prison staff")))
        if self.with_relatives:
            names.append(str(_("relatives")))
        if self.with_lawyer:
            names.append(str(_("a lawyer")))
        if self.with_interpreter:
            names.append(str(_("an interpreter")))
        if self.participants_note:
            names.append(self.participants_note)
        return names


class SessionFactor(models.Model):
    """A factor behind her choice in one session; one of them may be the main one."""

    session = models.ForeignKey(
        CounsellingSession, on_delete=models.CASCADE, related_name="session_factors"
    )
    factor = models.ForeignKey(Factor, on_delete=models.PROTECT, related_name="+")
    is_main = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "factor"], name="session_factor_once"),
            models.UniqueConstraint(
                fields=["session"], condition=models.Q(is_main=True), name="one_main_factor"
            ),
        ]

    def __str__(self) -> str:
        return self.factor.code


class ChildDecision(models.Model):
    """What was decided in a session for one child (or for the unborn child)."""

    class DecidedBy(models.TextChoices):
        MOTHER = "mother", _("The mother")
        OTHERS_WITH_HER_WISH = "others_with_wish", _("Others, in line with her wish")
        OTHERS_AGAINST_HER_WISH = "others_against_wish", _("Others, against her wish")
        OFFICIALS = "officials", _("Prison or other officials")
        COURT = "court", _("A court")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(
        CounsellingSession, on_delete=models.CASCADE, related_name="decisions"
    )
    child = models.ForeignKey(
        Child,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("child"),
    )
    decision = models.CharField(_("decision"), max_length=20, choices=CareOption.choices)
    decided_by = models.CharField(_("who decided"), max_length=20, choices=DecidedBy.choices)
    carer_name = models.CharField(_("named carer"), max_length=150, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        ordering = ["session", "pk"]
        verbose_name = _("decision for a child")
        verbose_name_plural = _("decisions for children")

    def __str__(self) -> str:
        return str(self.get_decision_display())


# The fields of a child's decision that a session's form sets and a correction may change.
DECISION_FIELDS = ("decision", "decided_by", "carer_name", "notes")

# The order of a child's decisions, newest first (the rules and the pages agree on "latest").
DECISION_NEWEST_FIRST = ["-session__held_on", "-session__created_at", "-pk"]
# The same order for a woman's sessions.
SESSION_NEWEST_FIRST = ["-held_on", "-created_at", "-pk"]


def latest_decision_for(child: Child) -> ChildDecision | None:
    return (
        ChildDecision.objects.filter(child=child)
        .select_related("session")
        .order_by(*DECISION_NEWEST_FIRST)
        .first()
    )
