"""The legal workflow's demo data: legal cases (arrest, police custody, the class of offence,
detention orders and their extensions, hearings, applications, the judgment) and diversion
screenings, drawn for the women `seed_demo` has just written, chunk by chunk.

The histories follow the registry's facts and domain.md 3.4-3.5: mostly pre-trial detention,
about half of it for drug offences, misdemeanours and felonies (a drug user's charge is usually
a misdemeanour, trafficking a felony); 70% with no lawyer (the registry's own share), and a
lawyer assigned weeks or months into detention where there is one; some detention orders
extended, a few lapsed; some next hearings set for the coming weeks. What the registry says of
a woman released is what her legal case says happened: released on bail or under judicial
supervision means an application granted that day, acquitted or a suspended sentence means that
judgment, a pardon means a prison term and then a pardon or early release granted. Some women
held before trial were screened for diversion, most of those who shared their file with the
legal-aid provider (by its legal officer), fewer of the NGO's own (by her social worker); the
candidates are the measure rules' answers on the day (`screening.judge`), some screenings chose
measures among those that apply, and some of those wait for the court's answer. No court
report: one is written by people, from a screening.

Like the rest of the demo, rows are written in bulk without audit entries (an audit trail of
events that never happened would be false). The dates obey the legal date rules of
`case_actions.py` and `screening_actions.py`: the arrest on or before her admission, police
custody from the arrest, nothing recorded in the future but the next hearing's date, a decision
on or after its application, a screening of this custody on or after its admission.

The draws come from a generator of their own (`seed_demo`), so that the legal histories change
no other demo row. A stay (an episode and the one it was transferred to) has one legal case, on
its first episode, as `case_actions.py` keeps it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from komar.accounts.models import Role
from komar.cases import demo as registry
from komar.cases.demo import Weighted, WomanFacts, write_rows
from komar.cases.models import (
    AccessGrant,
    Child,
    CustodyEpisode,
    Mother,
    OffenceCategory,
    Placement,
)
from komar.legal.eligibility import CHILD_AGE_YEARS, SCREENED_STATUSES, eligible
from komar.legal.limits import Limit, max_detention_months
from komar.legal.models import (
    Application,
    CareArrangement,
    CourtReport,
    DetentionGround,
    DetentionOrder,
    Hearing,
    LegalCase,
    LegalLimit,
    Measure,
    OffenceClass,
    Screening,
)
from komar.legal.models import SupervisionObligation as Obligation
from komar.legal.screening import ChildFacts, ScreeningFacts, judge
from komar.lib.dates import add_months, age_in_months

Status = CustodyEpisode.LegalStatus
ReleaseKind = CustodyEpisode.ReleaseKind
Answer = Screening.Answer
FELONY, MISDEMEANOUR, PETTY = OffenceClass.FELONY, OffenceClass.MISDEMEANOUR, OffenceClass.PETTY

# Who has a legal case on file: nearly every woman the legal-aid provider follows (her file
# shared with it), most women with a lawyer, and about half of the others (the charges and
# the detention order copied from the warrant by the prison or the NGO).
CASE_SHARE_SHARED = 0.95
CASE_SHARE_WITH_LAWYER = 0.8
CASE_SHARE_OTHERS = 0.5
# The class of offence by the registry's offence category (the demo's assumption: a drug
# user is usually charged with a misdemeanour, possession or trafficking often a felony).
CLASS_BY_OFFENCE: dict[str, Weighted[str]] = {
    "drug_use": Weighted.of([(MISDEMEANOUR, 85), (FELONY, 15)]),
    "drug_possession": Weighted.of([(FELONY, 60), (MISDEMEANOUR, 40)]),
    "theft": Weighted.of([(MISDEMEANOUR, 82), (FELONY, 15), (PETTY, 3)]),
    "receiving_stolen_goods": Weighted.of([(MISDEMEANOUR, 90), (FELONY, 10)]),
    "breach_of_trust": Weighted.of([(MISDEMEANOUR, 85), (FELONY, 15)]),
    "property_damage": Weighted.of([(MISDEMEANOUR, 85), (PETTY, 15)]),
    "illegal_fishing": Weighted.of([(MISDEMEANOUR, 80), (PETTY, 20)]),
    "human_trafficking": Weighted.of([(FELONY, 100)]),
    "violent": Weighted.of([(FELONY, 70), (MISDEMEANOUR, 30)]),
    "other": Weighted.of([(MISDEMEANOUR, 65), (FELONY, 32), (PETTY, 3)]),
}
# Held before trial for more than six months (past a misdemeanour's longest detention): most
# such women are charged with a felony.
LONG_DETENTION_DAYS = 180
LONG_DETENTION_FELONY_SHARE = 0.75
CLASS_RECORDED_SHARE = 0.92
PENALTY_RECORDED_SHARE = 0.75
MINIMUM_PENALTY_MONTHS: dict[str, Weighted[int]] = {
    MISDEMEANOUR: Weighted.of([(6, 3), (12, 4), (24, 2)]),
    FELONY: Weighted.of([(60, 4), (120, 3), (180, 1)]),
}
JUDGE_RECORDED_SHARE = 0.8
# Hours between the arrest's police custody and her admission to prison (CPC art. 96: 48).
CUSTODY_HOURS = Weighted.of([((6, 24), 35), ((24, 47), 63), ((49, 70), 2)])
EXTENSION_RECORDED_SHARE = 0.7  # of the felonies held past 48 hours
ORDER_RECORDED_SHARE = 0.88
EXTENSION_SHARE = 0.9  # each extension due is ordered (else the orders lapse)
GROUNDS = Weighted.of(
    [
        (DetentionGround.APPEARANCE.value, 5),
        (DetentionGround.STOP_OFFENCE.value, 4),
        (DetentionGround.EVIDENCE.value, 3),
        (DetentionGround.PUBLIC_ORDER.value, 2),
        (DetentionGround.PRESSURE.value, 1),
        (DetentionGround.PROTECTION.value, 1),
    ]
)
NEXT_HEARING_SHARE = 0.35  # of the women held before trial: a next hearing set, 1-40 days on
VERDICT_SET_SHARE = 0.5  # of the women tried and awaiting judgment: the verdict's date set
APPLICATION_SHARE = 0.35  # of the women held before trial with a lawyer or legal aid
PENDING_WITHIN_DAYS = 60  # an application filed since then may still wait for the court
APPLIED_WITHIN_DAYS = 150  # the applications of women still held were filed since then
APPEAL_SHARE = 0.1
SCREENED_SHARE = 0.65  # of the women to screen that the legal-aid provider follows
NGO_SCREENED_SHARE = 0.35  # of the others, by the NGO's social worker responsible for her
SCREENED_BEFORE_RELEASE_SHARE = 0.6  # of those screened, released on bail since
CHOSEN_SHARE = 0.65  # of the screenings: measures chosen (among those that apply)
FILED_AFTER_CHOICE_SHARE = 0.65  # a chosen release is applied for within two weeks
JUDICIAL_SUPERVISION_SHARE = 0.75  # of the releases granted before trial

VILLAGES = ("Phum Thmei", "Kok Chak", "Sala Kamreuk", "Chreav", "Prey Kuy", "Ta Phem")
GUARANTORS = ("her mother", "her older sister", "her aunt", "the village chief", "her husband")
# The obligations of judicial supervision (codes), with the details in words.
OBLIGATIONS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        (Obligation.STAY_IN_AREA, Obligation.KEEP_RESIDENCE, Obligation.REPORT),
        "Report to the commune police every two weeks; live at her mother's home.",
    ),
    (
        (Obligation.KEEP_RESIDENCE, Obligation.ANSWER_SUMMONS, Obligation.TREATMENT),
        "The community drug-treatment programme of the health centre.",
    ),
    (
        (Obligation.REPORT, Obligation.SURRENDER_IDENTITY, Obligation.AVOID_PERSONS),
        "Report to the police post once a month; not meet the co-accused.",
    ),
)
JUDGES = ("Sok Piseth", "Chea Sovann", "Lim Rathana", "Keo Sopheak", "Meas Visal", "Ouk Mony")
PROSECUTORS = ("Deputy prosecutor Heng Kosal", "Deputy prosecutor Nuon Veasna")
ARREST_PLACES = ("at home", "at the market", "at a guesthouse", "on the road", "at a checkpoint")
HEARING_OUTCOMES: dict[str, str] = {
    Hearing.Kind.QUESTIONING: "Questioned by the investigating judge; detention maintained.",
    Hearing.Kind.DETENTION: "The judge heard the request to extend the detention.",
    Hearing.Kind.TRIAL: "Tried; the verdict is to be announced.",
    Hearing.Kind.VERDICT: "The verdict was announced.",
    Hearing.Kind.APPEAL: "The appeal was heard.",
}
CHOSEN_REASONS = {
    Measure.JUDICIAL_SUPERVISION: "She cares for young children, has an address and a "
    "guarantor: judicial supervision protects the investigation without detaining her.",
    Measure.RELEASE: "A first, non-violent offence: liberty is the rule (CPC art. 203).",
    Measure.DRUG_TREATMENT: "She asks for help with drug use; the health centre's programme "
    "takes women with children.",
    Measure.IMMEDIATE_APPEARANCE: "A simple case, ready for trial: immediate appearance ends "
    "the detention quickly.",
}
# The measure a chosen screening pursues first, and the application it leads to.
APPLICATION_FOR = {
    Measure.JUDICIAL_SUPERVISION: Application.Kind.JUDICIAL_SUPERVISION,
    Measure.RELEASE: Application.Kind.RELEASE,
    Measure.IMMEDIATE_APPEARANCE: Application.Kind.IMMEDIATE_APPEARANCE,
}
PREFERRED = (
    Measure.JUDICIAL_SUPERVISION,
    Measure.RELEASE,
    Measure.DRUG_TREATMENT,
    Measure.IMMEDIATE_APPEARANCE,
)


@dataclass
class LegalRows:
    """The legal histories drawn for one chunk of women, not yet written."""

    cases: list[LegalCase] = field(default_factory=list)
    orders: list[DetentionOrder] = field(default_factory=list)
    hearings: list[Hearing] = field(default_factory=list)
    applications: list[Application] = field(default_factory=list)
    screenings: list[Screening] = field(default_factory=list)


@dataclass(frozen=True)
class EpisodeRow:
    """What the legal histories read of a custody episode (plain values: many are read)."""

    pk: int
    admission_date: dt.date
    ended_on: dt.date | None
    legal_status: str
    release_kind: str
    expected_release_date: dt.date | None
    lawyer: str
    court: str
    offence_category_id: int | None


EPISODE_FIELDS = (
    "pk",
    "admission_date",
    "ended_on",
    "legal_status",
    "release_kind",
    "expected_release_date",
    "lawyer",
    "court",
    "offence_category_id",
)


@dataclass(frozen=True)
class ChildRow:
    """A child under 18, as the screening's rules read her: born, where she lives, with whom."""

    name: str
    date_of_birth: dt.date
    lives: str  # her current placement's kind ("" if none)
    carer: str
    code: str = ""

    @property
    def is_inside(self) -> bool:
        return self.lives == Placement.Kind.WITH_MOTHER


@dataclass(frozen=True)
class ChunkFacts:
    """What the legal demo reads back of one chunk (a fixed number of queries)."""

    shared: set[int]  # the women who shared their file with the legal-aid provider
    to_screen: set[int]  # the women who should be screened today (`eligibility.eligible`)
    episodes: dict[int, list[EpisodeRow]]  # oldest first
    children: dict[int, list[ChildRow]]  # under 18, youngest first


@dataclass
class Stay:
    """One woman's custody as her legal history is drawn: the facts decided so far."""

    woman: WomanFacts
    first: EpisodeRow
    latest: EpisodeRow
    offence: OffenceCategory | None
    shared: bool
    recorder_id: int
    legal_case: LegalCase
    limit: Limit | None = None
    pretrial_end: dt.date = dt.date.min  # the last day of detention before judgment
    orders: list[DetentionOrder] = field(default_factory=list)
    hearings: list[Hearing] = field(default_factory=list)

    @property
    def mother(self) -> Mother:
        return self.woman.mother

    @property
    def admitted(self) -> dt.date:
        return self.first.admission_date

    @property
    def status(self) -> str:
        return self.latest.legal_status

    @property
    def ended(self) -> dt.date | None:
        return self.latest.ended_on


def clamp(day: dt.date, low: dt.date, high: dt.date) -> dt.date:
    return min(max(day, low), high)


class LegalGenerator(registry.Draws):
    """Draws each woman's legal history from the legal demo's own seeded generator."""

    def __init__(self, rng: random.Random, ref: registry.Reference) -> None:
        super().__init__(rng, ref)
        self.limits = {row.offence_class: Limit.of(row) for row in LegalLimit.objects.all()}
        officers = sorted(
            (u for u in ref.users.values() if u.role == Role.LEGAL_OFFICER),
            key=lambda u: u.username,
        )
        self.officer = officers[0] if officers else None
        self.legal_aid_id = ref.organisations["legal_aid"].pk
        self.offences = {c.pk: c for c in ref.offences.values()}
        self.zone = timezone.get_current_timezone()
        self.new_order = registry.Unsaved(DetentionOrder)
        self.new_hearing = registry.Unsaved(Hearing)

    # Reading the chunk back.

    def read(self, women: Sequence[WomanFacts]) -> ChunkFacts:
        ids = [w.mother.pk for w in women]
        shared = set(
            AccessGrant.objects.filter(
                mother_id__in=ids, organisation_id=self.legal_aid_id, ended_at__isnull=True
            ).values_list("mother_id", flat=True)
        )
        to_screen = set(
            eligible(Mother.objects.filter(pk__in=ids), self.today).values_list("pk", flat=True)
        )
        episodes: dict[int, list[EpisodeRow]] = defaultdict(list)
        for mother_id, *values in (
            CustodyEpisode.objects.filter(mother_id__in=ids)
            .order_by("admission_date", "pk")
            .values_list("mother_id", *EPISODE_FIELDS)
        ):
            episodes[mother_id].append(EpisodeRow(*values))
        children: dict[int, list[ChildRow]] = defaultdict(list)
        born_after = add_months(self.today, -12 * CHILD_AGE_YEARS)
        for mother_id, latin, khmer, born, lives, carer, code in (
            Child.objects.filter(mother_id__in=ids, date_of_birth__gt=born_after)
            .order_by("-date_of_birth", "pk")
            .values_list(
                "mother_id",
                "name_latin",
                "name_km",
                "date_of_birth",
                "current_placement__kind",
                "current_placement__carer_name",
                "code",
            )
        ):
            children[mother_id].append(
                ChildRow(latin or khmer, born, lives or "", carer or "", str(code))
            )
        return ChunkFacts(shared, to_screen, episodes, children)

    def chunk(self, women: Sequence[WomanFacts], rows: LegalRows) -> None:
        """Draw the legal histories of one chunk of women, woman by woman in their order."""
        facts = self.read(women)
        for woman in women:
            pk = woman.mother.pk
            self.woman(woman, facts, rows, episodes=facts.episodes.get(pk, []))

    # Small draws.

    def at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.zone)

    def day_between(self, first: dt.date, last: dt.date) -> dt.date:
        if last <= first:
            return first
        return first + dt.timedelta(days=self.rng.randint(0, (last - first).days))

    def days(self, n: int) -> dt.timedelta:
        return dt.timedelta(days=n)

    # One woman.

    def woman(
        self,
        woman: WomanFacts,
        facts: ChunkFacts,
        rows: LegalRows,
        *,
        episodes: list[EpisodeRow],
    ) -> None:
        if not episodes:
            return
        mother = woman.mother
        shared = mother.pk in facts.shared and self.officer is not None
        first, latest = episodes[0], episodes[-1]
        if shared:
            share = CASE_SHARE_SHARED
        elif latest.lawyer:
            share = CASE_SHARE_WITH_LAWYER
        else:
            share = CASE_SHARE_OTHERS
        if not self.chance(share):
            return
        recorder_id = self.officer.pk if shared and self.officer else mother.created_by_id
        stay = Stay(
            woman=woman,
            first=first,
            latest=latest,
            offence=self.offences.get(first.offence_category_id or 0),
            shared=shared,
            recorder_id=recorder_id,
            legal_case=LegalCase(
                code=self.code(),
                episode_id=first.pk,
                mother=mother,
                created_at=self.now,
                updated_at=self.now,
            ),
        )
        rows.cases.append(stay.legal_case)
        self.charges(stay)
        self.police_custody(stay)
        self.lawyer(stay)
        granted = self.outcome(stay, rows)
        self.orders(stay, rows)
        self.court_hearings(stay, rows)
        screening = None
        # Who screens her: the legal-aid provider's officer if she shared her file with it,
        # else the NGO's social worker responsible for her (the prison department does not).
        screener = self.officer.pk if shared and self.officer else mother.assigned_worker_id
        screened_share = SCREENED_SHARE if shared else NGO_SCREENED_SHARE
        if (
            screener is not None
            and mother.pk in facts.to_screen
            and stay.status in SCREENED_STATUSES
            and self.chance(screened_share)
        ):
            on = self.day_between(
                min(latest.admission_date + self.days(1), self.today),
                min(latest.admission_date + self.days(30), self.today),
            )
            screening = self.screening(stay, facts, rows, on, stay.status, screener)
        elif (
            screener is not None
            and granted is not None
            and granted.kind in APPLICATION_FOR.values()
            and self.chance(SCREENED_BEFORE_RELEASE_SHARE)
        ):
            on = self.day_between(
                stay.admitted + self.days(1),
                min(stay.admitted + self.days(30), granted.filed_on - self.days(1)),
            )
            if on < granted.filed_on:
                screening = self.screening(
                    stay, facts, rows, on, Status.PRE_TRIAL, screener, pursue=granted.kind
                )
        if granted is None and stay.status in (Status.PRE_TRIAL, Status.AWAITING_JUDGMENT):
            self.applications_held(stay, rows, screening)
        elif stay.status == Status.SENTENCED:
            self.appeal(stay, rows)

    def charges(self, stay: Stay) -> None:
        case = stay.legal_case
        code = stay.offence.code if stay.offence is not None else "other"
        klass = CLASS_BY_OFFENCE.get(code, CLASS_BY_OFFENCE["other"]).pick(self.rng)
        held_for = ((stay.ended or self.today) - stay.admitted).days
        if (
            stay.status == Status.PRE_TRIAL
            and held_for > LONG_DETENTION_DAYS
            and self.chance(LONG_DETENTION_FELONY_SHARE)
        ):
            klass = FELONY
        if stay.status == Status.POLICE_CUSTODY or self.chance(CLASS_RECORDED_SHARE):
            case.offence_class = klass
        stay.limit = self.limits.get(klass)
        if stay.offence is not None and stay.offence.is_violent:
            case.is_violent = True
        elif self.chance(0.9):
            case.is_violent = False
        if klass in MINIMUM_PENALTY_MONTHS and self.chance(PENALTY_RECORDED_SHARE):
            minimum = MINIMUM_PENALTY_MONTHS[klass].pick(self.rng)
            case.minimum_penalty_months = minimum
            case.maximum_penalty_months = minimum * self.rng.choice([2, 3, 4])
        if stay.status != Status.POLICE_CUSTODY and self.chance(JUDGE_RECORDED_SHARE):
            case.investigating_judge = self.rng.choice(JUDGES)

    def police_custody(self, stay: Stay) -> None:
        """From the arrest to her admission to prison; still running for a woman in police
        custody today, within the hours allowed on the day of the seeding (a flag on a custody
        still running counts its hours, which would change between the seeding and a check
        run right after it)."""
        case, rng = stay.legal_case, self.rng
        if stay.status == Status.POLICE_CUSTODY:
            start = min(
                self.at(stay.admitted, rng.randint(6, 11)), self.now - dt.timedelta(hours=2)
            )
            hours = (self.now - start).total_seconds() / 3600
            felony = self.limits.get(FELONY)
            if hours > 47 and felony is not None:
                # Held since the day before yesterday: a felony, extended by the prosecutor.
                case.offence_class = FELONY
                if case.minimum_penalty_months is not None:
                    case.minimum_penalty_months, case.maximum_penalty_months = 60, 120
                case.police_custody_extended = True
                case.extension_authorised_by = rng.choice(PROSECUTORS)
                stay.limit = felony
            case.police_custody_start = start
        else:
            end = self.at(stay.admitted, rng.randint(8, 16), rng.choice([0, 15, 30, 45]))
            low, high = CUSTODY_HOURS.pick(rng)
            hours = rng.randint(low, high)
            case.police_custody_start = end - dt.timedelta(hours=hours)
            case.police_custody_end = end
            if (
                hours > 48
                and case.offence_class == FELONY
                and self.chance(EXTENSION_RECORDED_SHARE)
            ):
                case.police_custody_extended = True
                case.extension_authorised_by = rng.choice(PROSECUTORS)
        assert case.police_custody_start is not None
        case.arrested_at = case.police_custody_start - dt.timedelta(minutes=rng.randint(0, 120))
        case.arrest_place = rng.choice(ARREST_PLACES)

    def lawyer(self, stay: Stay) -> None:
        """The day her lawyer was assigned (the registry names the lawyer): often weeks, some
        months, into her detention."""
        if not stay.latest.lawyer:
            return
        last = min(stay.ended or self.today, self.today)
        delay = int(self.rng.triangular(2, 240, 20))
        stay.legal_case.lawyer_assigned_on = min(stay.admitted + self.days(delay), last)

    def outcome(self, stay: Stay, rows: LegalRows) -> Application | None:
        """The judgment, and how her custody ended, as the registry records it; the application
        granted that released her, if one did."""
        case, rng = stay.legal_case, self.rng
        admitted, ended = stay.admitted, stay.ended
        stay.pretrial_end = self.today
        if stay.status == Status.SENTENCED:
            day = self.day_between(admitted + self.days(60), self.today - self.days(1))
            self.judgment(
                stay, clamp(day, admitted, self.today - self.days(1)), LegalCase.Judgment.PRISON
            )
            expected = stay.latest.expected_release_date or self.today + self.days(180)
            case.prison_months = max(1, age_in_months(admitted, expected) + 1)
            return None
        if ended is None:
            return None
        stay.pretrial_end = ended
        kind = stay.latest.release_kind
        if kind == ReleaseKind.BAIL:
            which = (
                Application.Kind.JUDICIAL_SUPERVISION
                if self.chance(JUDICIAL_SUPERVISION_SHARE)
                else Application.Kind.RELEASE
            )
            filed = self.day_between(max(admitted + self.days(3), ended - self.days(40)), ended)
            granted = self.application(stay, rows, which, filed)
            granted.outcome = Application.Outcome.GRANTED
            granted.decided_on = ended
            if which == Application.Kind.JUDICIAL_SUPERVISION:
                codes, details = rng.choice(OBLIGATIONS)
                granted.obligations = [o for o in Obligation.values if o in codes]
                granted.obligations_note = details
            return granted
        if kind == ReleaseKind.ACQUITTED:
            self.judgment(stay, ended, LegalCase.Judgment.ACQUITTAL)
        elif kind == ReleaseKind.SUSPENDED:
            if self.chance(0.6):
                self.judgment(stay, ended, LegalCase.Judgment.SUSPENDED)
                case.prison_months = case.suspended_months = rng.choice([6, 12, 18, 24])
            else:
                self.judgment(stay, ended, LegalCase.Judgment.COMMUNITY_SERVICE)
                case.community_service_hours = rng.choice([100, 200, 300])
        elif kind in (ReleaseKind.SENTENCE_SERVED, ReleaseKind.PARDON):
            day = clamp(
                self.day_between(admitted + self.days(30), ended - self.days(30)), admitted, ended
            )
            self.judgment(stay, day, LegalCase.Judgment.PRISON)
            served = max(1, age_in_months(admitted, ended))
            case.prison_months = served if kind == ReleaseKind.SENTENCE_SERVED else served + 12
            if kind == ReleaseKind.PARDON:
                which = self.rng.choice([Application.Kind.PARDON, Application.Kind.EARLY_RELEASE])
                filed = self.day_between(max(day, ended - self.days(90)), ended)
                granted = self.application(stay, rows, which, filed)
                granted.outcome = Application.Outcome.GRANTED
                granted.decided_on = ended
                return granted
        return None

    def judgment(self, stay: Stay, day: dt.date, kind: str) -> None:
        stay.legal_case.judgment_on = day
        stay.legal_case.judgment = kind
        stay.pretrial_end = day

    def orders(self, stay: Stay, rows: LegalRows) -> None:
        """The detention order on her admission and each extension ordered before the term
        ran out, until her trial or today (a few lapse, not extended in time)."""
        limit = stay.limit
        if stay.status == Status.POLICE_CUSTODY or limit is None:
            return
        allowed = max_detention_months(limit, stay.legal_case.minimum_penalty_months)
        if allowed == 0 or not self.chance(ORDER_RECORDED_SHARE):
            return
        term = min(limit.detention_months, allowed)
        grounds = sorted({GROUNDS.pick(self.rng) for _ in range(self.rng.randint(1, 3))})
        rows.orders.append(
            self.order(stay, DetentionOrder.Kind.ORDER, stay.admitted, term, grounds)
        )
        months, extensions = term, 0
        last_day = stay.admitted
        end = min(stay.pretrial_end, self.today)
        while extensions < limit.max_extensions and months < allowed:
            runs_out = add_months(stay.admitted, months)
            if runs_out > end or not self.chance(EXTENSION_SHARE):
                break
            day = max(runs_out - self.days(self.rng.randint(1, 14)), last_day)
            more = min(limit.extension_months, allowed - months)
            rows.orders.append(self.order(stay, DetentionOrder.Kind.EXTENSION, day, more, grounds))
            months, extensions, last_day = months + more, extensions + 1, day

    def order(
        self, stay: Stay, kind: str, day: dt.date, term: int, grounds: list[str]
    ) -> DetentionOrder:
        order = self.new_order(
            code=self.code(),
            legal_case=stay.legal_case,
            kind=kind,
            ordered_on=day,
            term_months=term,
            grounds=grounds,
            recorded_by_id=stay.recorder_id,
            created_at=self.now,
        )
        stay.orders.append(order)
        return order

    def court_hearings(self, stay: Stay, rows: LegalRows) -> None:
        """The investigating judge's questioning, then (once tried) the trial and the verdict;
        each hearing names the next one's date, and the latest the date the court set next,
        if it did (a date in the coming weeks for some women held before trial)."""
        if stay.status == Status.POLICE_CUSTODY:
            return
        rng, case = self.rng, stay.legal_case
        last = min(stay.pretrial_end, self.today - self.days(1))
        days: list[tuple[dt.date, str]] = []
        questioned = stay.admitted + self.days(rng.randint(3, 40))
        if questioned <= last:
            days.append((questioned, Hearing.Kind.QUESTIONING))
        tried = stay.status == Status.AWAITING_JUDGMENT or case.judgment_on is not None
        if tried and days:
            verdict = case.judgment_on
            trial_last = (
                (verdict - self.days(1)) if verdict is not None else self.today - self.days(1)
            )
            trial = self.day_between(questioned + self.days(20), trial_last)
            if questioned < trial <= trial_last:
                days.append((trial, Hearing.Kind.TRIAL))
            if verdict is not None and days[-1][0] < verdict <= self.today:
                days.append((verdict, Hearing.Kind.VERDICT))
        next_on = None
        if stay.ended is None and days:
            if stay.status == Status.PRE_TRIAL and self.chance(NEXT_HEARING_SHARE):
                next_on = self.today + self.days(rng.randint(1, 40))
            elif stay.status == Status.AWAITING_JUDGMENT and self.chance(VERDICT_SET_SHARE):
                next_on = self.today + self.days(rng.randint(1, 45))
        court = stay.latest.court or stay.first.court
        for index, (day, kind) in enumerate(days):
            following = days[index + 1][0] if index + 1 < len(days) else next_on
            hearing = self.new_hearing(
                code=self.code(),
                legal_case=case,
                held_on=day,
                court=court,
                kind=kind,
                outcome=HEARING_OUTCOMES.get(kind, ""),
                next_on=following,
                recorded_by_id=stay.recorder_id,
                created_at=self.now,
            )
            stay.hearings.append(hearing)
            rows.hearings.append(hearing)

    def application(self, stay: Stay, rows: LegalRows, kind: str, filed: dt.date) -> Application:
        application = Application(
            code=self.code(),
            legal_case=stay.legal_case,
            kind=kind,
            filed_on=filed,
            recorded_by_id=stay.recorder_id,
            created_at=self.now,
        )
        rows.applications.append(application)
        return application

    def waiting_or_refused(self, application: Application) -> None:
        """Still waiting if filed recently (most), else refused some days after."""
        recent = (self.today - application.filed_on).days <= PENDING_WITHIN_DAYS
        if recent and self.chance(0.75):
            return
        first = application.filed_on + self.days(7)
        if first > self.today:
            return
        application.outcome = Application.Outcome.REFUSED
        application.decided_on = self.day_between(first, min(first + self.days(60), self.today))

    def applications_held(self, stay: Stay, rows: LegalRows, screening: Screening | None) -> None:
        """For a woman still held before judgment: the release her screening chose, applied for
        within two weeks (or not yet); else, with a lawyer or legal aid, a request for release
        or judicial supervision, waiting or refused."""
        if stay.ended is not None:
            return
        chosen = screening.chosen if screening is not None else []
        pursue = [APPLICATION_FOR[Measure(m)] for m in chosen if m in APPLICATION_FOR]
        if pursue:
            assert screening is not None
            if not self.chance(FILED_AFTER_CHOICE_SHARE):
                return
            last = min(screening.screened_on + self.days(14), self.today)
            filed = self.day_between(screening.screened_on + self.days(1), last)
            if filed > self.today:
                return
            self.waiting_or_refused(self.application(stay, rows, pursue[0], filed))
            return
        if not (stay.latest.lawyer or stay.shared) or not self.chance(APPLICATION_SHARE):
            return
        which = self.rng.choice([Application.Kind.JUDICIAL_SUPERVISION, Application.Kind.RELEASE])
        earliest = max(stay.admitted + self.days(10), self.today - self.days(APPLIED_WITHIN_DAYS))
        filed = self.day_between(earliest, self.today - self.days(1))
        if filed >= self.today:
            return
        self.waiting_or_refused(self.application(stay, rows, which, filed))

    def appeal(self, stay: Stay, rows: LegalRows) -> None:
        judged = stay.legal_case.judgment_on
        if judged is None or not self.chance(APPEAL_SHARE):
            return
        filed = self.day_between(judged + self.days(1), min(judged + self.days(30), self.today))
        if filed > self.today or filed <= judged:
            return
        self.waiting_or_refused(self.application(stay, rows, Application.Kind.APPEAL, filed))

    # The screening.

    def screening(
        self,
        stay: Stay,
        facts: ChunkFacts,
        rows: LegalRows,
        on: dt.date,
        status: str,
        screener: int,
        *,
        pursue: str | None = None,
    ) -> Screening:
        """The legal officer's screening on `on`, its candidates judged by the measure rules
        as they were that day, and the measures she chose: `pursue` (the release later
        granted), or some of those that apply."""
        rng, mother = self.rng, stay.mother
        drug = stay.offence is not None and stay.offence.is_drug_related
        grounds = list(stay.orders[0].grounds) if stay.orders else []
        children = [c for c in facts.children.get(mother.pk, []) if c.date_of_birth <= on]
        address = Answer.YES if self.chance(0.65) else rng.choice([Answer.NO, Answer.UNKNOWN])
        guarantor = Answer.YES if self.chance(0.55) else rng.choice([Answer.NO, Answer.UNKNOWN])
        treatment = Answer.YES if drug and self.chance(0.5) else Answer.NO
        if pursue is not None:
            address, guarantor = Answer.YES, Answer.YES
        inside = [c for c in children if c.is_inside]
        # Drawn from where each child lives, with no draw of the generator: the children
        # outside stay with the carer they have; for the child inside, no one is identified.
        care = [
            {
                "child": c.code,
                "arrangement": CareArrangement.NO_ONE
                if c.is_inside
                else CareArrangement.GRANDPARENT,
                "carer_name": "" if c.is_inside else c.carer,
                "note": "" if c.is_inside else "Old and poor; able to keep them a few months.",
            }
            for c in children
            if c.code
        ]
        care_note = (
            "The child with her inside has nobody else able to care for him now." if inside else ""
        )
        # In the order the generator was drawn before the obligations were codes.
        address_note = f"{rng.choice(VILLAGES)} village" if address == Answer.YES else ""
        guarantor_note = rng.choice(GUARANTORS) if guarantor == Answer.YES else ""
        codes, details = rng.choice(OBLIGATIONS) if address == Answer.YES else ((), "")
        screening = Screening(
            code=self.code(),
            mother=mother,
            episode_id=stay.latest.pk,
            screened_on=on,
            screened_by_id=screener,
            grounds_claimed=grounds,
            stable_address=address,
            address_note=address_note,
            guarantor=guarantor,
            guarantor_note=guarantor_note,
            drug_treatment_need=treatment,
            health_note=(
                "Pregnant; antenatal visits at the prison infirmary." if mother.is_pregnant else ""
            ),
            care=care,
            care_note=care_note,
            obligations=[o for o in Obligation.values if o in codes],
            obligations_note=details,
            created_at=self.now,
            updated_at=self.now,
        )
        screening.candidates = judge(self.screening_facts(stay, screening, children, status))
        applying = [c["measure"] for c in screening.candidates if c["verdict"] == "applies"]
        chosen: list[str] = []
        if pursue is not None:
            chosen = [m.value for m, kind in APPLICATION_FOR.items() if kind == pursue][:1]
        elif applying and self.chance(CHOSEN_SHARE):
            ranked = [m.value for m in PREFERRED if m.value in applying] or applying[:1]
            chosen = ranked[: rng.choice([1, 1, 2])]
        screening.chosen = [m for m in Measure.values if m in chosen]
        screening.chosen_reason = " ".join(
            str(CHOSEN_REASONS.get(Measure(m), "")) for m in screening.chosen
        ).strip()
        if screening.chosen and not screening.chosen_reason:
            screening.chosen_reason = "The measure the rules found for her circumstances."
        rows.screenings.append(screening)
        return screening

    def screening_facts(
        self, stay: Stay, screening: Screening, children: list[ChildRow], status: str
    ) -> ScreeningFacts:
        """The facts the measure rules read, as `screening.Recorded.facts` builds them from her
        file, here from the rows drawn (the screening's day stands for today)."""
        case, offence, on = stay.legal_case, stay.offence, screening.screened_on
        if case.is_violent is not None:
            violent, source = case.is_violent, "case"
        elif offence is not None and offence.is_violent:
            violent, source = True, "category"
        elif offence is not None and offence.is_drug_related:
            violent, source = False, "category"
        else:
            violent, source = None, ""
        limit = self.limits.get(case.offence_class) if case.offence_class else None
        arrangements = {row["child"]: row["arrangement"] for row in screening.care}
        return ScreeningFacts(
            today=on,
            legal_status=status,
            offence_class=case.offence_class,
            violent=violent,
            violence_from=source,
            drug_related=offence.is_drug_related if offence is not None else None,
            investigating_judge=bool(case.investigating_judge),
            detention_allowed=limit.detention_allowed if limit is not None else None,
            first_offence=stay.mother.first_offence or Mother.FirstOffence.UNKNOWN,
            pregnant=stay.mother.is_pregnant,
            breastfeeding=stay.mother.is_breastfeeding,
            children=tuple(
                ChildFacts(
                    name=c.name,
                    born=c.date_of_birth,
                    age_months=age_in_months(c.date_of_birth, on),
                    lives=c.lives,
                    carer=c.carer,
                    code=c.code,
                    care_if_detained=arrangements.get(c.code, ""),
                )
                for c in children
            ),
            grounds=tuple(screening.grounds_claimed),
            stable_address=screening.stable_address,
            guarantor=screening.guarantor,
            drug_treatment_need=screening.drug_treatment_need,
            obligations=tuple(screening.obligations),
            obligations_note=screening.obligations_note,
            care_note=screening.care_note,
        )


def insert_legal(rows: LegalRows) -> None:
    """Write the legal histories of one chunk of women (inside the caller's transaction)."""
    write_rows(rows.cases)
    write_rows(rows.orders)
    write_rows(rows.hearings)
    write_rows(rows.applications)
    write_rows(rows.screenings)


def flush(mothers: QuerySet[Mother]) -> None:
    """Delete the legal records about these women, what the demo wrote and what people added
    to it, before the registry deletes the women: a hearing, an application or an order
    protects its legal case, a report its screening and the report it superseded."""
    reports = CourtReport.objects.filter(mother__in=mothers)
    reports.update(supersedes=None)
    reports.delete()
    Screening.objects.filter(mother__in=mothers).delete()
    cases = LegalCase.objects.filter(mother__in=mothers)
    for model in (Hearing, Application, DetentionOrder):
        model.objects.filter(legal_case__in=cases).delete()
    cases.delete()


def summary(mothers: QuerySet[Mother]) -> dict[str, Any]:
    cases = LegalCase.objects.filter(mother__in=mothers)
    applications = Application.objects.filter(legal_case__in=cases)
    return {
        "legal cases": cases.count(),
        "hearings": Hearing.objects.filter(legal_case__in=cases).count(),
        "applications": applications.count(),
        "  waiting": applications.filter(outcome=Application.Outcome.PENDING).count(),
        "screenings": Screening.objects.filter(mother__in=mothers).count(),
    }
