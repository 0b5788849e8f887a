from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Province(models.Model):
    """A Cambodian province or the capital (reference data)."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_km = models.CharField(_("name (Khmer)"), max_length=100)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name_km if get_language() == "km" else self.name_en


class Facility(models.Model):
    """A prison or correctional centre where women (and their children) may be held."""

    class Kind(models.TextChoices):
        NATIONAL = "national", _("National correctional centre")
        PROVINCIAL = "provincial", _("Provincial or municipal prison")
        OTHER = "other", _("Other facility")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name_en = models.CharField(_("name (English)"), max_length=150)
    name_km = models.CharField(_("name (Khmer)"), max_length=150)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="facilities", verbose_name=_("province")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    has_child_friendly_space = models.BooleanField(_("has a child-friendly space"), default=False)
    holds_women = models.BooleanField(_("holds women"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    # Facts told to every mother counselled in this facility (the information sheet).
    food_allowance_riel = models.PositiveIntegerField(
        _("food allowance per child per day (riel)"), null=True, blank=True
    )
    health_care_en = models.TextField(_("health care for children (English)"), blank=True)
    health_care_km = models.TextField(_("health care for children (Khmer)"), blank=True)
    space_en = models.TextField(_("living space (English)"), blank=True)
    space_km = models.TextField(_("living space (Khmer)"), blank=True)
    outdoor_time_en = models.TextField(_("time outdoors (English)"), blank=True)
    outdoor_time_km = models.TextField(_("time outdoors (Khmer)"), blank=True)
    visiting_en = models.TextField(_("visiting (English)"), blank=True)
    visiting_km = models.TextField(_("visiting (Khmer)"), blank=True)
    facts_updated_on = models.DateField(_("facts last checked on"), null=True, blank=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")

    def __str__(self) -> str:
        return self.name_km if get_language() == "km" else self.name_en

    def facts(self, language: str) -> dict[str, str | int | bool | None]:
        """What a mother is told about this facility, in one language."""
        suffix = "km" if language == "km" else "en"
        return {
            "name": self.name_km if suffix == "km" else self.name_en,
            "food_allowance_riel": self.food_allowance_riel,
            "has_child_friendly_space": self.has_child_friendly_space,
            "health_care": getattr(self, f"health_care_{suffix}"),
            "space": getattr(self, f"space_{suffix}"),
            "outdoor_time": getattr(self, f"outdoor_time_{suffix}"),
            "visiting": getattr(self, f"visiting_{suffix}"),
            "facts_updated_on": self.facts_updated_on.isoformat()
            if self.facts_updated_on
            else None,
        }


class FacilityFigures(models.Model):
    """A facility's figures for a period that has ended (a month, a month's last day), as last
    counted: the pages that show many past months read them here instead of counting them
    again (`komar.facilities.figures`). Derived numbers only, no personal data; `manage.py
    refresh_figures` counts the recent ones again every night, so that a record entered late
    reaches them by the next morning."""

    kind = models.CharField(max_length=40)  # who counts them and how, e.g. "research.month/1"
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="+")
    on = models.DateField()  # the period: its first day, or the day counted
    values = models.JSONField(default=dict)  # name -> count
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "on", "facility"], name="facility_figures_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.facility_id} {self.on}"
