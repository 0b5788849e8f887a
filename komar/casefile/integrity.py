"""Every stored record checked against the date rules, as a fresh write would be.

The forms and actions refuse impossible dates since the rules exist; records written before
them, by an import or by the demo generator, are checked here. `manage.py check_dates` runs it;
a test runs it over the demo data and expects nothing. Only impossible dates are reported: an
improbable one may have been confirmed (its audit row says so).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from komar.assessments.actions import assessment_problems, determination_problems
from komar.assessments.models import Assessment, Determination
from komar.cases import date_rules
from komar.cases.date_rules import History, Problem, Stay
from komar.cases.models import Child, Consent, CustodyEpisode, Mother, Placement
from komar.casework.actions import document_problems, note_problems
from komar.casework.models import CaseNote, Document
from komar.counselling.actions import session_problems
from komar.counselling.models import ChildDecision, CounsellingSession

BATCH = 2000


@dataclass(frozen=True)
class Broken:
    """One stored record that breaks a date rule. Codes only: no personal data."""

    mother_code: str
    record: str
    record_code: str
    kind: str


def _reports(mother_code: str, record: object, problems: list[Problem]) -> Iterator[Broken]:
    for problem in problems:
        if not problem.confirmable:
            record_code = str(getattr(record, "code", ""))
            yield Broken(mother_code, type(record).__name__, record_code, problem.kind)


def find_broken(mother_ids: list[int] | None = None) -> Iterator[Broken]:
    """Each record breaking a rule (her own, her custody, her children's, the workflows' about
    them, her case notes and documents), woman by woman, in batches: a fixed number of queries
    per batch of 2,000 women."""
    ids = (
        mother_ids
        if mother_ids is not None
        else list(Mother.objects.order_by("pk").values_list("pk", flat=True))
    )
    for start in range(0, len(ids), BATCH):
        yield from _batch(ids[start : start + BATCH])


def _batch(ids: list[int]) -> Iterator[Broken]:
    mothers = {m.pk: m for m in Mother.objects.filter(pk__in=ids)}
    episodes = defaultdict(list)
    for e in CustodyEpisode.objects.filter(mother_id__in=ids).order_by("admission_date", "pk"):
        episodes[e.mother_id].append(e)
    children = defaultdict(list)
    for c in Child.objects.filter(mother_id__in=ids).order_by("pk"):
        children[c.mother_id].append(c)
    placements = defaultdict(list)
    for p in Placement.objects.filter(child__mother_id__in=ids).order_by("start_date", "pk"):
        placements[p.child_id].append(p)
    consents = defaultdict(list)
    for k in Consent.objects.filter(mother_id__in=ids):
        consents[k.mother_id].append(k)
    sessions = defaultdict(list)
    for s in CounsellingSession.objects.filter(mother_id__in=ids):
        sessions[s.mother_id].append(s)
    decisions = defaultdict(list)
    for d in ChildDecision.objects.filter(session__mother_id__in=ids, child__isnull=False):
        decisions[d.session_id].append(d)
    assessments = defaultdict(list)
    for a in Assessment.objects.filter(child__mother_id__in=ids):
        assessments[a.child_id].append(a)
    determinations = defaultdict(list)
    for t in Determination.objects.filter(child__mother_id__in=ids):
        determinations[t.child_id].append(t)
    # Only the columns the rules read: a note's text can be long, and there are many notes.
    notes = defaultdict(list)
    for n in CaseNote.objects.filter(mother_id__in=ids).only("code", "mother", "child", "held_on"):
        notes[n.mother_id].append(n)
    # A removed document is on no file any more, and nobody can correct it: not checked.
    documents = defaultdict(list)
    for f in (
        Document.objects.attached()
        .filter(mother_id__in=ids)
        .only("code", "mother", "child", "kind", "dated_on")
    ):
        documents[f.mother_id].append(f)

    for pk in ids:
        mother = mothers[pk]
        code = str(mother.code)
        kids = children[pk]
        history = History(
            born=mother.date_of_birth,
            stays=[Stay(e.pk, e.admission_date, e.ended_on) for e in episodes[pk]],
            children=[
                (c.pk, c.date_of_birth, min((p.start_date for p in placements[c.pk]), default=None))
                for c in kids
            ],
            earliest_consent=min((k.given_on for k in consents[pk]), default=None),
        )

        yield from _reports(
            code,
            mother,
            date_rules.check_mother(
                history,
                born=mother.date_of_birth,
                is_pregnant=mother.is_pregnant,
                expected_delivery=mother.expected_delivery_date if mother.is_pregnant else None,
            ),
        )
        for e in episodes[pk]:
            yield from _reports(
                code,
                e,
                date_rules.check_stay(
                    history,
                    admitted=e.admission_date,
                    expected_release=e.expected_release_date,
                    episode_pk=e.pk,
                    ended=e.ended_on,
                ),
            )
            if e.ended_on is not None:
                yield from _reports(
                    code,
                    e,
                    date_rules.check_stay_end(
                        history, stay=Stay(e.pk, e.admission_date, None), on=e.ended_on
                    ),
                )
        for c in kids:
            yield from _reports(
                code,
                c,
                date_rules.check_child(
                    history, born=c.date_of_birth, born_in_custody=False, child_pk=c.pk
                ),
            )
            previous: Placement | None = None
            for p in placements[c.pk]:
                yield from _reports(
                    code,
                    p,
                    date_rules.check_placement(
                        child_born=c.date_of_birth,
                        start=p.start_date,
                        current_start=previous.start_date if previous is not None else None,
                    ),
                )
                previous = p
            for a in assessments[c.pk]:
                yield from _reports(code, a, assessment_problems(c, a.assessed_on))
            for t in determinations[c.pk]:
                yield from _reports(code, t, determination_problems(c, t.held_on))
        for k in consents[pk]:
            yield from _reports(
                code,
                k,
                date_rules.check_event(
                    history, field_name="given_on", day=k.given_on, what="consent"
                ),
            )
        by_pk = {c.pk: c for c in kids}
        for s in sessions[pk]:
            decided = [by_pk[d.child_id] for d in decisions[s.pk] if d.child_id in by_pk]
            found = session_problems(
                mother, held_on=s.held_on, stage=s.stage, children=decided, history=history
            )
            yield from _reports(code, s, [p for _child, p in found])
        for n in notes[pk]:
            about = by_pk.get(n.child_id) if n.child_id is not None else None
            yield from _reports(
                code,
                n,
                note_problems(mother, held_on=n.held_on, child=about, history=history),
            )
        for f in documents[pk]:
            about = by_pk.get(f.child_id) if f.child_id is not None else None
            yield from _reports(
                code,
                f,
                document_problems(
                    mother, dated_on=f.dated_on, kind=f.kind, child=about, history=history
                ),
            )
