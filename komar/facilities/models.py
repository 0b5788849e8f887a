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

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")

    def __str__(self) -> str:
        return self.name_km if get_language() == "km" else self.name_en
