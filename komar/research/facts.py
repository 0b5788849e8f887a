"""The facts behind every export and statistic: one `DecisionFact` per decision for a child,
read in batches of women (a fixed number of queries per batch, constant memory), only about
the women of the project's organisation who have an active research consent on the day.

Nothing here reads a name, a number, a phone, an address, a note or her own words: the
queries name the columns they read (`values_list`), so no personal text ever reaches Python.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast

from komar.accounts.models import Organisation
from komar.cases.models import Consent, CustodyEpisode, Mother
from komar.counselling.models import CareOption, ChildDecision, SessionFactor
from komar.lib.dates import age_in_months
from komar.research.models import ResearchProject

BATCH = 1000  # women per batch


@dataclass(frozen=True)
class DecisionFact:
    mother_id: int
    mother_code: str
    child_code: str  # "" for a decision about her unborn child
    decision_code: str
    held_on: dt.date
    stage: str
    about_unborn: bool
    child_age_months: int | None
    child_sex: str
    mother_age_years: int | None
    facility_id: int | None
    home_province_id: int | None
    offence_id: int | None
    legal_status: str  # at the event; "not_held" when no custody covers the day
    decision: str
    decided_by: str
    preference: str
    with_prison_staff: bool
    with_relatives: bool
    with_lawyer: bool
    with_interpreter: bool
    factors: tuple[str, ...]  # the codes cited, sorted
    main_factor: str  # "" when none was marked main

    @property
    def inside(self) -> bool:
        return self.decision == CareOption.WITH_MOTHER


def active_research_consent(on: dt.date) -> Exists:
    return Exists(
        Consent.objects.filter(
            mother=OuterRef("pk"),
            purpose=Consent.Purpose.RESEARCH,
            withdrawn_on__isnull=True,
            given_on__lte=on,
        )
    )


def consented_women(project: ResearchProject, on: dt.date) -> QuerySet[Mother]:
    """The women a project may use on a day: those with an active research consent who are
    assigned to its organisation, or held (or last held) in a facility where it works."""
    where = Organisation.facilities.through.objects.filter(
        organisation_id=project.organisation_id
    ).values("facility_id")
    return Mother.objects.filter(
        Q(organisation_id=project.organisation_id) | Q(facility_id__in=where)
    ).filter(active_research_consent(on))


def year_filter(first_year: int | None, last_year: int | None, prefix: str = "") -> Q:
    condition = Q()
    if first_year:
        condition &= Q(**{f"{prefix}held_on__gte": dt.date(first_year, 1, 1)})
    if last_year:
        condition &= Q(**{f"{prefix}held_on__lte": dt.date(last_year, 12, 31)})
    return condition


def women_ids(
    project: ResearchProject, on: dt.date, first_year: int | None, last_year: int | None
) -> list[int]:
    """The ids of the consented women with at least one decision in the years, in the order
    of their random codes (deterministic, and saying nothing about when they were registered)."""
    decided = ChildDecision.objects.filter(
        Q(session__mother_id=OuterRef("pk")) & year_filter(first_year, last_year, "session__")
    )
    return list(
        consented_women(project, on)
        .filter(Exists(decided))
        .order_by("code")
        .values_list("pk", flat=True)
    )


def hex_of(code: str) -> str:
    """A random code as 32 hex digits, the same from SQLite (stored so) and PostgreSQL (a
    uuid cast to text has dashes): what the pseudonyms are made from."""
    return code.replace("-", "")


def _episode_at() -> Subquery:
    """Her custody episode on the day of the session: the latest admitted on or before it."""
    return Subquery(
        CustodyEpisode.objects.filter(
            mother_id=OuterRef("session__mother_id"),
            admission_date__lte=OuterRef("session__held_on"),
        )
        .order_by("-admission_date", "-pk")
        .values("pk")[:1]
    )


DECISION_COLUMNS = (
    "code_text",
    "session_id",
    "session__mother_id",
    "mother_code_text",
    "session__mother__date_of_birth",
    "session__mother__province_id",
    "session__held_on",
    "session__created_at",
    "session__stage",
    "session__about_unborn_child",
    "session__facility_id",
    "session__preference",
    "session__with_prison_staff",
    "session__with_relatives",
    "session__with_lawyer",
    "session__with_interpreter",
    "child_code_text",
    "child__date_of_birth",
    "child__sex",
    "decision",
    "decided_by",
    "episode_id",
)


def facts_for(
    ids: Sequence[int], first_year: int | None, last_year: int | None
) -> list[DecisionFact]:
    """The decisions of these women (three queries), hers in the order of `ids`, each woman's
    by date."""
    rows = list(
        ChildDecision.objects.filter(
            Q(session__mother_id__in=ids) & year_filter(first_year, last_year, "session__")
        )
        .annotate(
            episode_id=_episode_at(),
            # The random codes as text: no UUID object per value (see `hex_of`).
            code_text=Cast("code", CharField()),
            mother_code_text=Cast("session__mother__code", CharField()),
            child_code_text=Cast("child__code", CharField()),
        )
        .values_list(*DECISION_COLUMNS)
    )
    session_ids = {r[1] for r in rows}
    factors: dict[int, list[str]] = defaultdict(list)
    main: dict[int, str] = {}
    for session_id, code, is_main in SessionFactor.objects.filter(
        session_id__in=session_ids
    ).values_list("session_id", "factor__code", "is_main"):
        factors[session_id].append(code)
        if is_main:
            main[session_id] = code
    episodes = {
        e[0]: e[1:]
        for e in CustodyEpisode.objects.filter(
            pk__in={r[-1] for r in rows if r[-1] is not None}
        ).values_list("pk", "facility_id", "legal_status", "offence_category_id", "ended_on")
    }
    position = {pk: i for i, pk in enumerate(ids)}
    rows.sort(key=lambda r: (position[r[2]], r[6], r[7], r[1], hex_of(r[0])))
    out = []
    for r in rows:
        (
            code,
            session_id,
            mother_id,
            mother_code,
            mother_born,
            province_id,
            held_on,
            _session_created,
            stage,
            unborn,
            session_facility,
            preference,
            staff,
            relatives,
            lawyer,
            interpreter,
            child_code,
            child_born,
            child_sex,
            decision,
            decided_by,
            episode_id,
        ) = r
        episode = episodes.get(episode_id) if episode_id is not None else None
        facility_id: int | None
        offence_id: int | None
        if episode is not None and (episode[3] is None or episode[3] > held_on):
            facility_id, status, offence_id = episode[0], episode[1], episode[2]
        else:
            facility_id, status = None, "not_held"
            offence_id = episode[2] if episode is not None else None
        out.append(
            DecisionFact(
                mother_id=mother_id,
                mother_code=hex_of(mother_code),
                child_code=hex_of(child_code) if child_code else "",
                decision_code=hex_of(code),
                held_on=held_on,
                stage=stage,
                about_unborn=unborn or child_code is None,
                child_age_months=(
                    age_in_months(child_born, held_on)
                    if child_born is not None and child_born <= held_on
                    else None
                ),
                child_sex=child_sex or "",
                mother_age_years=(
                    age_in_months(mother_born, held_on) // 12 if mother_born else None
                ),
                facility_id=session_facility or facility_id,
                home_province_id=province_id,
                offence_id=offence_id,
                legal_status=status,
                decision=decision,
                decided_by=decided_by,
                preference=preference or "",
                with_prison_staff=staff,
                with_relatives=relatives,
                with_lawyer=lawyer,
                with_interpreter=interpreter,
                factors=tuple(sorted(factors.get(session_id, ()))),
                main_factor=main.get(session_id, ""),
            )
        )
    return out


def iter_facts(
    project: ResearchProject,
    on: dt.date,
    first_year: int | None = None,
    last_year: int | None = None,
    ids: Sequence[int] | None = None,
) -> Iterator[DecisionFact]:
    """Every decision of the project's consented women, batch by batch."""
    if ids is None:
        ids = women_ids(project, on, first_year, last_year)
    for start in range(0, len(ids), BATCH):
        yield from facts_for(ids[start : start + BATCH], first_year, last_year)
