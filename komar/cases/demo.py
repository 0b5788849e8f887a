"""The registry's demo data: organisations, users, women, custody episodes, children, placements
and consents, fictional and deterministic for a seed. `casefile`'s `seed_demo` command writes
them chunk by chunk and hands each chunk's `WomanFacts` to the workflows' demos above
(`counselling/demo.py`, `assessments/demo.py`), which draw their casework from them.

Everything belongs to four demo organisations (fixed codes, names ending in "(demo)"); that is how
`--flush` finds what to delete. The proportions follow the domain notes (shared/docs/domain.md
3.2-3.4): mostly pre-trial, about half drug offences, 97% first-time offenders, 70% without a
lawyer, about one child inside for every two women, a few over the stay limit.

Rows are written in bulk (`write_rows`), not through cases.actions: the actions write one audit
row per record, and an audit trail of events that never happened would be false. So no audit rows
are written for this synthetic data. The pointers and copies the actions keep (a woman's
`latest_episode`, `facility`, `legal_status` and `children_inside`, a child's
`current_placement`) are set by the same rules (`set_pointers`). `--flush` deletes the demo women
together with the audit rows about them (written when people used the demo); it never touches
women of other organisations.

The same seed on the same day gives the same data, record codes included, so links in training
material keep working after a reset. Demo users are reset, never deleted.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import accumulate
from operator import attrgetter
from typing import Any, Generic, TypeVar

from axes.utils import reset as reset_login_failures
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError
from django.db import connections, models, router, transaction
from django.db.models import ForeignObjectRel, ProtectedError, QuerySet, RestrictedError, signals

from komar.accounts.models import Organisation, Role, User
from komar.cases import numbers
from komar.cases.models import (
    AccessGrant,
    Child,
    Closure,
    Consent,
    CustodyEpisode,
    Mother,
    OffenceCategory,
    Placement,
    inside_facility,
)
from komar.facilities.models import Facility, Province
from komar.lib.dates import add_months, earliest_birth_date_reaching_on_or_after

T = TypeVar("T")
M = TypeVar("M", bound=models.Model)

DEMO_PASSWORD = "komar-demo-2026"  # noqa: S105 - published in the README for the demo
# Women generated in memory and written in one transaction; small enough to keep memory flat.
CHUNK_SIZE = 2000
# The orders in which the actions take a woman's latest episode and a child's open placement.
EPISODE_NEWEST_FIRST = ["-admission_date", "-pk"]
PLACEMENT_NEWEST_FIRST = ["-start_date", "-pk"]

_DEMO_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "demo.komar.invalid")


@dataclass(frozen=True)
class OrganisationSpec:
    key: str
    name_en: str
    name_km: str
    kind: str

    @property
    def code(self) -> uuid.UUID:
        # Fixed codes: renaming a demo organisation in the admin must not orphan its data.
        return uuid.uuid5(_DEMO_NAMESPACE, f"organisation/{self.key}")


ORGANISATIONS = (
    OrganisationSpec(
        "ngo",
        "Family Links Cambodia (demo)",
        "អង្គការតំណភ្ជាប់គ្រួសារកម្ពុជា (សាកល្បង)",
        Organisation.Kind.NGO,
    ),
    OrganisationSpec(
        "legal_aid",
        "Legal Aid Partners (demo)",
        "ដៃគូជំនួយផ្លូវច្បាប់ (សាកល្បង)",
        Organisation.Kind.LEGAL_AID,
    ),
    OrganisationSpec(
        "prisons",
        "General Department of Prisons (demo)",
        "អគ្គនាយកដ្ឋានពន្ធនាគារ (សាកល្បង)",
        Organisation.Kind.PRISON_DEPARTMENT,
    ),
    OrganisationSpec(
        "other_ngo",
        "Mekong Child Rights (demo)",
        "អង្គការសិទ្ធិកុមារមេគង្គ (សាកល្បង)",
        Organisation.Kind.NGO,
    ),
)
DEMO_ORGANISATION_CODES = tuple(spec.code for spec in ORGANISATIONS)

SIEM_REAP = "Siem Reap Provincial Prison"
CC2 = "Correctional Centre 2 (Prey Sar)"
BATTAMBANG = "Battambang Provincial Prison"
# Where most women are held (LICADHO's larger women's sections); every other facility gets 2.
FACILITY_WEIGHTS = {
    SIEM_REAP: 15,
    CC2: 15,
    BATTAMBANG: 8,
    "Kandal Provincial Prison": 7,
    "Phnom Penh Municipal Prison (PJ)": 9,
}
OTHER_FACILITY_WEIGHT = 2


@dataclass(frozen=True)
class UserSpec:
    username: str
    role: str
    organisation: str
    facilities: str  # "all" = every facility that holds women, else names joined by "|"
    full_name: str
    language: str = "en"
    is_admin: bool = False

    @property
    def code(self) -> uuid.UUID:
        # Fixed too: a fresh database seeded again holds the same users, links included.
        return uuid.uuid5(_DEMO_NAMESPACE, f"user/{self.username}")


USERS = (
    UserSpec("sokha", Role.SOCIAL_WORKER, "ngo", SIEM_REAP, "ជា សុខា", language="km"),
    UserSpec("dara", Role.SUPERVISOR, "ngo", SIEM_REAP, "Heng Dara"),
    UserSpec("leakhena", Role.SOCIAL_WORKER, "ngo", SIEM_REAP, "Chan Leakhena"),
    UserSpec("vicheka", Role.LEGAL_OFFICER, "legal_aid", f"{SIEM_REAP}|{CC2}", "Lim Vicheka"),
    UserSpec("monitor", Role.FACILITY_MONITOR, "prisons", "all", "Ouk Sambath"),
    UserSpec("researcher", Role.RESEARCHER, "ngo", "", "Keo Bopha"),
    UserSpec("admin", Role.ADMINISTRATOR, "ngo", "", "Demo Administrator", is_admin=True),
    UserSpec("outsider", Role.SOCIAL_WORKER, "other_ngo", BATTAMBANG, "Nuon Rith"),
)


@dataclass(frozen=True)
class Weighted(Generic[T]):
    """A fixed distribution to draw from with a seeded generator."""

    items: tuple[T, ...]
    cum_weights: tuple[float, ...]

    @classmethod
    def of(cls, pairs: Sequence[tuple[T, float]]) -> Weighted[T]:
        return cls(tuple(p[0] for p in pairs), tuple(accumulate(p[1] for p in pairs)))

    def pick(self, rng: random.Random) -> T:
        return rng.choices(self.items, cum_weights=self.cum_weights)[0]


Name = tuple[str, str]  # (Khmer script, romanisation)

# Common Khmer family names; the first few are much more frequent.
FAMILY_NAMES: Weighted[Name] = Weighted.of(
    [
        (("សុខ", "Sok"), 8),
        (("ចាន់", "Chan"), 6),
        (("គឹម", "Kim"), 4),
        (("ហេង", "Heng"), 4),
        (("លី", "Ly"), 4),
        (("ម៉ៅ", "Mao"), 3),
        (("ស្រី", "Srey"), 3),
        (("ពៅ", "Pov"), 2),
        (("ឈឹម", "Chhim"), 2),
        (("វង្ស", "Vong"), 2),
        (("សួន", "Suon"), 2),
        (("ប៊ុន", "Bun"), 2),
        (("កែវ", "Keo"), 3),
        (("មាស", "Meas"), 2),
        (("ញឹម", "Nhem"), 2),
        (("ពេជ្រ", "Pich"), 2),
        (("ប្រាក់", "Prak"), 2),
        (("សេង", "Seng"), 2),
        (("សំ", "Som"), 2),
        (("ទេព", "Tep"), 2),
        (("យឹម", "Yim"), 2),
        (("ជា", "Chea"), 3),
        (("ហែម", "Hem"), 1),
        (("ឡុង", "Long"), 1),
        (("អ៊ុក", "Ouk"), 2),
        (("ទូច", "Touch"), 1),
        (("នួន", "Nuon"), 2),
        (("លឹម", "Lim"), 2),
        (("ខៀវ", "Khiev"), 1),
        (("អ៊ុំ", "Oum"), 1),
        (("ស៊ិន", "Sin"), 1),
        (("ប៉ែន", "Pen"), 1),
    ]
)
FEMALE_NAMES: tuple[Name, ...] = (
    ("សុភា", "Sophea"),
    ("ស្រីមុំ", "Sreymom"),
    ("ចាន់ធា", "Chanthea"),
    ("ចាន់ថា", "Chantha"),
    ("ដាវី", "Davy"),
    ("សុខា", "Sokha"),
    ("រ៉ានី", "Rany"),
    ("វណ្ណា", "Vanna"),
    ("ផល្លា", "Phalla"),
    ("ធីតា", "Thida"),
    ("ស្រីនាង", "Sreyneang"),
    ("ស្រីពៅ", "Sreypov"),
    ("សុភាព", "Sopheap"),
    ("បុប្ផា", "Bopha"),
    ("គន្ធា", "Kunthea"),
    ("លក្ខិណា", "Leakhena"),
    ("ម្លិះ", "Malis"),
    ("ធារី", "Theary"),
    ("សុធា", "Sothea"),
    ("ចិន្តា", "Chenda"),
    ("រស្មី", "Raksmey"),
    ("សុគន្ធា", "Sokunthea"),
    ("ស្រីពេជ្រ", "Sreypich"),
    ("កញ្ញា", "Kanha"),
    ("ណារី", "Nary"),
    ("ស្រីនិច", "Sreynich"),
)
MALE_NAMES: tuple[Name, ...] = (
    ("វិចិត្រ", "Vichet"),
    ("រតនា", "Rathana"),
    ("ពិសិដ្ឋ", "Piseth"),
    ("សុភ័ក្ត្រ", "Sopheak"),
    ("ដារ៉ា", "Dara"),
    ("វិសាល", "Visal"),
    ("សុវណ្ណ", "Sovann"),
    ("ប៊ុនធឿន", "Bunthoeun"),
    ("កុសល", "Kosal"),
    ("ភក្ដី", "Pheakdey"),
    ("វាសនា", "Veasna"),
    ("សំណាង", "Samnang"),
    ("មុន្នី", "Mony"),
    ("រិទ្ធ", "Rith"),
    ("ចាន់ធូ", "Chanthou"),
)
# Other romanisations people use for the same names: what the duplicate search has to catch.
SPELLING_VARIANTS = {
    "Sophea": "Sophia",
    "Sreymom": "Srey Mom",
    "Chanthea": "Chantea",
    "Davy": "Davi",
    "Rany": "Rani",
    "Vanna": "Vana",
    "Phalla": "Phala",
    "Thida": "Tida",
    "Sreyneang": "Srey Neang",
    "Sreypov": "Srey Pov",
    "Kunthea": "Kuntheara",
    "Leakhena": "Lakena",
}

RELEASED = CustodyEpisode.LegalStatus.RELEASED
POLICE = CustodyEpisode.LegalStatus.POLICE_CUSTODY
# World Prison Brief, Oct 2015: 34.9% pre-trial, 34.1% awaiting final judgment (domain.md 3.4).
LEGAL_STATUS = Weighted.of(
    [
        (CustodyEpisode.LegalStatus.PRE_TRIAL.value, 35),
        (CustodyEpisode.LegalStatus.AWAITING_JUDGMENT.value, 35),
        (CustodyEpisode.LegalStatus.SENTENCED.value, 20),
        (POLICE.value, 3),
        (RELEASED.value, 7),
    ]
)
# How long ago a woman still inside was admitted, by legal status (days).
ADMISSION_DAYS_AGO: dict[str, tuple[int, int]] = {
    CustodyEpisode.LegalStatus.POLICE_CUSTODY: (0, 2),  # 48 hours, CPC art. 96
    CustodyEpisode.LegalStatus.PRE_TRIAL: (7, 600),
    CustodyEpisode.LegalStatus.AWAITING_JUDGMENT: (120, 900),
    CustodyEpisode.LegalStatus.SENTENCED: (180, 1800),
}
# LICADHO 2015: 56% drug-related; 2014 survey: a third minor property offences (domain.md 3.3).
OFFENCES = Weighted.of(
    [
        ("drug_use", 30),
        ("drug_possession", 20),
        ("theft", 14),
        ("receiving_stolen_goods", 5),
        ("breach_of_trust", 8),
        ("property_damage", 3),
        ("illegal_fishing", 3),
        ("human_trafficking", 3),
        ("violent", 2),
        ("other", 12),
    ]
)
RELEASE_KINDS = Weighted.of(
    [
        (CustodyEpisode.ReleaseKind.BAIL.value, 25),
        (CustodyEpisode.ReleaseKind.ACQUITTED.value, 10),
        (CustodyEpisode.ReleaseKind.SENTENCE_SERVED.value, 30),
        (CustodyEpisode.ReleaseKind.SUSPENDED.value, 15),
        (CustodyEpisode.ReleaseKind.PARDON.value, 15),
        (CustodyEpisode.ReleaseKind.OTHER.value, 5),
    ]
)
LAWYER_SHARE = 0.30  # LICADHO 2015: 70% had no lawyer at trial
LAWYERS = Weighted.of([("Legal Aid Partners (demo)", 2), ("Sopheap & Associates (demo)", 1)])
FIRST_OFFENCE = Weighted.of(
    [
        (Mother.FirstOffence.YES.value, 97),
        (Mother.FirstOffence.NO.value, 2),
        (Mother.FirstOffence.UNKNOWN.value, 1),
    ]
)
LITERACY = Weighted.of(
    [
        (Mother.Literacy.NONE.value, 40),
        (Mother.Literacy.SOME.value, 35),
        (Mother.Literacy.LITERATE.value, 20),
        (Mother.Literacy.UNKNOWN.value, 5),
    ]
)
ETHNICITY = Weighted.of(
    [
        (Mother.Ethnicity.KHMER.value, 90),
        (Mother.Ethnicity.KHMER_ISLAM.value, 5),
        (Mother.Ethnicity.VIETNAMESE.value, 3),
        (Mother.Ethnicity.INDIGENOUS.value, 1),
        (Mother.Ethnicity.UNKNOWN.value, 1),
    ]
)
CHILD_COUNT = Weighted.of([(0, 6), (1, 34), (2, 30), (3, 18), (4, 12)])
# Children inside with a woman in custody: about one for every two women (domain.md 3.2).
INSIDE_COUNT = Weighted.of([(0, 44), (1, 50), (2, 6)])
BORN_INSIDE_SHARE = 0.5  # LICADHO Nov 2014: about half never lived outside
OVER_LIMIT_SHARE = 0.04
NEAR_LIMIT_SHARE = 0.08
OVER_LIMIT_MAX_MONTHS = 6  # children over the limit are 36-42 months old
YOUNG_OUTSIDE_SHARE = 0.2  # some children under three were left outside at the arrest
MIN_SIBLING_GAP_DAYS = 300  # siblings are born at least ten months apart (no twins in the demo)
SIBLING_DRAWS = 30  # tries to space a sibling; a rare woman keeps the last draw
TRANSFER_SHARE = 0.05
PREGNANT_SHARE_WITH_CHILDREN = 0.085
PREGNANT_SHARE_WITHOUT_CHILDREN = 0.6
ESTIMATED_CHILD_DOB_SHARE = 0.2
ESTIMATED_MOTHER_DOB_SHARE = 0.25
REUNITED_AFTER_RELEASE_SHARE = 0.85
# One child in this many of those placed outside came in with her mother and left the facility
# without her later (her family took her, at the mother's request): the separations the
# transitions demo plans and follows up. Chosen from the child's code, drawing nothing more,
# so that every other demo row stays as it was.
SEPARATED_ONE_IN = 4
SEPARATED_AFTER_DAYS = 30  # she had been inside at least this long
OUTSIDE_KIND = Weighted.of(
    [
        (Placement.Kind.RELATIVE.value, 66),
        (Placement.Kind.FATHER.value, 18),
        (Placement.Kind.OTHER_FAMILY.value, 3),
        (Placement.Kind.FOSTER.value, 1),
        (Placement.Kind.PAGODA.value, 4),
        (Placement.Kind.INSTITUTION.value, 6),
        (Placement.Kind.UNKNOWN.value, 2),
    ]
)
RELATIVES = Weighted.of(
    [
        (("grandmother", "f"), 55),
        (("aunt", "f"), 22),
        (("uncle", "m"), 8),
        (("older sister", "f"), 7),
        (("grandfather", "m"), 4),
        (("great-aunt", "f"), 4),
    ]
)
OTHER_FAMILY = Weighted.of([("neighbour", 2), ("family friend", 1), ("godmother", 1)])
REGISTRATION_BORN_OUTSIDE = Weighted.of(
    [
        (Child.BirthRegistration.REGISTERED.value, 75),
        (Child.BirthRegistration.NOT_REGISTERED.value, 15),
        (Child.BirthRegistration.UNKNOWN.value, 10),
    ]
)
REGISTRATION_BORN_INSIDE = Weighted.of(
    [
        (Child.BirthRegistration.REGISTERED.value, 35),
        (Child.BirthRegistration.NOT_REGISTERED.value, 55),
        (Child.BirthRegistration.UNKNOWN.value, 10),
    ]
)
CONSENT_METHOD = Weighted.of(
    [
        (Consent.Method.THUMBPRINT.value, 45),
        (Consent.Method.SIGNATURE.value, 35),
        (Consent.Method.VERBAL.value, 20),
    ]
)
CASE_CONSENT_SHARE = 0.92
RESEARCH_CONSENT_SHARE = 0.65  # of those with case consent: about 60% of all women
SHARING_CONSENT_SHARE = 0.25
WITHDRAWN_CASE_SHARE = 0.015
WITHDRAWN_RESEARCH_SHARE = 0.04
# Cambodian mobile prefixes; the numbers after them are random.
PHONE_PREFIXES = ("11", "12", "15", "16", "17", "77", "78", "85", "92", "93", "95", "97", "99")


@dataclass(frozen=True)
class Reference:
    """What the generator draws from; read from the database once."""

    today: dt.date
    now: dt.datetime
    facilities: Weighted[Facility]
    siem_reap: Facility
    provinces: tuple[Province, ...]
    offences: dict[str, OffenceCategory]
    organisations: dict[str, Organisation]
    users: dict[str, User]
    limit_months: int
    warning_days: int


@dataclass
class ChildRows:
    child: Child
    placements: list[Placement]


@dataclass
class WomanRows:
    mother: Mother
    episodes: list[CustodyEpisode] = field(default_factory=list)
    children: list[ChildRows] = field(default_factory=list)
    consents: list[Consent] = field(default_factory=list)
    closure: Closure | None = None


@dataclass(frozen=True)
class Custody:
    """A woman's custody dates, decided before her records are built."""

    status: str
    facility: Facility
    admission: dt.date
    ended_on: dt.date | None
    transfer_on: dt.date | None
    first_facility: Facility | None


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


class Draws:
    """The small draws every app's demo makes from one seeded generator, and the reference
    (today, the stay limit, the demo users) they draw against."""

    def __init__(self, rng: random.Random, ref: Reference) -> None:
        self.rng = rng
        self.ref = ref
        self.today = ref.today
        self.now = ref.now
        self.limit_months = ref.limit_months
        self.warning_days = ref.warning_days

    def code(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def chance(self, share: float) -> bool:
        return self.rng.random() < share


class Generator(Draws):
    """Builds unsaved model instances for one woman at a time from a seeded generator."""

    def __init__(self, rng: random.Random, ref: Reference) -> None:
        super().__init__(rng, ref)
        today = ref.today
        limit = ref.limit_months
        self.reaching_today = earliest_birth_date_reaching_on_or_after(today, limit)
        self.reaching_after_warning = earliest_birth_date_reaching_on_or_after(
            today + days(ref.warning_days + 1), limit
        )
        self.oldest_inside = add_months(today, -(limit + OVER_LIMIT_MAX_MONTHS))
        self.new_mother = Unsaved(Mother)
        self.new_episode = Unsaved(CustodyEpisode)
        self.new_child = Unsaved(Child)
        self.new_placement = Unsaved(Placement)
        self.new_consent = Unsaved(Consent)

    # Small draws.

    def day_between(self, first: dt.date, last: dt.date) -> dt.date:
        if last <= first:
            return first
        return first + days(self.rng.randint(0, (last - first).days))

    def person(self, sex: str = "f") -> str:
        given = FEMALE_NAMES if sex == "f" else MALE_NAMES
        return f"{FAMILY_NAMES.pick(self.rng)[1]} {self.rng.choice(given)[1]}"

    def phone(self, *, stored: bool = False) -> str:
        """A mobile number as typed ("012 345 678"), or as the forms store it (E.164)."""
        rng = self.rng
        prefix = rng.choice(PHONE_PREFIXES)
        first, last = rng.randint(100, 999), rng.randint(100, 999)
        return f"+855{prefix}{first}{last}" if stored else f"0{prefix} {first} {last}"

    # One woman.

    def woman(self) -> WomanRows:
        rng, ref = self.rng, self.ref
        today = ref.today
        status = LEGAL_STATUS.pick(rng)
        facility = ref.facilities.pick(rng)
        ended_on = None
        # The day the custody picture is drawn for: her release, or today while she is inside.
        reference = today
        if status == RELEASED:
            reference = today - days(rng.randint(1, 720))
            ended_on = reference
            planned_admission = reference - days(rng.randint(30, 900))
        else:
            low, high = ADMISSION_DAYS_AGO[status]
            planned_admission = today - days(rng.randint(low, high))

        n_children = CHILD_COUNT.pick(rng)
        n_inside = min(n_children, INSIDE_COUNT.pick(rng))
        births = self.inside_births(n_inside, reference, in_custody=ended_on is None)
        if status == POLICE:
            # Arrested in the last two days: nobody was born inside yet.
            births = [min(b, planned_admission - days(1)) for b in births]
            born_inside = [False for _ in births]
        else:
            born_inside = [self.chance(BORN_INSIDE_SHARE) for _ in births]
            # Once one child was born inside, she has been inside for every younger one.
            for i in range(1, len(born_inside)):
                born_inside[i] = born_inside[i] or born_inside[i - 1]
        admission = self.fit_admission(planned_admission, births, born_inside, reference)
        custody = self.custody(status, facility, admission, ended_on)

        mother = self.mother(custody, births, n_children)
        rows = WomanRows(mother=mother, episodes=self.episodes(mother, custody))
        family = FAMILY_NAMES.pick(rng)  # the children's family name is usually their father's
        used: set[str] = set()
        for dob, inside in zip(births, born_inside, strict=True):
            child = self.child(mother, family, used, dob, born_in_custody=inside)
            rows.children.append(ChildRows(child, self.inside_placements(child, custody)))
        siblings = list(births)
        for _ in range(n_children - n_inside):
            dob = self.outside_birth(mother, custody, siblings)
            siblings.append(dob)
            child = self.child(mother, family, used, dob, born_in_custody=False)
            rows.children.append(ChildRows(child, self.outside_placements(child, custody)))
        if siblings:
            youngest = (today - max(siblings)).days
            mother.is_breastfeeding = ended_on is None and youngest < 730 and self.chance(0.7)
            if youngest < 300:
                mother.is_pregnant = False
                mother.expected_delivery_date = None
        rows.consents = self.consents(mother, custody)
        rows.closure = self.closure(rows, custody)
        return rows

    def closure(self, rows: WomanRows, custody: Custody) -> Closure | None:
        """Some NGO cases of released women whose children all live outside are closed by the
        supervisor (drawn from her code, so the rest of the data is as without closures)."""
        mother = rows.mother
        if custody.ended_on is None or mother.organisation_id != self.ref.organisations["ngo"].pk:
            return None
        inside = any(
            p.end_date is None and p.kind == Placement.Kind.WITH_MOTHER
            for c in rows.children
            for p in c.placements
        )
        if mother.code.int % 2 or inside:
            return None
        mother.is_closed = True
        return Closure(
            code=self.code(),
            mother=mother,
            reason=Closure.Reason.SETTLED,
            status=Closure.Status.CLOSED,
            requested_by=mother.assigned_worker or self.ref.users["dara"],
            requested_at=self.ref.now,
            decided_by=self.ref.users["dara"],
            decided_at=self.ref.now,
        )

    def inside_births(self, count: int, reference: dt.date, *, in_custody: bool) -> list[dt.date]:
        """Birth dates of the children who are (or were, until release) inside, oldest first."""
        if count == 0:
            return []
        # A second child inside is at least ten months younger than the first.
        min_age = 0 if count == 1 else 420
        if in_custody:
            oldest = self.inside_birth_by_limit(min_age)
        else:
            oldest = reference - days(self.rng.randint(max(1, min_age), 1090))
        births = [oldest]
        if count == 2:
            births.append(self.day_between(oldest + days(300), reference - days(1)))
        return births

    def inside_birth_by_limit(self, min_age: int) -> dt.date:
        """A birth date for a child inside today: some over the stay limit, some near it."""
        draw = self.rng.random()
        if draw < OVER_LIMIT_SHARE:
            return self.day_between(self.oldest_inside, self.reaching_today - days(1))
        if draw < OVER_LIMIT_SHARE + NEAR_LIMIT_SHARE:
            return self.day_between(self.reaching_today, self.reaching_after_warning - days(1))
        return self.day_between(self.reaching_after_warning, self.ref.today - days(1 + min_age))

    def fit_admission(
        self, planned: dt.date, births: list[dt.date], born_inside: list[bool], last: dt.date
    ) -> dt.date:
        """An admission date after the births outside custody and before the births inside."""
        outside = [b for b, inside in zip(births, born_inside, strict=True) if not inside]
        inside = [b for b, flag in zip(births, born_inside, strict=True) if flag]
        low = max(outside) + days(1) if outside else None
        high = min(inside) - days(1) if inside else last
        if low is not None and low > high:
            return low
        if low is not None and planned < low:
            return self.day_between(low, min(high, low + days(60)))
        if planned <= high:
            return planned
        # Pregnant when she was admitted: up to eight months before the birth.
        earliest = high - days(240)
        if low is not None:
            earliest = max(low, earliest)
        return self.day_between(earliest, high)

    def custody(
        self, status: str, facility: Facility, admission: dt.date, ended_on: dt.date | None
    ) -> Custody:
        rng, today = self.rng, self.ref.today
        transfer_on = None
        first_facility = None
        can_transfer = status != POLICE and ended_on is None and (today - admission).days >= 14
        if can_transfer and self.chance(TRANSFER_SHARE):
            for _ in range(10):
                candidate = self.ref.facilities.pick(rng)
                if candidate.pk != facility.pk:
                    first_facility = candidate
                    transfer_on = self.day_between(admission + days(7), today - days(1))
                    break
        return Custody(status, facility, admission, ended_on, transfer_on, first_facility)

    def mother(self, custody: Custody, births: list[dt.date], n_children: int) -> Mother:
        rng, ref = self.rng, self.ref
        today = ref.today
        family_km, family_latin = FAMILY_NAMES.pick(rng)
        given_km, given_latin = rng.choice(FEMALE_NAMES)
        # At least 18 at admission and at least 17 when the oldest child inside was born.
        years_inside = -(-(today - custody.admission).days // 365)
        oldest_child_years = (today - births[0]).days // 365 if births else 0
        min_age = min(45, max(18, 18 + years_inside, 17 + oldest_child_years))
        age = min(45, int(rng.triangular(min_age, 46, max(min_age, 27))))
        estimated = self.chance(ESTIMATED_MOTHER_DOB_SHARE)
        if estimated:
            # Women who do not know their birthday are usually recorded as born on 1 January.
            dob = dt.date(today.year - age, 1, 1)
        else:
            dob = add_months(today, -12 * age) - days(rng.randint(0, 364))
        other_names = ""
        if given_latin in SPELLING_VARIANTS and self.chance(0.25):
            other_names = f"{family_latin} {SPELLING_VARIANTS[given_latin]}"
        ethnicity = ETHNICITY.pick(rng)
        nationality = "Cambodian"
        if ethnicity == Mother.Ethnicity.VIETNAMESE and self.chance(0.4):
            nationality = "Vietnamese"
        held_at_siem_reap = ref.siem_reap.pk in {
            custody.facility.pk,
            custody.first_facility.pk if custody.first_facility else None,
        }
        if held_at_siem_reap and self.chance(0.85):
            organisation, recorder = ref.organisations["ngo"], ref.users["sokha"]
        else:
            organisation, recorder = ref.organisations["prisons"], ref.users["admin"]
        code = self.code()
        # The NGO's cases are shared between its two social workers, a few not yet assigned
        # (drawn from her code, so the rest of the data is as without assignments).
        worker = None
        if organisation == ref.organisations["ngo"] and code.int % 10:
            worker = ref.users["sokha"] if code.int % 10 < 6 else ref.users["leakhena"]
        pregnant = self.chance(
            PREGNANT_SHARE_WITHOUT_CHILDREN if n_children == 0 else PREGNANT_SHARE_WITH_CHILDREN
        )
        home = custody.facility.province if self.chance(0.75) else rng.choice(ref.provinces)
        return self.new_mother(
            code=code,
            name_km=f"{family_km} {given_km}",
            name_latin=f"{family_latin} {given_latin}",
            other_names=other_names,
            date_of_birth=dob,
            dob_is_estimated=estimated,
            ethnicity=ethnicity,
            nationality=nationality,
            national_id_number=f"{rng.randint(10**8, 2 * 10**8 - 1)}" if self.chance(0.45) else "",
            family_book_number=f"{rng.randint(1000, 99999)}" if self.chance(0.3) else "",
            province=home,
            phone=self.phone(stored=True) if self.chance(0.3) else "",
            emergency_contact=(
                f"{self.person()} ({rng.choice(['mother', 'sister', 'aunt'])}), {self.phone()}"
                if self.chance(0.65)
                else ""
            ),
            literacy=LITERACY.pick(rng),
            first_offence=FIRST_OFFENCE.pick(rng),
            is_pregnant=pregnant,
            expected_delivery_date=today + days(rng.randint(30, 240)) if pregnant else None,
            organisation=organisation,
            assigned_worker=worker,
            created_at=ref.now,
            updated_at=ref.now,
            created_by=recorder,
        )

    def episodes(self, mother: Mother, custody: Custody) -> list[CustodyEpisode]:
        rng, ref = self.rng, self.ref
        status = custody.status
        offence = ref.offences[OFFENCES.pick(rng)]
        province = custody.facility.province
        court = ""
        if status != POLICE:
            court = (
                "Phnom Penh Municipal Court of First Instance"
                if province.code == "PP"
                else f"{province.name_en} Provincial Court of First Instance"
            )
        expected_release = None
        if status == CustodyEpisode.LegalStatus.SENTENCED:
            expected_release = ref.today + days(rng.randint(30, 1080))
        legal = {
            "offence_category": offence,
            "court": court,
            "lawyer": LAWYERS.pick(rng) if self.chance(LAWYER_SHARE) else "",
            "expected_release_date": expected_release,
        }
        stays: list[tuple[Facility, dt.date]] = [(custody.facility, custody.admission)]
        if custody.first_facility is not None and custody.transfer_on is not None:
            stays = [
                (custody.first_facility, custody.admission),
                (custody.facility, custody.transfer_on),
            ]
        episodes = []
        for index, (facility, admitted) in enumerate(stays):
            is_last = index == len(stays) - 1
            episode = self.new_episode(
                code=self.code(),
                mother=mother,
                facility=facility,
                prison_number=(
                    f"{admitted:%y}/{rng.randint(1, 9999):04d}" if status != POLICE else ""
                ),
                admission_date=admitted,
                legal_status=status,
                created_at=ref.now,
                **legal,
            )
            if not is_last:
                episode.ended_on = stays[index + 1][1]
                episode.end_reason = CustodyEpisode.EndReason.TRANSFERRED
            elif custody.ended_on is not None:
                episode.ended_on = custody.ended_on
                episode.end_reason = CustodyEpisode.EndReason.RELEASED
                episode.release_kind = RELEASE_KINDS.pick(rng)
            episodes.append(episode)
        return episodes

    def child(
        self, mother: Mother, family: Name, used: set[str], dob: dt.date, *, born_in_custody: bool
    ) -> Child:
        rng = self.rng
        sex = rng.choice([Child.Sex.FEMALE.value, Child.Sex.MALE.value])
        names = FEMALE_NAMES if sex == Child.Sex.FEMALE else MALE_NAMES
        given_km, given_latin = rng.choice(names)
        while given_latin in used:  # siblings never share a given name
            given_km, given_latin = rng.choice(names)
        used.add(given_latin)
        registration = (
            REGISTRATION_BORN_INSIDE if born_in_custody else REGISTRATION_BORN_OUTSIDE
        ).pick(rng)
        certificate = ""
        if registration == Child.BirthRegistration.REGISTERED and self.chance(0.5):
            certificate = f"{rng.randint(1, 999):03d}/{dob.year}"
        return self.new_child(
            code=self.code(),
            mother=mother,
            name_km=f"{family[0]} {given_km}",
            name_latin=f"{family[1]} {given_latin}",
            sex=sex,
            date_of_birth=dob,
            dob_is_estimated=self.chance(ESTIMATED_CHILD_DOB_SHARE),
            birth_registration=registration,
            birth_certificate_number=certificate,
            born_in_custody=born_in_custody,
            created_at=self.ref.now,
            updated_at=self.ref.now,
        )

    def outside_birth(self, mother: Mother, custody: Custody, siblings: list[dt.date]) -> dt.date:
        """A birth date for a child outside, at least ten months from each sibling's."""
        dob = self.outside_birth_draw(mother, custody)
        for _ in range(SIBLING_DRAWS):
            if all(abs((dob - other).days) >= MIN_SIBLING_GAP_DAYS for other in siblings):
                break
            dob = self.outside_birth_draw(mother, custody)
        return dob

    def outside_birth_draw(self, mother: Mother, custody: Custody) -> dt.date:
        rng, today = self.rng, self.ref.today
        if self.chance(YOUNG_OUTSIDE_SHARE):
            return custody.admission - days(rng.randint(1, 1090))
        assert mother.date_of_birth is not None
        oldest_possible = add_months(mother.date_of_birth, 12 * 16)
        max_age = max(3 * 365, min((today - oldest_possible).days, 17 * 365))
        dob = today - days(rng.randint(3 * 365, max_age))
        return min(dob, custody.admission - days(1))

    def placement(self, child: Child, kind: str, start: dt.date, **extra: Any) -> Placement:
        return self.new_placement(
            code=self.code(),
            child=child,
            kind=kind,
            start_date=start,
            recorded_by=child.mother.created_by,
            created_at=self.ref.now,
            **extra,
        )

    def inside_placements(self, child: Child, custody: Custody) -> list[Placement]:
        start = child.date_of_birth if child.born_in_custody else custody.admission
        inside = Placement.Kind.WITH_MOTHER
        if custody.ended_on is not None:
            return [
                self.placement(
                    child, inside, start, facility=custody.facility, end_date=custody.ended_on
                ),
                self.placement(child, Placement.Kind.MOTHER_OUTSIDE, custody.ended_on),
            ]
        if custody.transfer_on is not None and start < custody.transfer_on:
            return [
                self.placement(
                    child,
                    inside,
                    start,
                    facility=custody.first_facility,
                    end_date=custody.transfer_on,
                ),
                self.placement(child, inside, custody.transfer_on, facility=custody.facility),
            ]
        return [self.placement(child, inside, start, facility=custody.facility)]

    def outside_placements(self, child: Child, custody: Custody) -> list[Placement]:
        kind = OUTSIDE_KIND.pick(self.rng)
        start = max(custody.admission, child.date_of_birth)
        away = self.placement(child, kind, start, **self.carer(kind, custody))
        inside = self.separated_from(child, custody, kind)
        if inside is not None and inside.end_date is not None:
            away.start_date = inside.end_date
        placements = [away] if inside is None else [inside, away]
        if custody.ended_on is not None and self.chance(REUNITED_AFTER_RELEASE_SHARE):
            away.end_date = custody.ended_on
            home = self.placement(child, Placement.Kind.MOTHER_OUTSIDE, custody.ended_on)
            return [*placements, home]
        return placements

    def separated_from(self, child: Child, custody: Custody, kind: str) -> Placement | None:
        """For some children placed outside who were under the stay limit at her admission:
        the time they lived inside with her first, until the day they left without her (halfway
        through her custody so far). None for the others."""
        if child.code.int % SEPARATED_ONE_IN or kind == Placement.Kind.UNKNOWN:
            return None
        if custody.transfer_on is not None or child.date_of_birth >= custody.admission:
            return None
        if add_months(child.date_of_birth, self.limit_months) <= custody.admission:
            return None
        until = custody.ended_on or self.ref.today
        stay = (until - custody.admission).days
        if stay < 2 * SEPARATED_AFTER_DAYS:
            return None
        left = custody.admission + days(stay // 2)
        left = min(left, add_months(child.date_of_birth, self.limit_months))
        return self.placement(
            child,
            Placement.Kind.WITH_MOTHER,
            custody.admission,
            facility=custody.facility,
            end_date=left,
        )

    def carer(self, kind: str, custody: Custody) -> dict[str, str]:
        rng = self.rng
        province = custody.facility.province.name_en
        if kind == Placement.Kind.RELATIVE:
            relationship, sex = RELATIVES.pick(rng)
            contact = self.phone(stored=True) if self.chance(0.85) else f"village in {province}"
            return {
                "carer_name": self.person(sex),
                "carer_relationship": relationship,
                "carer_contact": contact,
            }
        if kind == Placement.Kind.FATHER:
            return {
                "carer_name": self.person("m"),
                "carer_relationship": "father",
                "carer_contact": self.phone(stored=True) if self.chance(0.7) else "",
            }
        if kind == Placement.Kind.OTHER_FAMILY:
            return {
                "carer_name": self.person(),
                "carer_relationship": OTHER_FAMILY.pick(rng),
                "carer_contact": self.phone(stored=True),
            }
        if kind == Placement.Kind.FOSTER:
            return {
                "carer_name": self.person(),
                "carer_relationship": "foster carer",
                "carer_contact": self.phone(stored=True),
            }
        if kind == Placement.Kind.PAGODA:
            return {
                "carer_name": f"Achar {self.person('m')}",
                "carer_relationship": "pagoda lay leader",
                "carer_contact": f"pagoda in {province}",
            }
        if kind == Placement.Kind.INSTITUTION:
            return {
                "carer_name": "Children's residential centre (demo)",
                "carer_relationship": "residential care institution",
                "carer_contact": province,
            }
        return {}

    def consents(self, mother: Mother, custody: Custody) -> list[Consent]:
        rng, ref = self.rng, self.ref
        last = custody.ended_on or ref.today
        if not self.chance(CASE_CONSENT_SHARE):
            return []
        given_on = self.day_between(custody.admission, min(last, custody.admission + days(30)))
        consents = [self.consent(mother, Consent.Purpose.CASE_MANAGEMENT, given_on)]
        if self.chance(RESEARCH_CONSENT_SHARE):
            consents.append(self.consent(mother, Consent.Purpose.RESEARCH, given_on))
        if self.chance(SHARING_CONSENT_SHARE):
            sharing = self.consent(mother, Consent.Purpose.SHARING, given_on)
            sharing.organisation = ref.organisations["legal_aid"]
            consents.append(sharing)
        for consent in consents:
            share = (
                WITHDRAWN_RESEARCH_SHARE
                if consent.purpose == Consent.Purpose.RESEARCH
                else WITHDRAWN_CASE_SHARE
            )
            if ref.today > given_on and self.chance(share):
                consent.withdrawn_on = self.day_between(given_on + days(1), ref.today)
                consent.withdrawal_note = rng.choice(
                    ["Asked to stop.", "Family did not agree.", "Changed her mind after release."]
                )
        return consents

    def consent(self, mother: Mother, purpose: str, given_on: dt.date) -> Consent:
        method = CONSENT_METHOD.pick(self.rng)
        witness = ""
        if method == Consent.Method.VERBAL or (
            method == Consent.Method.THUMBPRINT and self.chance(0.7)
        ):
            witness = self.person()
        return self.new_consent(
            code=self.code(),
            mother=mother,
            purpose=purpose,
            method=method,
            witness_name=witness,
            given_on=given_on,
            recorded_by=mother.created_by,
            created_at=self.ref.now,
        )


# What the workflows' demos are given.


@dataclass(frozen=True)
class WomanFacts:
    """What the workflows' demos need of one woman, once her rows have their ids."""

    mother: Mother
    episode: CustodyEpisode | None  # her open episode
    inside: list[Child]  # with her in the facility, each with `current_placement` set
    outside_under_three: list[Child]  # placed outside and younger than the stay limit


def woman_facts(rows: WomanRows, *, today: dt.date, limit_months: int) -> WomanFacts:
    """Sort her children into inside and young outside, as the workflows' demos need them."""
    open_episodes = [e for e in rows.episodes if e.ended_on is None]
    inside, outside = [], []
    for child_rows in rows.children:
        child = child_rows.child
        placement = child.current_placement
        if placement is not None and placement.kind == Placement.Kind.WITH_MOTHER:
            inside.append(child)
        elif add_months(child.date_of_birth, limit_months) > today and placement is not None:
            outside.append(child)
    return WomanFacts(rows.mother, open_episodes[-1] if open_episodes else None, inside, outside)


def days_to_limit(child: Child, on: dt.date, limit_months: int) -> int:
    """Days from `on` until the child reaches the stay limit (negative: over it)."""
    return (add_months(child.date_of_birth, limit_months) - on).days


def newest(rows: Iterable[M], newest_first: Sequence[str]) -> M | None:
    """The first of `rows` in a queryset order such as `["-held_on", "-created_at", "-pk"]`.

    The demo's rows are not read back, so the pointers and `is_latest` flags that the actions
    keep through such an order are set from it in memory."""
    ordered = list(rows)
    for name in reversed(newest_first):  # stable sorts, the last key first
        ordered.sort(key=attrgetter(name.removeprefix("-")), reverse=name.startswith("-"))
    return ordered[0] if ordered else None


# Database side.


def demo_organisation_ids() -> list[int]:
    return list(
        Organisation.objects.filter(code__in=DEMO_ORGANISATION_CODES).values_list("pk", flat=True)
    )


def demo_mothers(organisation_ids: list[int]) -> QuerySet[Mother]:
    return Mother.objects.filter(organisation_id__in=organisation_ids)


def check_database(*, force: bool, flush: bool) -> None:
    """Refuse a production database, real women, real accounts, or demo data loaded twice."""
    if force:
        return
    if getattr(settings, "PRODUCTION", False):
        raise CommandError(
            "KOMAR_PRODUCTION is on: refusing to create accounts with a published password "
            "(--force to do it anyway)."
        )
    demo = Mother.objects.filter(organisation__code__in=DEMO_ORGANISATION_CODES)
    others = Mother.objects.exclude(organisation__code__in=DEMO_ORGANISATION_CODES).count()
    if others:
        raise CommandError(
            f"This database holds {others} women outside the demo organisations: "
            "refusing to add demo data and well-known logins (--force to do it anyway; "
            "--flush never deletes them)."
        )
    clashing = list(
        User.objects.filter(username__in=[u.username for u in USERS])
        .exclude(organisation__code__in=DEMO_ORGANISATION_CODES)
        .values_list("username", flat=True)
    )
    if clashing:
        raise CommandError(
            f"Users outside the demo organisations would get the demo password: "
            f"{', '.join(sorted(clashing))} (--force to reset them anyway)."
        )
    if demo.exists() and not flush:
        raise CommandError("Demo data is already loaded; use --flush to replace it.")


@dataclass(frozen=True)
class ReferenceRows:
    """The reference data the registry demo draws from, read and checked before any write."""

    facilities: list[Facility]  # every active facility that holds women, by name
    siem_reap: Facility
    provinces: tuple[Province, ...]
    offences: dict[str, OffenceCategory]


def read_reference_rows() -> ReferenceRows:
    facilities = list(
        Facility.objects.filter(holds_women=True, is_active=True)
        .select_related("province")
        .order_by("name_en")
    )
    if not facilities:
        raise CommandError("No facility holds women; run the migrations first.")
    siem_reap = facility_by_name(SIEM_REAP)
    offences = {o.code: o for o in OffenceCategory.objects.all()}
    missing = set(OFFENCES.items) - set(offences)
    if missing:
        raise CommandError(f"Offence categories missing: {', '.join(sorted(missing))}.")
    provinces = tuple(Province.objects.order_by("code"))
    return ReferenceRows(facilities, siem_reap, provinces, offences)


def reference(
    rows: ReferenceRows,
    organisations: dict[str, Organisation],
    users: dict[str, User],
    *,
    today: dt.date,
    now: dt.datetime,
) -> Reference:
    return Reference(
        today=today,
        now=now,
        facilities=Weighted.of(
            [(f, FACILITY_WEIGHTS.get(f.name_en, OTHER_FACILITY_WEIGHT)) for f in rows.facilities]
        ),
        siem_reap=rows.siem_reap,
        provinces=rows.provinces,
        offences=rows.offences,
        organisations=organisations,
        users=users,
        limit_months=settings.KOMAR_CHILD_STAY_LIMIT_MONTHS,
        warning_days=settings.KOMAR_STAY_LIMIT_WARNING_DAYS,
    )


def ensure_organisations() -> dict[str, Organisation]:
    organisations = {}
    for spec in ORGANISATIONS:
        organisation, _ = Organisation.objects.update_or_create(
            code=spec.code,
            defaults={
                "name_en": spec.name_en,
                "name_km": spec.name_km,
                "kind": spec.kind,
                "is_active": True,
            },
        )
        organisations[spec.key] = organisation
    return organisations


def facility_by_name(name: str) -> Facility:
    try:
        return Facility.objects.get(name_en=name)
    except Facility.DoesNotExist:
        raise CommandError(f"Facility {name!r} is missing; run the migrations first.") from None


def ensure_users(
    organisations: dict[str, Organisation], women_facilities: list[Facility]
) -> dict[str, User]:
    # Hashed once: Argon2 is slow on purpose, and all demo users share the password.
    password = make_password(DEMO_PASSWORD)
    users = {}
    for spec in USERS:
        values: dict[str, Any] = {
            "organisation": organisations[spec.organisation],
            "role": spec.role,
            "full_name": spec.full_name,
            "language": spec.language,
            "is_active": True,
            "is_staff": spec.is_admin,
            "is_superuser": spec.is_admin,
        }
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            # Unless a renamed demo user still holds the code.
            taken = User.objects.filter(code=spec.code).exists()
            code = uuid.uuid4() if taken else spec.code
            user = User.objects.create_user(
                username=spec.username, password=None, code=code, **values
            )
        else:
            for name, value in values.items():
                setattr(user, name, value)
        user.password = password
        user.save()
        if spec.facilities == "all":
            user.facilities.set(women_facilities)
        else:
            names = [n for n in spec.facilities.split("|") if n]
            user.facilities.set([facility_by_name(n) for n in names])
        reset_login_failures(username=spec.username)
        users[spec.username] = user
    # Each organisation works where its demo staff do (a national administrator's setting).
    for organisation in organisations.values():
        organisation.facilities.set(
            Facility.objects.filter(users__organisation=organisation).distinct()
        )
    return users


def flush_demo_data(organisation_ids: list[int]) -> int:
    """Delete the demo women and everything recorded about them; return how many women."""
    with transaction.atomic():
        pks = list(demo_mothers(organisation_ids).order_by("pk").values_list("pk", flat=True))
        # In chunks: Django's delete loads every row it deletes.
        for start in range(0, len(pks), CHUNK_SIZE):
            mothers = Mother.objects.filter(pk__in=pks[start : start + CHUNK_SIZE])
            children = Child.objects.filter(mother__in=mothers)
            delete_in_dependency_order(records_about(mothers))
            children.update(current_placement=None)
            mothers.update(latest_episode=None)
            Placement.objects.filter(child__in=children).delete()
            Consent.objects.filter(mother__in=mothers).delete()
            children.delete()
            CustodyEpisode.objects.filter(mother__in=mothers).delete()
            mothers.delete()
        numbers.rewind()
    return len(pks)


def records_about(mothers: QuerySet[Mother]) -> list[QuerySet[Any]]:
    """Rows in other apps that protect the demo records from deletion.

    The workflows' demo casework, and what people wrote when they tried the demo (audit entries,
    counselling sessions, assessments, stored findings...). Found through the relations rather
    than listed, so that the registry names no app above it and apps added later are covered.
    """
    scopes: dict[type[models.Model], QuerySet[Any]] = {
        Mother: mothers,
        CustodyEpisode: CustodyEpisode.objects.filter(mother__in=mothers),
        Child: Child.objects.filter(mother__in=mothers),
        Placement: Placement.objects.filter(child__mother__in=mothers),
        Consent: Consent.objects.filter(mother__in=mothers),
    }
    found: list[QuerySet[Any]] = []
    for model, rows in scopes.items():
        # Hidden relations too: the audit trail's link to a woman has no reverse name.
        for relation in model._meta.get_fields(include_hidden=True):
            if not isinstance(relation, ForeignObjectRel) or relation.many_to_many:
                continue
            related = relation.field.model
            if related in scopes or relation.on_delete not in (models.PROTECT, models.RESTRICT):
                continue
            lookup = {f"{relation.field.name}__in": rows}
            found.append(related._base_manager.filter(**lookup))
    return found


def delete_in_dependency_order(querysets: list[QuerySet[Any]]) -> None:
    """Delete each queryset, retrying those that other pending rows still protect."""
    pending = querysets
    while pending:
        blocked = []
        for queryset in pending:
            try:
                with transaction.atomic():
                    queryset.delete()
            except (ProtectedError, RestrictedError):
                blocked.append(queryset)
        if len(blocked) == len(pending):
            names = ", ".join(sorted({q.model._meta.label for q in blocked}))
            raise CommandError(f"Cannot delete demo records still referred to by: {names}.")
        pending = blocked


def insert_women(
    rows: Sequence[WomanRows], *, today: dt.date, limit_months: int
) -> list[WomanFacts]:
    """Write one chunk of women (inside the caller's transaction), each pointing at her latest
    episode and each child at her open placement as the actions keep them, and return what the
    workflows' demos draw their casework from."""
    mothers = [r.mother for r in rows]
    episodes = [e for r in rows for e in r.episodes]
    children = [c for r in rows for c in r.children]
    placements = [p for c in children for p in c.placements]
    for chunk in (mothers, episodes, [c.child for c in children], placements):
        assign_ids(chunk)
    for woman in rows:
        set_pointers(woman)
    # Numbered as `do_register_mother` numbers them: the province of her first facility.
    keys = []
    for woman in rows:
        first = min(woman.episodes, key=attrgetter("admission_date"), default=None)
        prefix = numbers.prefix_for(first.facility if first else None, woman.mother.province)
        keys.append((prefix, woman.mother.created_at.year))
    for woman, number in zip(rows, numbers.take_for(keys), strict=True):
        woman.mother.case_number = number
    # Foreign keys are checked at commit, so a woman may point at an episode written after her.
    write_rows(mothers)
    write_rows(episodes)
    write_rows([c.child for c in children])
    write_rows(placements)
    consents = [c for r in rows for c in r.consents]
    write_rows(consents)
    write_rows([r.closure for r in rows if r.closure is not None])
    # As `do_record_consent`: an active consent to share opens the organisation's access.
    write_rows(
        [
            AccessGrant(
                mother=c.mother,
                organisation_id=c.organisation_id,
                reason=AccessGrant.Reason.CONSENT,
                consent=c,
                granted_at=c.created_at,
            )
            for c in consents
            if c.purpose == Consent.Purpose.SHARING
            and c.organisation_id is not None
            and c.withdrawn_on is None
            and c.organisation_id != c.mother.organisation_id
        ]
    )
    return [woman_facts(r, today=today, limit_months=limit_months) for r in rows]


def set_pointers(woman: WomanRows) -> None:
    """The pointers and copies the actions keep, on her rows (which have their ids).

    Her `latest_episode`, with its `facility` (her access scope) and `legal_status` (the case
    list's filter), or none and "" without an episode (`_open_episode`, `do_release_mother`);
    each child's open placement (`current_placement`) and its facility while she lives inside
    (`inside_facility`), and how many live inside with her (`children_inside`,
    `_start_placement`).
    """
    mother = woman.mother
    latest = newest(woman.episodes, EPISODE_NEWEST_FIRST)
    mother.latest_episode = latest
    mother.facility = latest.facility if latest is not None else None
    mother.legal_status = latest.legal_status if latest is not None else ""
    mother.admitted_on = latest.admission_date if latest is not None else None
    for child_rows in woman.children:
        open_placements = [p for p in child_rows.placements if p.end_date is None]
        child_rows.child.current_placement = newest(open_placements, PLACEMENT_NEWEST_FIRST)
        child_rows.child.inside_facility = inside_facility(child_rows.child.current_placement)
    inside = [
        c.child.date_of_birth
        for c in woman.children
        if c.child.current_placement is not None
        and c.child.current_placement.kind == Placement.Kind.WITH_MOTHER
    ]
    mother.children_inside = len(inside)
    mother.eldest_inside_born_on = min(inside, default=None)


def summary(organisation_ids: list[int], today: dt.date) -> dict[str, int]:
    months = settings.KOMAR_CHILD_STAY_LIMIT_MONTHS
    reaching_today = earliest_birth_date_reaching_on_or_after(today, months)
    reaching_after_warning = earliest_birth_date_reaching_on_or_after(
        today + days(settings.KOMAR_STAY_LIMIT_WARNING_DAYS + 1), months
    )
    mothers = demo_mothers(organisation_ids)
    children = Child.objects.filter(mother__in=mothers)
    inside = children.filter(current_placement__kind=Placement.Kind.WITH_MOTHER)
    return {
        "women": mothers.count(),
        "children inside": inside.count(),
        "children outside": children.count() - inside.count(),
        "over the limit": inside.filter(date_of_birth__lt=reaching_today).count(),
        f"within {settings.KOMAR_STAY_LIMIT_WARNING_DAYS} days": inside.filter(
            date_of_birth__gte=reaching_today, date_of_birth__lt=reaching_after_warning
        ).count(),
        "pregnant": mothers.filter(is_pregnant=True).count(),
    }


# Writing many rows.


def write_rows(rows: Sequence[models.Model]) -> None:
    """Insert unsaved instances of one model, ids included (inside the caller's transaction).

    What `bulk_create()` does, in a third to a half of the time: for this many rows its compiler
    costs more than the database, and with DEBUG on every statement's parameters are quoted
    once more for the query log. Here each value goes through its own field's conversion and the
    rows through one `executemany()`. Rows without an id get one (`assign_ids`); a foreign key
    takes the id of the object it was given, which must have one.
    """
    if not rows:
        return
    model = type(rows[0])
    connection = connections[router.db_for_write(model)]
    assign_ids(rows)
    fields = [f for f in model._meta.concrete_fields if not f.generated]
    for f in fields:
        if hasattr(f, "get_placeholder"):
            raise TypeError(f"{f} needs its own SQL placeholder; use bulk_create().")
        if isinstance(f, models.ForeignKey):
            _take_related_ids(rows, f)
        elif _needs_pre_save(f):
            for row in rows:
                setattr(row, f.attname, f.pre_save(row, True))
    columns = [(attrgetter(f.attname), _converter(f, connection)) for f in fields]
    values = [[convert(get(row)) for get, convert in columns] for row in rows]
    quote = connection.ops.quote_name
    # Names from the model's metadata, quoted; the values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)
    for row in rows:
        row._state.adding = False
        row._state.db = connection.alias


class Unsaved(Generic[M]):
    """Makes unsaved instances of one model for `write_rows`: `Unsaved(Child)(**values)` gives
    what `Child(**values)` gives (the same attributes, a related object given by its field's
    name kept as Django keeps it, every field not given its default), in under half the time:
    Django's constructor costs some 24 µs a measurement through its descriptors (this one 9),
    and the demo makes millions of rows. Anything else (a name that is no field, a field given
    twice, a model with a one-to-one field or receivers of its init signals) goes to Django's
    constructor. Unlike it, it does not ask the database router whether a related object from
    another database may be given: the demo writes to one.
    """

    def __init__(self, model: type[M]) -> None:
        self.model = model
        self.fields: list[tuple[str, str, Callable[[], Any], Any, str]] = []
        plain = not (
            signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model)
        )
        for f in model._meta.concrete_fields:
            if f.generated:
                continue
            plain = plain and not isinstance(f, models.OneToOneField)
            if isinstance(f, models.ForeignKey):
                related, target = f.related_model, f.target_field.attname
            else:
                related, target = None, ""
            self.fields.append((f.name, f.attname, f.get_default, related, target))
        self.plain = plain

    def __call__(self, **values: Any) -> M:
        if not self.plain:
            return self.model(**values)
        row = self.model.__new__(self.model)
        state = models.base.ModelState()
        attributes = row.__dict__
        attributes["_state"] = state
        cache: dict[str, Any] = {}
        taken = 0
        for name, attname, default, related, target in self.fields:
            if related is not None and name in values:
                value = values[name]
                if value is not None and not isinstance(value, related):
                    return self.model(**values)  # Django says what is wrong
                attributes[attname] = None if value is None else getattr(value, target)
                cache[name] = value
                taken += 1
            elif attname in values:
                attributes[attname] = values[attname]
                taken += 1
            else:
                attributes[attname] = default()
        if taken != len(values):
            return self.model(**values)
        state.fields_cache = cache
        return row


def write_tables(tables: Sequence[Sequence[models.Model]]) -> None:
    """`write_rows` for each table's rows, in order (inside the caller's transaction)."""
    for rows in tables:
        write_rows(rows)


def assign_ids(rows: Sequence[models.Model]) -> None:
    """Give the rows that have none the next ids of their table, reserved at once."""
    missing = [row for row in rows if row.pk is None]
    if missing:
        first = reserve_ids(type(missing[0]), len(missing))
        for offset, row in enumerate(missing):
            row.pk = first + offset


def reserve_ids(model: type[models.Model], count: int) -> int:
    """Reserve `count` ids of the model's table and return the first.

    The table's own counter moves past them, so later inserts (the app's, or another reservation)
    never take them, and no id is ever given twice, as with ids the database assigns.
    """
    connection = connections[router.db_for_write(model)]
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, %s), "
                "nextval(pg_get_serial_sequence(%s, %s)) + %s - 1)",
                [connection.ops.quote_name(table), column] * 2 + [count],
            )
            return int(cursor.fetchone()[0]) - count + 1
        if connection.vendor == "sqlite":
            # Django's ids are AUTOINCREMENT: sqlite_sequence holds the largest one ever given
            # (a table without a row there has never had one).
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = seq + %s WHERE name = %s", [count, table]
            )
            if cursor.rowcount == 0:
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, count]
                )
                return 1
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            return int(cursor.fetchone()[0]) - count + 1
    raise CommandError(f"The demo data loads on SQLite or PostgreSQL, not {connection.vendor}.")


def _take_related_ids(rows: Sequence[models.Model], relation: models.ForeignKey[Any, Any]) -> None:
    """Give each row the id of the related object it was given (kept: Django forgets it when the
    id is set through the field, and reading it again would cost a query for each row)."""
    name, attname, target = relation.name, relation.attname, relation.target_field.attname
    for row in rows:
        cached = row._state.fields_cache
        if name not in cached:
            continue
        related = cached[name]
        if related is None:
            row.__dict__[attname] = None
            continue
        value = getattr(related, target)
        if value is None:
            raise ValueError(f"{row!r}: its {relation.name} has no id yet.")
        row.__dict__[attname] = value


def _needs_pre_save(f: models.Field[Any, Any]) -> bool:
    if isinstance(f, models.DateField):  # DateTimeField too: only auto_now(_add) changes it
        return bool(f.auto_now or f.auto_now_add)
    return type(f).pre_save is not models.Field.pre_save


# Fields whose values of this exact type both databases' drivers take as they are: the field's
# conversion would give the same value back (an enum member, a lazy text or a number given as a
# string is still converted).
_AS_IS = {
    "AutoField": int,
    "BigAutoField": int,
    "BigIntegerField": int,
    "BooleanField": bool,
    "CharField": str,
    "IntegerField": int,
    "PositiveIntegerField": int,
    "PositiveSmallIntegerField": int,
    "SmallIntegerField": int,
    "TextField": str,
}


def _converter(f: models.Field[Any, Any], connection: Any) -> Callable[[Any], Any]:
    convert = partial(f.get_db_prep_save, connection=connection)
    target = f.target_field if isinstance(f, models.ForeignKey) else f
    kind = target.get_internal_type()
    if kind == "UUIDField":
        native = connection.features.has_native_uuid_field

        def uuid_as_the_field_gives(value: Any) -> Any:  # SQLite stores its hex digits
            if type(value) is uuid.UUID:
                return value if native else value.hex
            return convert(value)

        return uuid_as_the_field_gives
    as_is = _AS_IS.get(kind)
    if as_is is not None:

        def convert_unless_as_is(value: Any) -> Any:
            return value if value is None or type(value) is as_is else convert(value)

        return convert_unless_as_is
    if not isinstance(f, models.DateField):
        return convert
    # Dates repeat within a chunk and every row's timestamp is the same: convert each once.
    seen: dict[Any, Any] = {}

    def convert_once(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            seen[value] = converted = convert(value)
            return converted

    return convert_once
