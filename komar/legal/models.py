"""The legal side of a custody episode: the legal case (arrest, police custody, charges, the
detention orders, hearings, applications, the judgment), the diversion screening, and the court
report. Limits are reference data (`LegalLimit`), corrected by an administrator, each citing
its source; nothing in the arithmetic is a constant in the code.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from komar.cases.models import CustodyEpisode, Mother
from komar.lib.urls import link


class OffenceClass(models.TextChoices):
    """The Criminal Code's classes of offence (Criminal Code 2009, arts. 46-48)."""

    FELONY = "felony", _("Felony")
    MISDEMEANOUR = "misdemeanour", _("Misdemeanour")
    PETTY = "petty", _("Petty offence")


class LegalLimit(models.Model):
    """How long police custody and pre-trial detention may last for one class of offence, as
    the law says (Code of Criminal Procedure 2007, arts. 96, 208, 209). Reference data: an
    administrator corrects it in the admin if the law or its reading changes."""

    offence_class = models.CharField(
        _("class of offence"), max_length=20, choices=OffenceClass.choices, unique=True
    )
    police_custody_hours = models.PositiveSmallIntegerField(_("police custody, hours"))
    police_custody_extension_hours = models.PositiveSmallIntegerField(
        _("police custody extension, hours (0: none allowed)"), default=0
    )
    detention_allowed = models.BooleanField(_("pre-trial detention allowed"), default=True)
    detention_months = models.PositiveSmallIntegerField(
        _("pre-trial detention, first term in months"), default=0
    )
    extension_months = models.PositiveSmallIntegerField(_("each extension, months"), default=0)
    max_extensions = models.PositiveSmallIntegerField(_("extensions allowed"), default=0)
    # Misdemeanours (art. 209): the detention may not exceed half the minimum penalty incurred.
    capped_at_half_minimum_penalty = models.BooleanField(
        _("capped at half the minimum penalty"), default=False
    )
    source = models.TextField(_("source"))

    class Meta:
        ordering = ["offence_class"]
        verbose_name = _("legal limit")
        verbose_name_plural = _("legal limits")

    def __str__(self) -> str:
        return str(self.get_offence_class_display())


class DetentionGround(models.TextChoices):
    """The reasons for pre-trial detention the Code allows (CPC 2007, art. 205)."""

    STOP_OFFENCE = "stop_offence", _("To stop the offence or prevent it happening again")
    PRESSURE = "pressure", _("To prevent pressure on witnesses or victims, or collusion")
    EVIDENCE = "evidence", _("To preserve evidence")
    APPEARANCE = "appearance", _("To ensure she appears before the court")
    PROTECTION = "protection", _("To protect her own safety")
    PUBLIC_ORDER = "public_order", _("To preserve public order from the disturbance caused")


class SupervisionObligation(models.TextChoices):
    """The obligations of judicial supervision the investigating judge may set (CPC 2007, the
    article on judicial supervision's obligations: art. 223 in the English translation, to
    verify against the Khmer text; the first nine are confirmed by a published summary of the
    Code, the last by none yet: see docs/legal.md). Stored as codes, so that a screening and a
    court's decision read in either language."""

    STAY_IN_AREA = "stay_in_area", _("Not to leave the area the investigating judge sets")
    KEEP_RESIDENCE = (
        "keep_residence",
        _("To live at a fixed address and not move without the judge's permission"),
    )
    AVOID_PLACES = "avoid_places", _("Not to go to places the judge names")
    REPORT = "report", _("To report to the police or gendarmerie unit the judge names")
    ANSWER_SUMMONS = "answer_summons", _("To answer every summons of a person the judge appoints")
    SURRENDER_IDENTITY = (
        "surrender_identity",
        _("To hand her identity documents to the court clerk"),
    )
    NO_DRIVING = "no_driving", _("Not to drive a vehicle")
    AVOID_PERSONS = "avoid_persons", _("Not to receive or meet persons the judge names")
    BAIL = "bail", _("To pay bail, or give a guarantee through a guarantor")
    TREATMENT = (
        "treatment",
        _("To undergo medical examination or treatment, including drug treatment"),
    )


def obligation_labels(codes: list[str]) -> list[str]:
    return [str(SupervisionObligation(c).label) for c in codes if c in SupervisionObligation.values]


class LegalCase(models.Model):
    """The legal case of one custody episode. Created the first time a legal officer records
    anything about it; corrected with optimistic locking."""

    class Judgment(models.TextChoices):
        PRISON = "prison", _("Prison term")
        SUSPENDED = "suspended", _("Suspended sentence")
        COMMUNITY_SERVICE = "community_service", _("Community service")
        FINE = "fine", _("Fine")
        ACQUITTAL = "acquittal", _("Acquittal")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    episode = models.OneToOneField(
        CustodyEpisode,
        on_delete=models.PROTECT,
        related_name="legal_case",
        verbose_name=_("custody episode"),
    )
    # Copied from the episode for the lists and the rules (kept by the actions).
    mother = models.ForeignKey(
        Mother, on_delete=models.PROTECT, related_name="legal_cases", editable=False
    )
    arrested_at = models.DateTimeField(_("arrested at"), null=True, blank=True)
    arrest_place = models.CharField(_("place of arrest"), max_length=200, blank=True)
    police_custody_start = models.DateTimeField(_("police custody from"), null=True, blank=True)
    police_custody_end = models.DateTimeField(_("police custody until"), null=True, blank=True)
    police_custody_extended = models.BooleanField(_("police custody extended"), default=False)
    extension_authorised_by = models.CharField(
        _("extension authorised by (prosecutor, written)"), max_length=200, blank=True
    )
    offence_class = models.CharField(
        _("class of offence"), max_length=20, choices=OffenceClass.choices, blank=True
    )
    is_violent = models.BooleanField(_("violent offence"), null=True, blank=True)
    minimum_penalty_months = models.PositiveSmallIntegerField(
        _("minimum penalty incurred, months"), null=True, blank=True
    )
    maximum_penalty_months = models.PositiveSmallIntegerField(
        _("maximum penalty incurred, months"), null=True, blank=True
    )
    investigating_judge = models.CharField(_("investigating judge"), max_length=150, blank=True)
    lawyer_assigned_on = models.DateField(_("lawyer assigned on"), null=True, blank=True)
    judgment_on = models.DateField(_("judgment on"), null=True, blank=True)
    judgment = models.CharField(_("judgment"), max_length=20, choices=Judgment.choices, blank=True)
    prison_months = models.PositiveSmallIntegerField(
        _("prison term, months"), null=True, blank=True
    )
    suspended_months = models.PositiveSmallIntegerField(
        _("suspended part, months"), null=True, blank=True
    )
    community_service_hours = models.PositiveSmallIntegerField(
        _("community service, hours"), null=True, blank=True
    )
    fine_riel = models.PositiveIntegerField(_("fine, riel"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("legal case")
        verbose_name_plural = _("legal cases")

    def __str__(self) -> str:
        return str(self.episode)

    def get_absolute_url(self) -> str:
        return link("legal:case_detail", self.code)


class DetentionOrder(models.Model):
    """A pre-trial detention order or one of its extensions (CPC arts. 205, 208, 209)."""

    class Kind(models.TextChoices):
        ORDER = "order", _("Detention order")
        EXTENSION = "extension", _("Extension")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    legal_case = models.ForeignKey(
        LegalCase, on_delete=models.PROTECT, related_name="detention_orders"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    ordered_on = models.DateField(_("ordered on"))
    term_months = models.PositiveSmallIntegerField(_("term, months"))
    grounds = models.JSONField(_("grounds (art. 205)"), default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["ordered_on", "pk"]
        verbose_name = _("detention order")
        verbose_name_plural = _("detention orders")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.ordered_on:%Y-%m-%d}"


class Hearing(models.Model):
    class Kind(models.TextChoices):
        QUESTIONING = "questioning", _("Questioning by the investigating judge")
        DETENTION = "detention", _("Detention hearing")
        TRIAL = "trial", _("Trial")
        VERDICT = "verdict", _("Verdict")
        APPEAL = "appeal", _("Appeal hearing")
        OTHER = "other", _("Other")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    legal_case = models.ForeignKey(LegalCase, on_delete=models.PROTECT, related_name="hearings")
    held_on = models.DateField(_("date"))
    court = models.CharField(_("court"), max_length=150, blank=True)
    kind = models.CharField(_("kind of hearing"), max_length=20, choices=Kind.choices)
    outcome = models.TextField(_("outcome"), blank=True)
    next_on = models.DateField(_("next hearing"), null=True, blank=True)
    # Recorded ahead (a summons, a date the court gave): it has not taken place yet. What
    # happened is recorded on the same row when it has.
    is_scheduled = models.BooleanField(_("scheduled, not yet held"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["held_on", "pk"]
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        indexes = [
            models.Index(fields=["held_on"], name="hearing_held_on_idx"),
            # "My work": the hearings ahead (the next date a hearing set).
            models.Index(
                fields=["next_on"],
                condition=models.Q(next_on__isnull=False),
                name="hearing_next_on_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on:%Y-%m-%d}"


class Application(models.Model):
    """An application to the court on her behalf, and what the court decided."""

    class Kind(models.TextChoices):
        RELEASE = "release", _("Release (bail)")
        JUDICIAL_SUPERVISION = "judicial_supervision", _("Release under judicial supervision")
        IMMEDIATE_APPEARANCE = "immediate_appearance", _("Immediate appearance")
        APPEAL = "appeal", _("Appeal")
        PARDON = "pardon", _("Pardon")
        EARLY_RELEASE = "early_release", _("Early or conditional release")
        SENTENCE_REDUCTION = "sentence_reduction", _("Sentence reduction")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    legal_case = models.ForeignKey(LegalCase, on_delete=models.PROTECT, related_name="applications")
    kind = models.CharField(_("application"), max_length=30, choices=Kind.choices)
    filed_on = models.DateField(_("filed on"))
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    # The obligations of judicial supervision the court set, when granted: codes of
    # `SupervisionObligation`, and the court's other conditions or details in words.
    obligations = models.JSONField(_("obligations set by the court"), default=list, blank=True)
    obligations_note = models.TextField(_("other conditions or details"), blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["filed_on", "pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            models.Index(
                fields=["filed_on"],
                condition=models.Q(outcome="pending"),
                name="application_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())

    def obligation_labels(self) -> list[str]:
        """The obligations the court set, in the reader's language."""
        return obligation_labels(self.obligations)


class Measure(models.TextChoices):
    """The non-custodial measures a screening weighs (Tokyo Rules 2.3, 8.2, 9; Bangkok Rules
    57-64; CPC 2007 on release and judicial supervision; Criminal Code 2009)."""

    RELEASE = "release", _("Release, no conditions")
    JUDICIAL_SUPERVISION = "judicial_supervision", _("Release under judicial supervision")
    IMMEDIATE_APPEARANCE = "immediate_appearance", _("Immediate appearance")
    SUSPENDED_SENTENCE = "suspended_sentence", _("Suspended sentence")
    COMMUNITY_SERVICE = "community_service", _("Community service")
    EARLY_RELEASE = "early_release", _("Early or conditional release")
    PARDON = "pardon", _("Pardon request")
    DRUG_TREATMENT = "drug_treatment", _("Referral to community drug treatment")


class CareArrangement(models.TextChoices):
    """Who would care for a child if her mother stays detained."""

    FATHER = "father", _("The child's father")
    GRANDPARENT = "grandparent", _("A grandparent")
    RELATIVE = "relative", _("Another relative")
    FRIEND = "friend", _("A family friend or neighbour")
    INSIDE = "inside", _("The child would stay in prison with her")
    INSTITUTION = "institution", _("An institution or orphanage")
    NO_ONE = "no_one", _("No one identified")
    UNKNOWN = "unknown", _("Not known")


# No suitable alternative care: the Ministry of Justice's guideline asks the investigating
# judge to avoid pre-trial detention then (domain.md 3.5).
NO_ALTERNATIVE_CARE = (CareArrangement.NO_ONE, CareArrangement.INSTITUTION, CareArrangement.UNKNOWN)


class Screening(models.Model):
    """A diversion screening of a woman in police custody or pre-trial detention who is
    pregnant, breastfeeding or caring for a child: the facts a lawyer needs, the candidate
    measures (from the rules in `screening.py`, with their reasons), and the measures the legal
    officer chose to pursue, and why."""

    class Answer(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        UNKNOWN = "unknown", _("Not known")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mother = models.ForeignKey(Mother, on_delete=models.PROTECT, related_name="screenings")
    episode = models.ForeignKey(CustodyEpisode, on_delete=models.PROTECT, related_name="screenings")
    screened_on = models.DateField(_("screened on"))
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    grounds_claimed = models.JSONField(_("grounds for detention claimed (art. 205)"), default=list)
    stable_address = models.CharField(_("a stable address"), max_length=10, choices=Answer.choices)
    address_note = models.CharField(_("the address"), max_length=300, blank=True)
    guarantor = models.CharField(_("a guarantor"), max_length=10, choices=Answer.choices)
    guarantor_note = models.CharField(_("who"), max_length=300, blank=True)
    drug_treatment_need = models.CharField(
        _("needs drug treatment"), max_length=10, choices=Answer.choices
    )
    health_note = models.TextField(_("her health and pregnancy"), blank=True)
    # Who would care for each of her children under 18 if she stays detained: a list of
    # {"child": code, "arrangement": `CareArrangement`, "carer_name", "note"}, one per child,
    # kept with the screening's answers (versioned, audited and judged with them).
    care = models.JSONField(_("who would care for each child"), default=list, blank=True)
    care_note = models.TextField(_("about the care of her children"), blank=True)
    obligations = models.JSONField(
        _("obligations of judicial supervision she can meet"), default=list, blank=True
    )
    obligations_note = models.TextField(_("other conditions or details"), blank=True)
    # The candidate measures as the rules judged them on the day, stored with their reasons
    # (rule code and version, applies or not, reasons), so the screening reads the same later.
    candidates = models.JSONField(_("candidate measures"), default=list, editable=False)
    chosen = models.JSONField(_("measures to pursue"), default=list)
    chosen_reason = models.TextField(_("why these measures"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-screened_on", "-pk"]
        verbose_name = _("diversion screening")
        verbose_name_plural = _("diversion screenings")
        indexes = [models.Index(fields=["mother", "-screened_on"], name="screening_mother_idx")]

    def __str__(self) -> str:
        return f"{self.screened_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return link("legal:screening_detail", self.code)


class CourtReport(models.Model):
    """A social inquiry report to the court (Tokyo Rule 7): drafted from the file and a
    screening, reviewed by a supervisor, then final: frozen and numbered. A correction is a new
    version that supersedes it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("Waiting for a supervisor's review")
        FINAL = "final", _("Final")
        SUPERSEDED = "superseded", _("Superseded")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mother = models.ForeignKey(Mother, on_delete=models.PROTECT, related_name="court_reports")
    episode = models.ForeignKey(
        CustodyEpisode, on_delete=models.PROTECT, related_name="court_reports"
    )
    screening = models.ForeignKey(
        Screening, on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    # The report's number, given when it is final ("SRP-2026-0042/R1"), and its version.
    number = models.CharField(_("report number"), max_length=40, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        editable=False,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    language = models.CharField(
        _("language of the report"),
        max_length=5,
        choices=[("km", _("Khmer")), ("en", _("English"))],
        default="km",
    )
    # Each section of the report, editable while a draft: a JSON object of section name ->
    # text, first filled from the file and the screening (`report.py`).
    sections = models.JSONField(_("sections"), default=dict)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    review_note = models.TextField(_("reviewer's note"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    finalised_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("court report")
        verbose_name_plural = _("court reports")
        indexes = [models.Index(fields=["mother", "status"], name="courtreport_mother_idx")]

    def __str__(self) -> str:
        return self.number or str(self.get_status_display())

    def get_absolute_url(self) -> str:
        return link("legal:report_detail", self.code)
