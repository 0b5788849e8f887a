from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from komar.accounts.models import Organisation
from komar.cases.models import Child
from komar.counselling.models import CareOption


class Element(models.TextChoices):
    """The elements of a best-interests assessment (UN CRC General Comment No. 14, paras 52-79)."""

    VIEWS = "views", _("The child's views (as age allows)")
    IDENTITY = "identity", _("Identity")
    FAMILY = "family", _("Family environment and relationships")
    CARE = "care", _("Care, protection and safety")
    VULNERABILITY = "vulnerability", _("Vulnerability")
    HEALTH = "health", _("Health")
    DEVELOPMENT = "development", _("Development and education")


class Rating(models.TextChoices):
    NO_CONCERN = "no_concern", _("No concern")
    SOME_CONCERN = "some_concern", _("Some concern")
    SERIOUS_CONCERN = "serious_concern", _("Serious concern")
    NOT_ASSESSED = "not_assessed", _("Not assessed")


class Assessment(models.Model):
    """A best-interests assessment of one child, at entry and at each major change."""

    class Occasion(models.TextChoices):
        ENTRY = "entry", _("At entry")
        MAJOR_CHANGE = "major_change", _("At a major change")
        APPROACHING_LIMIT = "approaching_limit", _("Approaching the stay limit")
        REVIEW = "review", _("Review")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for approval")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned with comments")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("child")
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    occasion = models.CharField(_("occasion"), max_length=20, choices=Occasion.choices)
    assessed_on = models.DateField(_("date of assessment"))
    options_compared = models.TextField(_("options compared"), blank=True)
    recommendation = models.CharField(
        _("recommendation"), max_length=20, choices=CareOption.choices, blank=True
    )
    recommendation_reasons = models.TextField(_("reasons for the recommendation"), blank=True)
    mother_contests_separation = models.BooleanField(
        _("the mother contests separation"), default=False
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    reviewer_comments = models.TextField(_("supervisor's comments"), blank=True)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
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
    # Everyone who started, changed or submitted it: none of them may approve it.
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", editable=False, verbose_name=_("written by")
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    # The audit names a changed element by its code (see audit_tags.field_label).
    AUDIT_LABELS = dict(Element.choices)

    class Meta:
        ordering = ["-assessed_on", "-created_at"]
        verbose_name = _("best-interests assessment")
        verbose_name_plural = _("best-interests assessments")
        indexes = [
            # "My work": assessments awaiting approval in an organisation, the longest waiting
            # first (read in this order, the page stops after the first rows in her scope).
            models.Index(
                fields=["organisation", "status", "submitted_at", "id"],
                name="assessment_to_approve_idx",
            ),
            # "My work": the assessments returned to their assessor, the most recent first.
            models.Index(
                fields=["assessor", "status", "decided_at", "id"],
                name="assessment_returned_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_occasion_display()} {self.assessed_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:assessment_detail", kwargs={"code": self.code})

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class AssessmentElement(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="elements")
    element = models.CharField(_("element"), max_length=20, choices=Element.choices)
    evidence = models.TextField(_("evidence"), blank=True)
    rating = models.CharField(
        _("rating"), max_length=20, choices=Rating.choices, default=Rating.NOT_ASSESSED
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "element"], name="element_once"),
        ]

    def __str__(self) -> str:
        return str(self.get_element_display())


class Determination(models.Model):
    """A formal best-interests determination by a panel (UNHCR BID procedure)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="determinations", verbose_name=_("child")
    )
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="determinations"
    )
    reasons = models.JSONField(_("why a determination was required"), default=list)
    held_on = models.DateField(_("date of the panel"))
    decision = models.CharField(_("decision"), max_length=20, choices=CareOption.choices)
    decision_reasons = models.TextField(_("reasons"))
    dissent = models.TextField(_("dissent"), blank=True)
    review_on = models.DateField(_("review date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    # The child's most recent determination, kept by the actions: the one whose review is due.
    is_latest = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    AUDIT_LABELS = {"members": _("panel members")}

    class Meta:
        ordering = ["-held_on", "-created_at"]
        verbose_name = _("best-interests determination")
        verbose_name_plural = _("best-interests determinations")
        indexes = [
            # "My work": determinations to review (each child's latest).
            models.Index(
                fields=["review_on"],
                condition=models.Q(is_latest=True),
                name="determination_latest_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.held_on:%Y-%m-%d}"


DETERMINATION_NEWEST_FIRST = ["-held_on", "-created_at", "-pk"]


class PanelMember(models.Model):
    determination = models.ForeignKey(
        Determination, on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role on the panel"), max_length=150)

    def __str__(self) -> str:
        return self.name
