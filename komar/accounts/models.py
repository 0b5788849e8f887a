from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from komar.facilities.models import Facility


class Organisation(models.Model):
    class Kind(models.TextChoices):
        NGO = "ngo", _("Non-governmental organisation")
        PRISON_DEPARTMENT = "prison_department", _("Prison department")
        LEGAL_AID = "legal_aid", _("Legal-aid provider")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name_en = models.CharField(_("name (English)"), max_length=150)
    name_km = models.CharField(_("name (Khmer)"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    phone = models.CharField(_("phone for mothers and carers"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Where it works, set by a national administrator: its own administrator gives her staff
    # only these facilities (`accounts.actions`).
    facilities = models.ManyToManyField(
        "facilities.Facility",
        blank=True,
        related_name="organisations",
        verbose_name=_("facilities it works in"),
    )

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name_km if get_language() == "km" else self.name_en


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    SUPERVISOR = "supervisor", _("Supervisor")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    LEGAL_OFFICER = "legal_officer", _("Legal officer")
    FACILITY_MONITOR = "facility_monitor", _("Facility monitor")
    RESEARCHER = "researcher", _("Researcher")


# Roles that may open personal files at all. Researchers get de-identified data only; facility
# monitors watch conditions and figures, and follow one child through a minimal view
# (`monitoring`), never her mother's file.
CASE_READ_ROLES = frozenset(
    {
        Role.ADMINISTRATOR,
        Role.SUPERVISOR,
        Role.SOCIAL_WORKER,
        Role.LEGAL_OFFICER,
    }
)
# Roles that may register and correct personal data.
CASE_WRITE_ROLES = frozenset(
    {Role.ADMINISTRATOR, Role.SUPERVISOR, Role.SOCIAL_WORKER, Role.LEGAL_OFFICER}
)
# Roles that see who has seen and changed a file.
AUDIT_READ_ROLES = frozenset({Role.ADMINISTRATOR, Role.SUPERVISOR})


class User(AbstractUser):
    """A person who works with Komar. Deactivated, never deleted."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("organisation"),
    )
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.SOCIAL_WORKER
    )
    facilities = models.ManyToManyField(
        Facility, blank=True, related_name="users", verbose_name=_("facilities")
    )
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=[("en", _("English")), ("km", _("Khmer"))],
        default="km",
    )

    # Names the audit records for what is not a plain field (see audit_tags.field_label).
    AUDIT_LABELS = {"lockout": _("lockout after failed sign-ins")}

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def can_read_cases(self) -> bool:
        return self.is_active and self.role in CASE_READ_ROLES

    @property
    def can_write_cases(self) -> bool:
        return self.is_active and self.role in CASE_WRITE_ROLES

    @property
    def can_read_audit(self) -> bool:
        return self.is_active and self.role in AUDIT_READ_ROLES

    @property
    def can_manage_users(self) -> bool:
        return self.is_active and (self.is_superuser or self.role == Role.ADMINISTRATOR)
