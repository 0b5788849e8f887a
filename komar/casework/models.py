"""Case notes and documents: the daily record of casework about a woman and her children."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from komar.cases.models import Child, Mother
from komar.lib.urls import link


class CaseNote(models.Model):
    """A dated note of a contact about a woman (or one of her children): who took part, what
    was discussed and what was agreed. Corrected with optimistic locking, never deleted."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("Visit")
        CALL = "call", _("Phone call")
        MEETING = "meeting", _("Meeting")
        OTHER = "other", _("Other contact")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mother = models.ForeignKey(
        Mother, on_delete=models.PROTECT, related_name="case_notes", verbose_name=_("woman")
    )
    child = models.ForeignKey(
        Child,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_notes",
        verbose_name=_("about a child"),
    )
    kind = models.CharField(_("kind of contact"), max_length=10, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    participants = models.CharField(_("who took part"), max_length=300)
    discussed = models.TextField(_("what was discussed"))
    agreed = models.TextField(_("what was agreed"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("author"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-held_on", "-created_at", "-pk"]
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        indexes = [
            # Her notes on her file and their list, newest first (and her timeline).
            models.Index(fields=["mother", "-held_on"], name="casenote_mother_idx"),
            # A child's notes on the child's page.
            models.Index(fields=["child", "-held_on"], name="casenote_child_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return link("casework:note_edit", self.code)


class DocumentQuerySet(models.QuerySet["Document"]):
    def attached(self) -> DocumentQuerySet:
        """The documents on her file: not those removed as attached by mistake."""
        return self.filter(removed_at__isnull=True)


class Document(models.Model):
    """A scan or photo attached to a woman's file or to one of her children.

    The file is stored under `KOMAR_DOCUMENTS_DIR` by a random name (`storage_name`), never
    by the name it was uploaded with, and served only by the `document_file` view. Its format
    is what its content is (checked on upload), not what its name or the browser said."""

    class Kind(models.TextChoices):
        BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
        FAMILY_BOOK = "family_book", _("Family book")
        NATIONAL_ID = "national_id", _("National ID card")
        CONSENT_FORM = "consent_form", _("Consent form")
        COURT_PAPERS = "court_papers", _("Court papers")
        MEDICAL_RECORD = "medical_record", _("Medical record")
        OTHER = "other", _("Other document")

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mother = models.ForeignKey(
        Mother, on_delete=models.PROTECT, related_name="documents", verbose_name=_("woman")
    )
    child = models.ForeignKey(
        Child,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("about a child"),
    )
    kind = models.CharField(_("type of document"), max_length=20, choices=Kind.choices)
    dated_on = models.DateField(_("date on the document"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    file_format = models.CharField(
        _("file format"), max_length=4, choices=Format.choices, editable=False
    )
    size = models.PositiveIntegerField(_("size in bytes"), editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    # A random name under KOMAR_DOCUMENTS_DIR; nothing of the uploaded file's name is kept.
    storage_name = models.CharField(max_length=32, unique=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Removed when it was attached by mistake: the row stays (who attached it, when, and why it
    # was removed), the file itself is deleted, and the document is shown nowhere again.
    removed_at = models.DateTimeField(_("removed on"), null=True, blank=True, editable=False)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("removed by"),
    )
    removal_reason = models.TextField(_("why it was removed"), blank=True, editable=False)

    objects = DocumentQuerySet.as_manager()

    # Names the audit records for what is not a plain field (see audit_tags.field_label).
    AUDIT_LABELS = {"file": _("file")}

    class Meta:
        ordering = ["-dated_on", "-created_at", "-pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [
            # Her documents on her file and their list, newest first.
            models.Index(fields=["mother", "-dated_on"], name="document_mother_idx"),
            # A child's documents on the child's page.
            models.Index(fields=["child", "-dated_on"], name="document_child_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.dated_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return link("casework:document_file", self.code)

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.file_format]

    @property
    def is_image(self) -> bool:
        return self.file_format in (self.Format.JPEG, self.Format.PNG)

    @property
    def download_name(self) -> str:
        """A fixed name: its type, never the uploaded name (which may hold hers)."""
        return f"{self.kind}.{EXTENSIONS[self.file_format]}"


CONTENT_TYPES: dict[str, str] = {
    Document.Format.PDF: "application/pdf",
    Document.Format.JPEG: "image/jpeg",
    Document.Format.PNG: "image/png",
}
EXTENSIONS: dict[str, str] = {
    Document.Format.PDF: "pdf",
    Document.Format.JPEG: "jpg",
    Document.Format.PNG: "png",
}
