"""The research workflow's records: research projects (each with its own secret for
pseudonyms) and the exports made from them (the audit of what left Komar, and the background
job that writes a large file)."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from komar.accounts.models import Organisation


def new_secret() -> str:
    """A project's key for pseudonyms: 256 random bits, made and kept on the server only."""
    return secrets.token_hex(32)


class ResearchProject(models.Model):
    """A study run by an organisation's researchers over the women of that organisation who
    agreed to research. The pseudonyms of one project cannot be linked to another's."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="research_projects",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("project name"), max_length=150)
    purpose = models.TextField(_("purpose of the study"), blank=True)
    # Never shown, never exported, never in an audit row (the keyed hash of `pseudonym`).
    secret = models.CharField(max_length=64, default=new_secret, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "created_at"]
        verbose_name = _("research project")
        verbose_name_plural = _("research projects")

    def __str__(self) -> str:
        return self.name


class ExportFormat(models.TextChoices):
    CSV = "csv", _("CSV (Excel, UTF-8)")
    XLSX = "xlsx", _("Excel workbook with codebook")
    SAV = "sav", _("SPSS (.sav)")
    DTA = "dta", _("Stata (.dta)")
    CODEBOOK = "codebook", _("Codebook only (CSV)")


class ExportTable(models.TextChoices):
    DECISIONS = "decisions", _("Decisions (one row per decision for a child)")
    WOMEN = "women", _("Women (one row per woman)")
    CHILDREN = "children", _("Children (one row per child)")


class ResearchExport(models.Model):
    """One de-identified export: what was asked, the consent state it used and what it wrote.

    Written by `do_request_export` (queued) and finished by `run_exports` (the file, its hash,
    the k achieved). The file is kept under KOMAR_RESEARCH_EXPORT_DIR by its code."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(ResearchProject, on_delete=models.PROTECT, related_name="exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    requested_at = models.DateTimeField(default=timezone.now, editable=False)
    format = models.CharField(_("format"), max_length=10, choices=ExportFormat.choices)
    table = models.CharField(
        _("table"), max_length=10, choices=ExportTable.choices, default=ExportTable.DECISIONS
    )
    # The definition: years, label language (see dataset.Definition); with the data, it
    # determines the file.
    filters = models.JSONField(_("filters"), default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # per cent
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The consent state used: how many women, and a SHA-256 over their sorted pseudonyms.
    women = models.PositiveIntegerField(null=True, blank=True)
    consent_hash = models.CharField(max_length=64, blank=True)
    rows = models.PositiveIntegerField(null=True, blank=True)
    k_achieved = models.PositiveIntegerField(null=True, blank=True)
    generalisation = models.JSONField(default=dict)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("research export")
        verbose_name_plural = _("research exports")
        indexes = [
            # `run_exports`: the queue, oldest first.
            models.Index(fields=["status", "requested_at"], name="research_export_queue_idx"),
            # A project's page: its exports, newest first.
            models.Index(fields=["project", "-requested_at"], name="research_export_proj_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.format} {self.requested_at:%Y-%m-%d}"

    @property
    def filename(self) -> str:
        extension = {"codebook": "csv"}.get(self.format, self.format)
        stem = f"komar-{self.table}" if self.format != "codebook" else "komar-codebook"
        return f"{stem}-{self.requested_at:%Y%m%d}-{str(self.code)[:8]}.{extension}"


class StoredStudy(models.Model):
    """The factor study's numbers for one project and years, as last computed (`study.stored`):
    the page reads them here instead of counting every decision again. Derived data only (no
    personal data: counts and tests), kept with the two keys they were computed under: the
    consent state (any consent given or withdrawn changes it, and the numbers are then computed
    again before they are shown) and the data (any record added or corrected changes it)."""

    project = models.ForeignKey(ResearchProject, on_delete=models.CASCADE, related_name="+")
    first_year = models.PositiveSmallIntegerField(default=0)  # 0: from the first year
    last_year = models.PositiveSmallIntegerField(default=0)  # 0: to the last year
    consent_key = models.CharField(max_length=64)
    data_key = models.CharField(max_length=64)
    computed_at = models.DateTimeField()
    used_at = models.DateTimeField()
    value = models.BinaryField()  # the pickled `study.Study`, written by Komar only

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "first_year", "last_year"], name="research_stored_study_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.first_year}-{self.last_year} {self.computed_at:%Y-%m-%d}"
