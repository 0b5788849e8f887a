from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from komar.accounts.models import Organisation
from komar.facilities.models import Facility, Province
from komar.lib.dates import add_months, age_in_months
from komar.lib.phones import format_phone
from komar.lib.rules import LEVELS, Rule, rule_by_code, shown
from komar.lib.urls import link


class OffenceCategory(models.Model):
    """Reference data: the kinds of offence women are charged with (LICADHO's categories)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label_en = models.CharField(_("label (English)"), max_length=150)
    label_km = models.CharField(_("label (Khmer)"), max_length=150)
    is_drug_related = models.BooleanField(_("drug-related"), default=False)
    is_violent = models.BooleanField(_("violent"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("offence category")
        verbose_name_plural = _("offence categories")

    def __str__(self) -> str:
        return self.label_km if get_language() == "km" else self.label_en


class Mother(models.Model):
    """A woman in conflict with the law who is the mother (or expecting) of young children.

    Her file is the unit a social worker opens. `latest_episode` points to her most recent
    custody episode (kept by the actions in cases/actions.py) so that access checks and the case
    list need no subquery.
    """

    class Literacy(models.TextChoices):
        NONE = "none", _("Cannot read or write")
        SOME = "some", _("Reads and writes a little")
        LITERATE = "literate", _("Reads and writes Khmer")
        UNKNOWN = "unknown", _("Unknown")

    class Ethnicity(models.TextChoices):
        KHMER = "khmer", _("Khmer")
        KHMER_ISLAM = "khmer_islam", _("Khmer Islam (Cham)")
        VIETNAMESE = "vietnamese", _("Vietnamese")
        INDIGENOUS = "indigenous", _("Indigenous")
        OTHER = "other", _("Other")
        UNKNOWN = "unknown", _("Unknown")

    class FirstOffence(models.TextChoices):
        YES = "yes", _("Yes, first time")
        NO = "no", _("No, previous convictions")
        UNKNOWN = "unknown", _("Unknown")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Readable and unique, given at registration (`numbers.py`): the province of the facility
    # she was registered in, the year and a sequence, e.g. "SR-2026-0042". Shown on her file,
    # printouts and page titles, searchable; her URLs keep the random `code`.
    case_number = models.CharField(_("case number"), max_length=20, unique=True, editable=False)
    name_km = models.CharField(_("name in Khmer script"), max_length=150, blank=True)
    name_latin = models.CharField(_("name in Latin letters"), max_length=150, blank=True)
    other_names = models.CharField(_("other names or spellings"), max_length=200, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    dob_is_estimated = models.BooleanField(_("date of birth is estimated"), default=False)
    # No defaults for her answers: the form starts empty and she (or the worker) chooses, if
    # need be "Unknown".
    ethnicity = models.CharField(_("ethnicity"), max_length=20, choices=Ethnicity.choices)
    nationality = models.CharField(_("nationality"), max_length=60, blank=True)
    national_id_number = models.CharField(_("national ID card number"), max_length=40, blank=True)
    family_book_number = models.CharField(_("family book number"), max_length=40, blank=True)
    other_identity_document = models.CharField(
        _("other identity document"), max_length=100, blank=True
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province"),
    )
    district = models.CharField(_("district"), max_length=100, blank=True)
    commune = models.CharField(_("commune"), max_length=100, blank=True)
    village = models.CharField(_("village"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    emergency_contact = models.CharField(
        _("emergency contact (name, relationship, phone)"), max_length=200, blank=True
    )
    literacy = models.CharField(_("literacy"), max_length=10, choices=Literacy.choices)
    first_offence = models.CharField(
        _("first offence"), max_length=10, choices=FirstOffence.choices
    )
    is_pregnant = models.BooleanField(_("pregnant"), default=False)
    expected_delivery_date = models.DateField(_("expected delivery date"), null=True, blank=True)
    is_breastfeeding = models.BooleanField(_("breastfeeding"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="mothers",
        verbose_name=_("assigned organisation"),
    )
    # Who is responsible for her case: a social worker of her organisation and, optionally, a
    # legal officer who may see her file. Set at registration and by a supervisor.
    assigned_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible social worker"),
        db_index=False,  # served by `mother_worker_idx`
    )
    assigned_legal_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("legal officer"),
    )
    # A closed case (`Closure`, approved by a supervisor) is read-only, out of the active lists
    # and the rules, and still found by a search. Closing deletes nothing.
    is_closed = models.BooleanField(_("case closed"), default=False, editable=False)
    latest_episode = models.ForeignKey(
        "CustodyEpisode",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # The facility of `latest_episode` (held there now, or last held there), kept by the same
    # actions: the access scope is then two indexed columns of this table, with no join.
    facility = models.ForeignKey(
        Facility,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # Copies for the case list's filters, kept by the same actions: the legal status of her
    # latest episode ("" if none) and how many of her children live inside with her.
    legal_status = models.CharField(max_length=20, blank=True, editable=False)
    children_inside = models.PositiveSmallIntegerField(default=0, editable=False)
    # Copies for the case list's sort orders, kept by the same actions: the admission date of
    # her latest episode, and the birth date of the eldest child living inside with her (the
    # nearest stay limit is that child's).
    admitted_on = models.DateField(null=True, blank=True, editable=False)
    eldest_inside_born_on = models.DateField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        ordering = ["name_latin", "name_km"]
        verbose_name = _("woman")
        verbose_name_plural = _("women")
        indexes = [
            # The case list's default order and the short-query fallback search.
            models.Index(fields=["name_latin"], name="mother_name_latin_idx"),
            models.Index(fields=["name_km"], name="mother_name_km_idx"),
            # Duplicate detection narrows candidates by birth date first.
            models.Index(fields=["date_of_birth"], name="mother_dob_idx"),
            # The case list, one index per half of the scope (`queries.case_list_keys`): each
            # half is counted, filtered on her own columns and read in name order from its
            # index, without visiting the table.
            models.Index(
                fields=[
                    "facility",
                    "name_latin",
                    "name_km",
                    "legal_status",
                    "children_inside",
                    "is_pregnant",
                    "is_closed",
                    "assigned_worker",
                ],
                name="mother_facility_list_idx",
            ),
            models.Index(
                fields=[
                    "organisation",
                    "name_latin",
                    "name_km",
                    "legal_status",
                    "children_inside",
                    "is_pregnant",
                    "facility",
                    "is_closed",
                    "assigned_worker",
                ],
                name="mother_org_list_idx",
            ),
            # "My cases", and a supervisor's caseload of each worker.
            models.Index(
                fields=["assigned_worker", "is_closed", "name_latin", "name_km"],
                name="mother_worker_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # `do_register_mother` numbers her from her admission facility; a woman written any
        # other way (an import, a test) still gets a number.
        if not self.case_number:
            from komar.cases import numbers  # numbers reads this module's models

            prefix = numbers.prefix_for(self.facility, self.province)
            (self.case_number,) = numbers.take(prefix, timezone.localdate().year)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return link("casefile:mother_file", self.code)

    @property
    def display_name(self) -> str:
        if get_language() == "km":
            return self.name_km or self.name_latin
        return self.name_latin or self.name_km

    @property
    def second_name(self) -> str:
        """The name in the other script, shown beside the display name."""
        other = self.name_latin if get_language() == "km" else self.name_km
        return other if other != self.display_name else ""

    @property
    def phone_display(self) -> str:
        """Her phone number as people write it (stored in E.164)."""
        return format_phone(self.phone)

    def age(self, on: dt.date | None = None) -> int | None:
        if self.date_of_birth is None:
            return None
        return age_in_months(self.date_of_birth, on or timezone.localdate()) // 12

    @property
    def is_in_custody(self) -> bool:
        episode = self.latest_episode
        return episode is not None and episode.ended_on is None


class CustodyEpisode(models.Model):
    """One stay of a woman in one facility, from admission to release or transfer."""

    class LegalStatus(models.TextChoices):
        POLICE_CUSTODY = "police_custody", _("Police custody")
        PRE_TRIAL = "pre_trial", _("Pre-trial detention")
        AWAITING_JUDGMENT = "awaiting_judgment", _("Tried, awaiting final judgment")
        SENTENCED = "sentenced", _("Sentenced")
        RELEASED = "released", _("Released")

    class EndReason(models.TextChoices):
        RELEASED = "released", _("Released")
        TRANSFERRED = "transferred", _("Transferred")

    class ReleaseKind(models.TextChoices):
        ACQUITTED = "acquitted", _("Acquitted or charges dropped")
        BAIL = "bail", _("Bail or judicial supervision")
        SENTENCE_SERVED = "sentence_served", _("Sentence served")
        SUSPENDED = "suspended", _("Suspended or non-custodial sentence")
        PARDON = "pardon", _("Pardon, amnesty or early release")
        OTHER = "other", _("Other")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mother = models.ForeignKey(
        Mother, on_delete=models.PROTECT, related_name="episodes", verbose_name=_("woman")
    )
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="episodes", verbose_name=_("facility")
    )
    prison_number = models.CharField(_("prison registration number"), max_length=40, blank=True)
    admission_date = models.DateField(_("admission date"))
    legal_status = models.CharField(_("legal status"), max_length=20, choices=LegalStatus.choices)
    offence_category = models.ForeignKey(
        OffenceCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("offence category"),
    )
    charges = models.TextField(_("charges"), blank=True)
    court = models.CharField(_("court"), max_length=150, blank=True)
    lawyer = models.CharField(_("lawyer or legal-aid provider"), max_length=150, blank=True)
    expected_release_date = models.DateField(_("expected release date"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(
        _("end reason"), max_length=20, choices=EndReason.choices, blank=True
    )
    release_kind = models.CharField(
        _("kind of release"), max_length=20, choices=ReleaseKind.choices, blank=True
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-admission_date", "-created_at"]
        verbose_name = _("custody episode")
        verbose_name_plural = _("custody episodes")

    def __str__(self) -> str:
        return f"{self.facility} {self.admission_date:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


@dataclass(frozen=True)
class ChildFlag:
    code: str
    label: str
    level: str  # "warning" or "danger"


class Child(models.Model):
    """A child of a registered woman, inside the facility with her or outside.

    A child in prison is never a prisoner: nothing here files a child as one. Where she lives is
    the dated `Placement` history; `current_placement` points to the open one.
    """

    class Sex(models.TextChoices):
        FEMALE = "female", _("Girl")
        MALE = "male", _("Boy")

    class BirthRegistration(models.TextChoices):
        REGISTERED = "registered", _("Registered, certificate issued")
        NOT_REGISTERED = "not_registered", _("Not registered")
        UNKNOWN = "unknown", _("Unknown")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mother = models.ForeignKey(
        Mother, on_delete=models.PROTECT, related_name="children", verbose_name=_("mother")
    )
    name_km = models.CharField(_("name in Khmer script"), max_length=150, blank=True)
    name_latin = models.CharField(_("name in Latin letters"), max_length=150, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"))
    dob_is_estimated = models.BooleanField(_("date of birth is estimated"), default=False)
    birth_registration = models.CharField(
        _("birth registration"), max_length=20, choices=BirthRegistration.choices
    )
    birth_certificate_number = models.CharField(
        _("birth certificate number"), max_length=40, blank=True
    )
    # Confidential (Nelson Mandela Rule 28): never printed on identity documents or summaries.
    born_in_custody = models.BooleanField(_("born in custody (confidential)"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    current_placement = models.ForeignKey(
        "Placement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # A copy kept by the actions that start or correct a placement: the facility of her current
    # placement while she lives inside with her mother, else empty. The children inside a
    # facility (its register, "My work"'s count) are then one index range, with no join to the
    # placements.
    inside_facility = models.ForeignKey(
        Facility,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        db_index=False,
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["date_of_birth", "created_at"]
        verbose_name = _("child")
        verbose_name_plural = _("children")
        indexes = [
            # The case list's "near or over the stay limit" filters compare birth dates.
            models.Index(fields=["date_of_birth"], name="child_dob_idx"),
            # The children inside a facility, with their mothers for her scope's probe.
            models.Index(fields=["inside_facility", "mother"], name="child_inside_facility_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return link("casefile:child_file", self.code)

    @property
    def display_name(self) -> str:
        if get_language() == "km":
            return self.name_km or self.name_latin or str(_("(no name yet)"))
        return self.name_latin or self.name_km or str(_("(no name yet)"))

    @property
    def second_name(self) -> str:
        other = self.name_latin if get_language() == "km" else self.name_km
        return other if other and other != self.display_name else ""

    @property
    def stay_limit_date(self) -> dt.date:
        return add_months(self.date_of_birth, settings.KOMAR_CHILD_STAY_LIMIT_MONTHS)

    def age_months(self, on: dt.date | None = None) -> int:
        return age_in_months(self.date_of_birth, on or timezone.localdate())

    @property
    def is_inside(self) -> bool:
        placement = self.current_placement
        return placement is not None and placement.kind == Placement.Kind.WITH_MOTHER

    @property
    def whereabouts_unknown(self) -> bool:
        placement = self.current_placement
        return placement is None or placement.kind == Placement.Kind.UNKNOWN

    def days_left(self, on: dt.date | None = None) -> int:
        """Days until the stay limit (negative once over it)."""
        return (self.stay_limit_date - (on or timezone.localdate())).days

    @property
    def days_over(self) -> int:
        return max(0, -self.days_left())

    def flags(self, on: dt.date | None = None) -> list[ChildFlag]:
        today = on or timezone.localdate()
        flags: list[ChildFlag] = []
        if self.is_inside:
            days = self.days_left(today)
            if days < 0:
                flags.append(ChildFlag("over_limit", str(_("Over the stay limit")), "danger"))
            elif days <= settings.KOMAR_STAY_LIMIT_WARNING_DAYS:
                label = _("Within %(days)s days of the stay limit") % {
                    "days": settings.KOMAR_STAY_LIMIT_WARNING_DAYS
                }
                flags.append(ChildFlag("near_limit", str(label), "warning"))
        if self.whereabouts_unknown:
            flags.append(ChildFlag("whereabouts_unknown", str(_("Whereabouts unknown")), "danger"))
        return flags


class Placement(models.Model):
    """Where, and with whom, a child lives during a period. The history is never overwritten."""

    class Kind(models.TextChoices):
        WITH_MOTHER = "with_mother", _("With the mother in the facility")
        MOTHER_OUTSIDE = "mother_outside", _("With the mother, outside custody")
        FATHER = "father", _("With the father")
        RELATIVE = "relative", _("With a relative")
        OTHER_FAMILY = "other_family", _("Other family-based care")
        FOSTER = "foster", _("Foster care")
        PAGODA = "pagoda", _("Pagoda-based care")
        INSTITUTION = "institution", _("Residential care institution")
        UNKNOWN = "unknown", _("Unknown")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="placements", verbose_name=_("child")
    )
    kind = models.CharField(_("where the child lives"), max_length=20, choices=Kind.choices)
    facility = models.ForeignKey(
        Facility,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("facility"),
    )
    carer_name = models.CharField(_("carer's name"), max_length=150, blank=True)
    carer_relationship = models.CharField(
        _("carer's relationship to the child"), max_length=100, blank=True
    )
    carer_contact = models.CharField(_("carer's phone or address"), max_length=200, blank=True)
    start_date = models.DateField(_("since"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-start_date", "-created_at"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        indexes = [
            # A supervisor's "My work": the children living in a residential institution, the
            # longest there first, read in this order from the placements of that kind rather
            # than from every placement in the country. Partial: an index on the kind would be
            # taken, before statistics say otherwise, for the most common kind too.
            models.Index(
                fields=["start_date"],
                condition=models.Q(kind="institution"),
                name="placement_institution_idx",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())

    @property
    def carer_contact_display(self) -> str:
        """The carer's phone number as people write it, or the address as typed."""
        return format_phone(self.carer_contact)


def inside_facility(placement: Placement | None) -> Facility | None:
    """The copy `Child.inside_facility` for her current placement: its facility while she lives
    inside with her mother."""
    if placement is None or placement.kind != Placement.Kind.WITH_MOTHER:
        return None
    return placement.facility


class Consent(models.Model):
    """Consent given by a woman for one purpose; withdrawn, never deleted."""

    class Purpose(models.TextChoices):
        CASE_MANAGEMENT = "case_management", _("Case management")
        SHARING = "sharing", _("Sharing with a named organisation")
        RESEARCH = "research", _("Research")

    class Method(models.TextChoices):
        SIGNATURE = "signature", _("Signature")
        THUMBPRINT = "thumbprint", _("Thumbprint")
        VERBAL = "verbal", _("Verbal, with a named witness")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mother = models.ForeignKey(
        Mother, on_delete=models.PROTECT, related_name="consents", verbose_name=_("woman")
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    # The organisation she agreed to share her file with (purpose "sharing"). While the consent
    # is active, that organisation's staff see her file (an `AccessGrant`).
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shared with"),
    )
    # The name as typed before organisations were chosen from the list (older records).
    shared_with = models.CharField(_("shared with (organisation)"), max_length=150, blank=True)
    method = models.CharField(_("how consent was given"), max_length=20, choices=Method.choices)
    witness_name = models.CharField(_("witness"), max_length=150, blank=True)
    given_on = models.DateField(_("given on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_note = models.CharField(_("withdrawal note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-given_on", "-created_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [
            # The consent state of the research study's stored numbers (`research.study`):
            # how many research consents, how many withdrawn, counted inside the index.
            models.Index(fields=["purpose", "withdrawn_on"], name="consent_purpose_idx"),
        ]

    def __str__(self) -> str:
        return str(self.get_purpose_display())

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None


class Referral(models.Model):
    """A woman referred by one organisation to another for a named service (Primero's model).

    It needs her active consent to share with the receiving organisation, or a supervisor's
    override with a written reason. The receiving organisation accepts (and then sees her file,
    through an `AccessGrant`) or declines, with a reason."""

    class Service(models.TextChoices):
        LEGAL_AID = "legal_aid", _("Legal aid")
        FAMILY_TRACING = "family_tracing", _("Family tracing")
        HEALTH = "health", _("Health care")
        ALTERNATIVE_CARE = "alternative_care", _("Alternative care for a child")
        LIVELIHOOD = "livelihood", _("Livelihood support")

    class Status(models.TextChoices):
        # Asked for by the organisation that would receive her, which found her registered by
        # another at registration (a duplicate outside its scope): her organisation refers her
        # (then it is accepted at once) or declines.
        REQUESTED = "requested", _("Asked for, waiting for her organisation")
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mother = models.ForeignKey(
        Mother, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("woman")
    )
    from_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("referred by")
    )
    to_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("referred to")
    )
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    reason = models.TextField(_("why she is referred"))
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Without her consent, a supervisor's decision and why.
    override_reason = models.TextField(_("why without her consent"), blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    referred_at = models.DateTimeField(default=timezone.now, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    answered_at = models.DateTimeField(null=True, blank=True, editable=False)
    answer_reason = models.TextField(_("reason for the answer"), blank=True)
    # Who asked for it, when the receiving organisation asked (status "requested" at first).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    requested_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-referred_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            # "My work": the referrals waiting for an organisation's answer.
            models.Index(
                fields=["to_organisation", "-referred_at"],
                condition=models.Q(status="pending"),
                name="referral_pending_idx",
            ),
            # "My work": the requests waiting for her organisation to refer a woman.
            models.Index(
                fields=["from_organisation", "-referred_at"],
                condition=models.Q(status="requested"),
                name="referral_requested_idx",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_service_display())


class Closure(models.Model):
    """Closing a woman's case: asked for with a reason, approved (or refused) by a supervisor;
    a supervisor who asks approves it herself. Reopening, with a reason, ends it. Never
    deleted: her file lists every closure and reopening."""

    class Reason(models.TextChoices):
        SETTLED = "settled", _("Released and her children settled")
        TRANSFERRED = "transferred", _("Transferred to another organisation")
        LOST_CONTACT = "lost_contact", _("Lost contact")
        DIED = "died", _("She died")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a supervisor")
        CLOSED = "closed", _("Closed")
        REFUSED = "refused", _("Refused")
        REOPENED = "reopened", _("Reopened")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mother = models.ForeignKey(
        Mother, on_delete=models.PROTECT, related_name="closures", verbose_name=_("woman")
    )
    reason = models.CharField(_("why close her case"), max_length=20, choices=Reason.choices)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    requested_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decision_note = models.TextField(_("supervisor's note"), blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    reopened_at = models.DateTimeField(null=True, blank=True, editable=False)
    reopen_reason = models.TextField(_("why reopen her case"), blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("case closure")
        verbose_name_plural = _("case closures")
        indexes = [
            # A supervisor's "My work": the closures waiting for approval.
            models.Index(
                fields=["requested_at"],
                condition=models.Q(status="pending"),
                name="closure_pending_idx",
            ),
        ]
        constraints = [
            # At most one closure waiting or in force per woman.
            models.UniqueConstraint(
                fields=["mother"],
                condition=models.Q(status__in=["pending", "closed"]),
                name="closure_one_open_per_mother",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_reason_display())


class CaseNumberSequence(models.Model):
    """The last case number given for a prefix and a year (`numbers.py`)."""

    prefix = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="case_number_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"


class AccessGrant(models.Model):
    """An organisation other than hers may see a woman's file: she consented to share with it,
    or it accepted a referral. Kept by the actions; ended, never deleted. The access scope
    (`access.scope`) reads the open grants of the user's organisation through one index."""

    class Reason(models.TextChoices):
        CONSENT = "consent", _("Her consent to share")
        REFERRAL = "referral", _("An accepted referral")

    mother = models.ForeignKey(Mother, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=10, choices=Reason.choices)
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["organisation", "mother"],
                condition=models.Q(ended_at__isnull=True),
                name="grant_open_org_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason} {self.organisation_id} {self.mother_id}"


OPEN = models.Q(resolved_at__isnull=True)


class Finding(models.Model):
    """A flag raised by a named, versioned rule (`komar.lib.rules`) about a child or a woman.

    Stored, and kept current by the actions that change its facts (`cases/findings.py`) and by
    the daily `refresh_findings` command, so that lists of flags are indexed queries. Resolved,
    never deleted: a child's page shows when each flag was raised and resolved.
    """

    class Resolution(models.TextChoices):
        NO_LONGER_APPLIES = "facts", _("No longer applies")
        RULE_CHANGED = "rule_changed", _("The rule changed")
        RULE_RETIRED = "rule_retired", _("The rule was retired")
        CASE_CLOSED = "case_closed", _("The case was closed")

    rule_code = models.CharField(_("rule"), max_length=60)
    rule_version = models.PositiveSmallIntegerField(_("rule version"))
    # 0 danger, 1 warning: "most urgent first" is an index order.
    priority = models.PositiveSmallIntegerField()
    mother = models.ForeignKey(Mother, on_delete=models.PROTECT, related_name="findings")
    # The child the finding is about, or empty when it is about the woman herself.
    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, null=True, blank=True, related_name="findings"
    )
    # Copies of the woman's scope columns and of the subject's birth date (the oldest child
    # first), kept by the same refresh, so that a user's flags need no join.
    # (No index of their own: the partial indexes below serve every query on them.)
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    born_on = models.DateField(null=True, blank=True)
    facts = models.JSONField(_("facts used"), default=list)
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolution = models.CharField(
        _("why resolved"), max_length=20, choices=Resolution.choices, blank=True
    )

    class Meta:
        ordering = ["priority", "rule_code", "born_on", "pk"]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        indexes = [
            # A user's open flags, per rule and most urgent first: one index per half of the
            # scope ("held in my facilities", "assigned to my organisation").
            models.Index(
                fields=["facility", "rule_code", "priority", "born_on"],
                condition=OPEN,
                name="finding_open_facility_idx",
            ),
            models.Index(
                fields=["organisation", "rule_code", "priority", "born_on"],
                condition=OPEN,
                name="finding_open_org_idx",
            ),
            # The case list's filter "with the flag X" (inside the user's scope of women).
            models.Index(
                fields=["rule_code", "mother"], condition=OPEN, name="finding_open_rule_idx"
            ),
            # The refresh of one woman's findings, and her file.
            models.Index(fields=["mother", "resolved_at"], name="finding_mother_idx"),
        ]
        constraints = [
            # One open finding per rule and subject.
            models.UniqueConstraint(
                fields=["rule_code", "mother", "child"],
                condition=models.Q(resolved_at__isnull=True, child__isnull=False),
                name="finding_one_open_per_child",
            ),
            models.UniqueConstraint(
                fields=["rule_code", "mother"],
                condition=models.Q(resolved_at__isnull=True, child__isnull=True),
                name="finding_one_open_per_mother",
            ),
        ]

    def __str__(self) -> str:
        return self.rule_code

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def rule(self) -> Rule | None:
        """The rule as registered now (None once retired)."""
        return rule_by_code(self.rule_code)

    @property
    def level(self) -> str:
        return LEVELS[self.priority]

    @property
    def label(self) -> str:
        rule = self.rule
        return str(rule.title) if rule is not None else self.rule_code

    @property
    def shown_facts(self) -> list[tuple[str, str]]:
        return shown(self.facts)

    @property
    def as_list(self) -> list[Finding]:
        """For templates that show one finding with the shared findings include."""
        return [self]


class Deadline(models.Model):
    """The date by which something is due for a child or a woman (`komar.lib.rules.Deadline`):
    a child to measure by, an admission health check to record by.

    Stored beside the findings and kept by the same refresh (the actions, in their transaction,
    and the daily command), with copies of the woman's scope columns and of the subject's birth
    date, so that a work list of "My work" (due within a week, the soonest first) is a range of
    one index per half of the user's scope. Not a flag: replaced when its date changes, deleted
    when nothing is due, with no history."""

    code = models.CharField(max_length=60)
    mother = models.ForeignKey(Mother, on_delete=models.CASCADE, related_name="deadlines")
    # The child it is about, or empty when it is about the woman herself.
    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, null=True, blank=True, related_name="deadlines"
    )
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    born_on = models.DateField(null=True, blank=True)
    due_on = models.DateField()
    # The day from which it no longer applies by the date alone (`komar.lib.rules.Deadline`),
    # if any: the lists leave it out from then on, before the nightly refresh deletes it.
    lapses_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "born_on", "pk"]
        indexes = [
            # A user's deadlines of one kind, the soonest first: one index per half of the
            # scope ("held in my facilities", "assigned to my organisation"), holding the lapse
            # day so that a list is counted inside the index.
            models.Index(
                fields=["facility", "code", "due_on", "born_on", "lapses_on"],
                name="deadline_facility_idx",
            ),
            models.Index(
                fields=["organisation", "code", "due_on", "born_on", "lapses_on"],
                name="deadline_org_idx",
            ),
            # The refresh of one woman's deadlines.
            models.Index(fields=["mother"], name="deadline_mother_idx"),
            # The grants' half of the scope: one kind's deadlines of each woman shared with her
            # organisation, side by side in the index (a legal-aid organisation may hold
            # 22,000 grants: read through `deadline_mother_idx` they were scattered, 19 ms a
            # list on SQLite and 15 on PostgreSQL at 100,000 women, against 11 and 5).
            models.Index(
                fields=["code", "mother", "due_on", "born_on", "lapses_on"],
                name="deadline_grant_idx",
            ),
        ]
        constraints = [
            # One per kind and subject.
            models.UniqueConstraint(
                fields=["code", "mother", "child"],
                condition=models.Q(child__isnull=False),
                name="deadline_one_per_child",
            ),
            models.UniqueConstraint(
                fields=["code", "mother"],
                condition=models.Q(child__isnull=True),
                name="deadline_one_per_mother",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.due_on}"
