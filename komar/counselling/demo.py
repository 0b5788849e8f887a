"""The counselling workflow's demo data: sessions, the factors behind each choice and the decision
for each child, drawn for the women `seed_demo` has just written (their `WomanFacts`, from the
registry's demo). What was drawn for a woman (`Counselled`) is handed on to the workflows above:
the best-interests assessments are drawn from it (`assessments/demo.py`).

Like the rest of the demo, rows are written in bulk without audit entries (an audit trail of
events that never happened would be false). The shares follow what the rules are meant to catch:
most women with a child inside have been counselled, some reviews are overdue. `is_latest` marks
each woman's most recent session, as the actions keep it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet

from komar.accounts.models import Role, User
from komar.cases import demo as registry
from komar.cases.demo import WomanFacts, assign_ids, days_to_limit, newest, write_rows
from komar.cases.models import Child, Mother
from komar.counselling.forms import REVIEW_AFTER_DAYS
from komar.counselling.models import (
    SESSION_NEWEST_FIRST,
    CareOption,
    ChildDecision,
    CounsellingSession,
    Factor,
    SessionFactor,
    Stage,
    Topic,
)
from komar.facilities.models import Facility

COUNSELLED_SHARE = 0.75  # of the women in custody with a child inside, pregnant, or a baby outside
REVIEW_HELD_SHARE = 0.93  # each review is held (or else missed: overdue from then on)
INSTITUTION_SHARE = 0.02

# Factor codes with weights: how often each is drawn (the demo's own assumption, not evidence).
PERSONAL = [
    ("P_INFANT_AGE", 5),
    ("P_BREASTFEEDING", 4),
    ("P_MOTHER_CHILD_BOND", 4),
    ("P_PREGNANT_OR_BORN_INSIDE", 3),
    ("P_DISTRUST_OF_CARE", 2),
]
EXTERNAL = [
    ("E_NO_ALTERNATIVE_CARER", 4),
    ("E_RELATIVES_UNABLE_OR_POOR", 4),
    ("E_PARTNER_ABSENT_OR_DETAINED", 3),
    ("E_ARREST_NO_TIME_TO_ARRANGE", 3),
    ("E_AUTHORITY_INSTRUCTION", 2),
    ("E_NO_INFORMATION", 2),
    ("E_INSTITUTION_ONLY_ALTERNATIVE", 1),
]

# What a mother might say, by the main factor; fictional, in the language she used.
WORDS = {
    "P_INFANT_AGE": ["កូននៅតូចពេក ខ្ញុំមិនហ៊ានទុកឱ្យនៅឆ្ងាយពីខ្ញុំទេ។", "She is too small to leave."],
    "P_BREASTFEEDING": ["កូននៅបៅដោះ ខ្ញុំត្រូវនៅជាមួយកូន។", "He still feeds from me at night."],
    "P_MOTHER_CHILD_BOND": ["ខ្ញុំជាម្ដាយ ខ្ញុំចង់មើលកូនដោយខ្លួនឯង។", "I want to be the one who raises her."],
    "P_PREGNANT_OR_BORN_INSIDE": ["កូនកើតនៅទីនេះ គ្មាននរណាស្គាល់កូនទេ។", "She was born here."],
    "P_DISTRUST_OF_CARE": ["ខ្ញុំខ្លាចគេយកកូនទៅលក់។", "I do not trust anyone else with him."],
    "E_NO_ALTERNATIVE_CARER": ["គ្មាននរណាមើលកូនឱ្យខ្ញុំទេ។", "There is nobody outside to take him."],
    "E_RELATIVES_UNABLE_OR_POOR": ["យាយចាស់ហើយ ហើយក្រីក្រណាស់។", "My mother is old and has no money."],
    "E_PARTNER_ABSENT_OR_DETAINED": ["ប្ដីខ្ញុំក៏ជាប់ឃុំដែរ។", "My husband was arrested with me."],
    "E_ARREST_NO_TIME_TO_ARRANGE": ["គេចាប់ខ្ញុំភ្លាមៗ ខ្ញុំគ្មានពេលរៀបចំទេ។", "They took me at once."],
    "E_AUTHORITY_INSTRUCTION": ["ប៉ូលិសប្រាប់ថាត្រូវយកកូនមកជាមួយ។", "The police said the baby comes."],
    "E_NO_INFORMATION": ["គ្មាននរណាប្រាប់ខ្ញុំពីជម្រើសទេ។", "Nobody told me I had a choice."],
    "E_INSTITUTION_ONLY_ALTERNATIVE": ["ខ្ញុំមិនចង់ឱ្យកូនទៅមណ្ឌលទេ។", "The only other place was a centre."],
}

# Facts told to mothers, for the facilities whose record leaves them blank (demo only).
FACILITY_FACTS = {
    "health_care_en": "A nurse visits on weekdays. Sick children are taken to the referral "
    "hospital with a guard.",
    "health_care_km": "គិលានុបដ្ឋាយិកាមកពិនិត្យរៀងរាល់ថ្ងៃធ្វើការ។ កុមារឈឺត្រូវបានយកទៅមន្ទីរពេទ្យបង្អែក "
    "ដោយមានឆ្មាំអមដំណើរ។",
    "space_en": "Mothers and children share a cell with other women; one mat per mother.",
    "space_km": "ម្ដាយ និងកូន នៅបន្ទប់រួមជាមួយស្ត្រីផ្សេងទៀត។ ម្ដាយម្នាក់មានកន្ទេលមួយ។",
    "outdoor_time_en": "One hour in the yard each morning and afternoon.",
    "outdoor_time_km": "មួយម៉ោងនៅទីធ្លា រៀងរាល់ពេលព្រឹក និងពេលរសៀល។",
    "visiting_en": "Family visits on weekday mornings; children may visit with an adult.",
    "visiting_km": "គ្រួសារអាចសួរសុខទុក្ខនៅពេលព្រឹកថ្ងៃធ្វើការ។ កុមារអាចមកជាមួយមនុស្សពេញវ័យ។",
}


@dataclass
class CounsellingRows:
    """The counselling drawn for one chunk of women, not yet written."""

    sessions: list[CounsellingSession] = field(default_factory=list)
    factors: list[tuple[CounsellingSession, Factor, bool]] = field(default_factory=list)
    decisions: list[ChildDecision] = field(default_factory=list)


@dataclass(frozen=True)
class Counselled:
    """A woman the counselling demo drew sessions for, as the workflows above it read her."""

    woman: WomanFacts
    counsellor: User
    decisions: tuple[ChildDecision, ...]  # her latest session's, about her born children


def fill_facility_facts(facilities: Sequence[Facility], today: dt.date) -> None:
    """Give the demo's facilities something to tell mothers, where their record is blank."""
    for facility in facilities:
        changed = [name for name in FACILITY_FACTS if not getattr(facility, name)]
        for name in changed:
            setattr(facility, name, FACILITY_FACTS[name])
        if changed:
            facility.facts_updated_on = today
            facility.save(update_fields=[*changed, "facts_updated_on"])


class CounsellingGenerator(registry.Draws):
    """Draws each woman's sessions and decisions from the casework's seeded generator."""

    def __init__(self, rng: random.Random, ref: registry.Reference) -> None:
        super().__init__(rng, ref)
        users = ref.users
        self.factors = {f.code: f for f in Factor.objects.filter(is_active=True)}
        self.new_session = registry.Unsaved(CounsellingSession)
        self.new_decision = registry.Unsaved(ChildDecision)
        self.personal = [(c, w) for c, w in PERSONAL if c in self.factors]
        self.external = [(c, w) for c, w in EXTERNAL if c in self.factors]
        # Who counsels a woman: a social worker of her organisation, or else one who works in
        # her facility (an NGO worker counselling a woman the prison department registered).
        self.workers: dict[int, list[User]] = {}
        self.facility_workers: dict[int, list[User]] = {}
        for user in sorted(users.values(), key=lambda u: u.username):
            if user.organisation_id is None or user.role != Role.SOCIAL_WORKER:
                continue
            self.workers.setdefault(user.organisation_id, []).append(user)
            for facility_id in user.facilities.values_list("pk", flat=True):
                self.facility_workers.setdefault(facility_id, []).append(user)

    def draw(self, pairs: list[tuple[str, int]], count: int) -> list[str]:
        chosen: list[str] = []
        pool = list(pairs)
        while pool and len(chosen) < count:
            code = self.rng.choices([c for c, _ in pool], weights=[w for _, w in pool])[0]
            chosen.append(code)
            pool = [(c, w) for c, w in pool if c != code]
        return chosen

    def woman(self, woman: WomanFacts, rows: CounsellingRows) -> Counselled | None:
        """Draw her sessions: a first one soon after her admission, then a review every three
        months, each held a little late, until one is missed. None if she is not counselled."""
        episode, mother = woman.episode, woman.mother
        if episode is None:
            return None
        workers = self.workers.get(mother.organisation_id or 0) or self.facility_workers.get(
            episode.facility_id, []
        )
        if not workers:
            return None
        if not (woman.inside or woman.outside_under_three or mother.is_pregnant):
            return None
        if not self.chance(COUNSELLED_SHARE):
            return None
        counsellor = self.rng.choice(workers)
        first_day = episode.admission_date + dt.timedelta(days=self.rng.randint(0, 21))
        held_on = min(first_day, self.today)
        stage = (
            Stage.AT_ADMISSION
            if held_on <= episode.admission_date + dt.timedelta(7)
            else (Stage.IN_CUSTODY)
        )
        institution = bool(woman.inside) and self.chance(INSTITUTION_SHARE)
        decisions = self.session(woman, rows, counsellor, held_on, stage, institution=institution)
        review_on = held_on + dt.timedelta(days=REVIEW_AFTER_DAYS)
        while review_on < self.today and self.chance(REVIEW_HELD_SHARE):
            late = self.rng.randint(0, min(14, (self.today - review_on).days))
            held_on = review_on + dt.timedelta(days=late)
            near = any(self.days_left(c, held_on) <= self.warning_days for c in woman.inside)
            stage = Stage.APPROACHING_LIMIT if near else Stage.IN_CUSTODY
            decisions = self.session(
                woman, rows, counsellor, held_on, stage, institution=institution
            )
            review_on = held_on + dt.timedelta(days=REVIEW_AFTER_DAYS)
        born = tuple(d for d in decisions if d.child is not None)
        return Counselled(woman, counsellor, born)

    def days_left(self, child: Child, on: dt.date) -> int:
        return days_to_limit(child, on, self.limit_months)

    def session(
        self,
        woman: WomanFacts,
        rows: CounsellingRows,
        counsellor: User,
        held_on: dt.date,
        stage: str,
        *,
        institution: bool,
    ) -> list[ChildDecision]:
        """Draw one session, its factors and its decisions; return the decisions."""
        rng, mother = self.rng, woman.mother
        assert woman.episode is not None
        facility = woman.episode.facility
        personal = self.draw(self.personal, rng.randint(1, 2))
        external = self.draw(self.external, rng.randint(0, 2))
        codes = personal + external
        main = rng.choice(codes)
        options = [CareOption.WITH_MOTHER, CareOption.RELATIVE]
        options += rng.sample([CareOption.FATHER, CareOption.OTHER_FAMILY, CareOption.FOSTER], 1)
        if institution:
            options.append(CareOption.INSTITUTION)
        topics = [t for t in Topic.values if self.chance(0.85)]
        preference = CareOption.WITH_MOTHER if woman.inside else CareOption.RELATIVE
        # Decisions are for the children born by that day; one born later was then her unborn
        # child (the date rules refuse a decision about a child not yet born).
        inside = [c for c in woman.inside if c.date_of_birth <= held_on]
        outside = [c for c in woman.outside_under_three if c.date_of_birth <= held_on]
        expecting = (mother.is_pregnant and not woman.inside) or any(
            c.date_of_birth > held_on for c in (*woman.inside, *woman.outside_under_three)
        )
        session = self.new_session(
            code=self.code(),
            mother=mother,
            held_on=held_on,
            stage=stage,
            about_unborn_child=expecting,
            with_prison_staff=self.chance(0.6),
            with_relatives=self.chance(0.15),
            with_lawyer=self.chance(0.1),
            options_discussed=[str(o) for o in options],
            topics_given=topics,
            facility=facility,
            facility_facts={"en": facility.facts("en"), "km": facility.facts("km")},
            mothers_words=rng.choice(WORDS.get(main, [""])),
            preference=preference,
            institution_justification=(
                "No relative could be found; the commune council proposed a centre near home."
                if institution
                else ""
            ),
            review_on=held_on + dt.timedelta(days=REVIEW_AFTER_DAYS),
            counsellor=counsellor,
            created_at=self.now,
        )
        rows.sessions.append(session)
        rows.factors += [(session, self.factors[c], c == main) for c in codes]
        decisions = []
        for child in inside:
            if institution:
                decision, by = CareOption.INSTITUTION, ChildDecision.DecidedBy.OFFICIALS
            else:
                decision = CareOption.WITH_MOTHER
                by = ChildDecision.DecidedBy.MOTHER
                if self.chance(0.1):
                    by = ChildDecision.DecidedBy.OFFICIALS
            decisions.append(self.decision(session, child, decision, by))
        for child in outside:
            placement = child.current_placement
            carer = placement.carer_name if placement is not None else ""
            decision = (
                CareOption.FATHER
                if placement and placement.kind == "father"
                else (CareOption.RELATIVE)
            )
            by = ChildDecision.DecidedBy.MOTHER
            decisions.append(self.decision(session, child, decision, by, carer))
        if session.about_unborn_child:
            by = ChildDecision.DecidedBy.MOTHER
            decisions.append(self.decision(session, None, CareOption.WITH_MOTHER, by))
        rows.decisions += decisions
        return decisions

    def decision(
        self,
        session: CounsellingSession,
        child: Child | None,
        decision: str,
        by: str,
        carer: str = "",
    ) -> ChildDecision:
        return self.new_decision(
            code=self.code(),
            session=session,
            child=child,
            decision=decision,
            decided_by=by,
            carer_name=carer,
        )


def insert_counselling(rows: CounsellingRows) -> None:
    """Write the counselling of one chunk of women (inside the caller's transaction)."""
    assign_ids(rows.sessions)
    mark_latest_sessions(rows.sessions)
    write_rows(rows.sessions)
    new = registry.Unsaved(SessionFactor)
    write_rows([new(session=s, factor=f, is_main=main) for s, f, main in rows.factors])
    write_rows(rows.decisions)


def mark_latest_sessions(sessions: Sequence[CounsellingSession]) -> None:
    """`is_latest` on each woman's most recent session only, in the order of the actions'
    `mark_latest_session()`. The sessions have their ids and are all that their women have."""
    by_mother: dict[int, list[CounsellingSession]] = defaultdict(list)
    for session in sessions:
        by_mother[session.mother_id].append(session)
    for mine in by_mother.values():
        latest = newest(mine, SESSION_NEWEST_FIRST)
        for session in mine:
            session.is_latest = session is latest


def summary(mothers: QuerySet[Mother]) -> dict[str, int]:
    return {"counselling sessions": CounsellingSession.objects.filter(mother__in=mothers).count()}
