"""Fictional casework for the demo dataset: counselling sessions, decisions, best-interests
assessments and determinations, drawn for the women that `seed_demo` has just written.

Like the rest of the demo, rows are bulk-created without audit entries (an audit trail of events
that never happened would be false). The shares follow what the rules are meant to catch: most
women with a child inside have been counselled, some reviews are overdue, a few children near or
over the stay limit have no approved assessment or no determination yet.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from komar.accounts.models import Role, User
from komar.assessments.models import (
    Assessment,
    AssessmentElement,
    Determination,
    Element,
    PanelMember,
    Rating,
)
from komar.cases.models import Child, CustodyEpisode, Mother, Placement
from komar.counselling.forms import REVIEW_AFTER_DAYS
from komar.counselling.models import (
    CareOption,
    ChildDecision,
    CounsellingSession,
    Factor,
    SessionFactor,
    Stage,
    Topic,
)
from komar.facilities.models import Facility
from komar.lib.dates import add_months

INSERT_BATCH = 1000

COUNSELLED_SHARE = 0.75  # of the women in custody with a child inside, pregnant, or a baby outside
REVIEW_HELD_SHARE = 0.93  # each review is held (or else missed: overdue from then on)
INSTITUTION_SHARE = 0.02
ASSESSED_SHARE = 0.45  # of the children inside who were counselled
NEAR_LIMIT_ASSESSED_SHARE = 0.5
OVER_LIMIT_DETERMINED_SHARE = 0.5

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

EVIDENCE: dict[str, str] = {
    Element.VIEWS: "Too young to speak; calm and smiling when held by the mother.",
    Element.IDENTITY: "Birth registration discussed with the commune; name used consistently.",
    Element.FAMILY: "Strong bond with the mother; grandmother visits once a month.",
    Element.CARE: "Mother is the main carer; shares a crowded cell with other women.",
    Element.VULNERABILITY: "Very young; exposed to the prison environment every day.",
    Element.HEALTH: "Weight on track at the last clinic visit; one chest infection this year.",
    Element.DEVELOPMENT: "Attends the child-friendly space most mornings; walking and babbling.",
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
class Casework:
    sessions: list[CounsellingSession] = field(default_factory=list)
    factors: list[tuple[CounsellingSession, Factor, bool]] = field(default_factory=list)
    decisions: list[tuple[CounsellingSession, ChildDecision]] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    elements: list[tuple[Assessment, AssessmentElement]] = field(default_factory=list)
    determinations: list[Determination] = field(default_factory=list)
    members: list[tuple[Determination, PanelMember]] = field(default_factory=list)


@dataclass(frozen=True)
class WomanFacts:
    """What the casework generator needs of one woman, once her rows are saved."""

    mother: Mother
    episode: CustodyEpisode | None  # her open episode
    inside: list[Child]
    outside_under_three: list[Child]


def fill_facility_facts(facilities: Sequence[Facility], today: dt.date) -> None:
    """Give the demo's facilities something to tell mothers, where their record is blank."""
    for facility in facilities:
        changed = [name for name in FACILITY_FACTS if not getattr(facility, name)]
        for name in changed:
            setattr(facility, name, FACILITY_FACTS[name])
        if changed:
            facility.facts_updated_on = today
            facility.save(update_fields=[*changed, "facts_updated_on"])


class CaseworkGenerator:
    def __init__(
        self,
        rng: random.Random,
        *,
        today: dt.date,
        now: dt.datetime,
        users: dict[str, User],
        limit_months: int,
        warning_days: int,
    ) -> None:
        self.rng = rng
        self.today = today
        self.now = now
        self.limit_months = limit_months
        self.warning_days = warning_days
        self.factors = {f.code: f for f in Factor.objects.filter(is_active=True)}
        self.personal = [(c, w) for c, w in PERSONAL if c in self.factors]
        self.external = [(c, w) for c, w in EXTERNAL if c in self.factors]
        # Who counsels a woman: a social worker of her organisation, or else one who works in
        # her facility (an NGO worker counselling a woman the prison department registered).
        self.workers: dict[int, list[User]] = {}
        self.facility_workers: dict[int, list[User]] = {}
        self.supervisors: dict[int, list[User]] = {}
        for user in sorted(users.values(), key=lambda u: u.username):
            if user.organisation_id is None:
                continue
            if user.role == Role.SOCIAL_WORKER:
                self.workers.setdefault(user.organisation_id, []).append(user)
                for facility_id in user.facilities.values_list("pk", flat=True):
                    self.facility_workers.setdefault(facility_id, []).append(user)
            elif user.role == Role.SUPERVISOR:
                self.supervisors.setdefault(user.organisation_id, []).append(user)

    def code(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def chance(self, share: float) -> bool:
        return self.rng.random() < share

    def draw(self, pairs: list[tuple[str, int]], count: int) -> list[str]:
        chosen: list[str] = []
        pool = list(pairs)
        while pool and len(chosen) < count:
            code = self.rng.choices([c for c, _ in pool], weights=[w for _, w in pool])[0]
            chosen.append(code)
            pool = [(c, w) for c, w in pool if c != code]
        return chosen

    def casework(self, women: Sequence[WomanFacts]) -> Casework:
        work = Casework()
        for woman in women:
            self.woman(woman, work)
        return work

    def woman(self, woman: WomanFacts, work: Casework) -> None:
        episode, mother = woman.episode, woman.mother
        if episode is None:
            return
        workers = self.workers.get(mother.organisation_id or 0) or self.facility_workers.get(
            episode.facility_id, []
        )
        if not workers:
            return
        if not (woman.inside or woman.outside_under_three or mother.is_pregnant):
            return
        if not self.chance(COUNSELLED_SHARE):
            return
        counsellor = self.rng.choice(workers)
        first_day = episode.admission_date + dt.timedelta(days=self.rng.randint(0, 21))
        held_on = min(first_day, self.today)
        stage = (
            Stage.AT_ADMISSION
            if held_on <= episode.admission_date + dt.timedelta(7)
            else (Stage.IN_CUSTODY)
        )
        institution = bool(woman.inside) and self.chance(INSTITUTION_SHARE)
        self.session(woman, work, counsellor, held_on, stage, institution=institution)
        # Reviews every three months, each held a little late, until one is missed.
        review_on = held_on + dt.timedelta(days=REVIEW_AFTER_DAYS)
        while review_on < self.today and self.chance(REVIEW_HELD_SHARE):
            late = self.rng.randint(0, min(14, (self.today - review_on).days))
            held_on = review_on + dt.timedelta(days=late)
            near = any(self.days_left(c, held_on) <= self.warning_days for c in woman.inside)
            stage = Stage.APPROACHING_LIMIT if near else Stage.IN_CUSTODY
            self.session(woman, work, counsellor, held_on, stage, institution=institution)
            review_on = held_on + dt.timedelta(days=REVIEW_AFTER_DAYS)
        for child in woman.inside:
            self.assess(child, counsellor, work, institution=institution)

    def days_left(self, child: Child, on: dt.date) -> int:
        return (add_months(child.date_of_birth, self.limit_months) - on).days

    def session(
        self,
        woman: WomanFacts,
        work: Casework,
        counsellor: User,
        held_on: dt.date,
        stage: str,
        *,
        institution: bool,
    ) -> None:
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
        session = CounsellingSession(
            code=self.code(),
            mother=mother,
            held_on=held_on,
            stage=stage,
            about_unborn_child=mother.is_pregnant and not woman.inside,
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
        work.sessions.append(session)
        work.factors += [(session, self.factors[c], c == main) for c in codes]
        for child in woman.inside:
            if institution:
                decision, by = CareOption.INSTITUTION, ChildDecision.DecidedBy.OFFICIALS
            else:
                decision = CareOption.WITH_MOTHER
                by = ChildDecision.DecidedBy.MOTHER
                if self.chance(0.1):
                    by = ChildDecision.DecidedBy.OFFICIALS
            work.decisions.append((session, self.decision(child, decision, by)))
        for child in woman.outside_under_three:
            placement = child.current_placement
            carer = placement.carer_name if placement is not None else ""
            decision = (
                CareOption.FATHER
                if placement and placement.kind == "father"
                else (CareOption.RELATIVE)
            )
            row = self.decision(child, decision, ChildDecision.DecidedBy.MOTHER, carer)
            work.decisions.append((session, row))
        if session.about_unborn_child:
            row = self.decision(None, CareOption.WITH_MOTHER, ChildDecision.DecidedBy.MOTHER)
            work.decisions.append((session, row))

    def decision(
        self, child: Child | None, decision: str, by: str, carer: str = ""
    ) -> ChildDecision:
        return ChildDecision(
            code=self.code(), child=child, decision=decision, decided_by=by, carer_name=carer
        )

    def assess(self, child: Child, assessor: User, work: Casework, *, institution: bool) -> None:
        days_left = self.days_left(child, self.today)
        near = 0 <= days_left <= self.warning_days
        share = NEAR_LIMIT_ASSESSED_SHARE if near else ASSESSED_SHARE
        if not self.chance(share):
            if days_left < 0 and self.chance(OVER_LIMIT_DETERMINED_SHARE):
                self.determine(child, assessor, work, None)
            return
        organisation_id = assessor.organisation_id or 0
        supervisors = self.supervisors.get(organisation_id, [])
        statuses = Assessment.Status
        status = self.rng.choices(
            [statuses.APPROVED, statuses.SUBMITTED, statuses.DRAFT, statuses.RETURNED],
            weights=[6, 2, 1, 1],
        )[0]
        if not supervisors and status in (Assessment.Status.APPROVED, Assessment.Status.RETURNED):
            status = Assessment.Status.SUBMITTED
        occasion = Assessment.Occasion.APPROACHING_LIMIT if near else Assessment.Occasion.ENTRY
        assessed_on = max(child.date_of_birth, self.today - dt.timedelta(self.rng.randint(3, 60)))
        recommendation = CareOption.INSTITUTION if institution else CareOption.RELATIVE
        if not near and days_left >= 0 and not institution:
            recommendation = CareOption.WITH_MOTHER
        decided = status in (Assessment.Status.APPROVED, Assessment.Status.RETURNED)
        assessment = Assessment(
            code=self.code(),
            child=child,
            organisation_id=organisation_id,
            occasion=occasion,
            assessed_on=assessed_on,
            options_compared="With the mother inside: close bond, but a crowded cell and little "
            "play. With the grandmother: able and willing, two hours away; needs support for "
            "food and school.",
            recommendation=recommendation,
            recommendation_reasons="Family-based care that keeps the child close to the mother.",
            mother_contests_separation=near and self.chance(0.15),
            status=status,
            reviewer_comments=(
                "Please add the grandmother's health and income."
                if status == Assessment.Status.RETURNED
                else ""
            ),
            assessor=assessor,
            submitted_at=self.now if status != Assessment.Status.DRAFT else None,
            decided_by=self.rng.choice(supervisors) if decided else None,
            decided_at=self.now if decided else None,
            created_at=self.now,
        )
        work.assessments.append(assessment)
        for element in Element.values:
            rating = Rating.SOME_CONCERN if element == Element.CARE else Rating.NO_CONCERN
            row = AssessmentElement(element=element, evidence=EVIDENCE[element], rating=rating)
            work.elements.append((assessment, row))
        if days_left < 0 and self.chance(OVER_LIMIT_DETERMINED_SHARE):
            self.determine(child, assessor, work, assessment)

    def determine(
        self, child: Child, recorder: User, work: Casework, assessment: Assessment | None
    ) -> None:
        held_on = self.today - dt.timedelta(days=self.rng.randint(1, 20))
        determination = Determination(
            code=self.code(),
            child=child,
            assessment=assessment,
            reasons=["over_limit"],
            held_on=held_on,
            decision=CareOption.RELATIVE,
            decision_reasons="The grandmother is able and willing; the mother agrees. Monthly "
            "visits to the prison are arranged.",
            dissent="",
            review_on=held_on + dt.timedelta(days=REVIEW_AFTER_DAYS),
            recorded_by=recorder,
            created_at=self.now,
        )
        work.determinations.append(determination)
        for name, role in [
            ("Chea Sreymom (demo)", "social worker"),
            ("Heng Dara", "supervisor"),
            ("Mao Sophal (demo)", "DoSVY officer"),
        ]:
            work.members.append((determination, PanelMember(name=name, role=role)))


def insert_casework(work: Casework) -> None:
    """Write the casework of one chunk of women (inside the caller's transaction)."""
    CounsellingSession.objects.bulk_create(work.sessions, batch_size=INSERT_BATCH)
    SessionFactor.objects.bulk_create(
        [SessionFactor(session=s, factor=f, is_main=main) for s, f, main in work.factors],
        batch_size=INSERT_BATCH,
    )
    for session, decision in work.decisions:
        decision.session = session
    ChildDecision.objects.bulk_create([d for _, d in work.decisions], batch_size=INSERT_BATCH)
    Assessment.objects.bulk_create(work.assessments, batch_size=INSERT_BATCH)
    Assessment.authors.through.objects.bulk_create(
        [
            Assessment.authors.through(assessment_id=a.pk, user_id=a.assessor_id)
            for a in work.assessments
        ],
        batch_size=INSERT_BATCH,
    )
    for assessment, element in work.elements:
        element.assessment = assessment
    AssessmentElement.objects.bulk_create([e for _, e in work.elements], batch_size=INSERT_BATCH)
    Determination.objects.bulk_create(work.determinations, batch_size=INSERT_BATCH)
    for determination, member in work.members:
        member.determination = determination
    PanelMember.objects.bulk_create([m for _, m in work.members], batch_size=INSERT_BATCH)


def woman_facts(
    mother: Mother,
    episodes: Sequence[CustodyEpisode],
    children: Sequence[tuple[Child, Placement | None]],
    *,
    today: dt.date,
    limit_months: int,
) -> WomanFacts:
    """Sort her children into inside and young outside, as the generator needs them."""
    open_episodes = [e for e in episodes if e.ended_on is None]
    inside, outside = [], []
    for child, placement in children:
        child.current_placement = placement
        if placement is not None and placement.kind == Placement.Kind.WITH_MOTHER:
            inside.append(child)
        elif add_months(child.date_of_birth, limit_months) > today and placement is not None:
            outside.append(child)
    return WomanFacts(mother, open_episodes[-1] if open_episodes else None, inside, outside)
