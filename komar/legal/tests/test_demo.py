"""The legal demo (`legal/demo.py`, composed by `seed_demo`): histories shaped like domain.md
3.4-3.5, consistent with what the registry says of each woman, within the legal date rules
(checked with the legal actions' own rules), deterministic for a seed, written without audit
rows, and removed by `--flush` with whatever people added to them."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from komar.accounts.models import User
from komar.audit.models import AuditEntry
from komar.cases.date_rules import Problem
from komar.cases.models import AccessGrant, CustodyEpisode, Mother
from komar.legal import case_actions, demo, screening_actions
from komar.legal.derived import stays_of
from komar.legal.eligibility import SCREENED_STATUSES
from komar.legal.models import (
    Application,
    CareArrangement,
    CourtReport,
    DetentionOrder,
    Hearing,
    LegalCase,
    OffenceClass,
    Screening,
    SupervisionObligation,
)

pytestmark = pytest.mark.django_db
ReleaseKind = CustodyEpisode.ReleaseKind


def seed(*args: str) -> None:
    call_command("seed_demo", *args, stdout=io.StringIO())


def legal_digest() -> str:
    """Every legal record by its dates, kinds and outcomes, and its woman's code."""
    rows: list[Any] = []
    for c in LegalCase.objects.select_related("mother", "episode"):
        rows.append(
            (
                "case",
                str(c.code),
                str(c.mother.code),
                str(c.episode.code),
                c.offence_class,
                c.arrested_at,
                c.police_custody_end,
                c.lawyer_assigned_on,
                c.judgment,
                c.judgment_on,
            )
        )
    for o in DetentionOrder.objects.select_related("legal_case"):
        rows.append(("order", str(o.legal_case.code), o.kind, o.ordered_on, o.term_months))
    for h in Hearing.objects.select_related("legal_case"):
        rows.append(("hearing", str(h.legal_case.code), h.kind, h.held_on, h.next_on))
    for a in Application.objects.select_related("legal_case"):
        rows.append(("app", str(a.legal_case.code), a.kind, a.filed_on, a.outcome, a.decided_on))
    for s in Screening.objects.select_related("mother"):
        rows.append(("screening", str(s.code), str(s.mother.code), s.screened_on, s.chosen))
    return hashlib.sha256(repr(sorted(rows, key=repr)).encode()).hexdigest()


def others_digest() -> str:
    """The registry and the casework: what the legal draws must leave as they were."""
    from komar.counselling.models import CounsellingSession

    rows = sorted(
        (str(m.code), m.name_latin, m.legal_status, m.admitted_on, m.is_pregnant)
        for m in Mother.objects.all()
    )
    sessions = sorted(
        (str(s.code), s.held_on, s.review_on) for s in CounsellingSession.objects.all()
    )
    return hashlib.sha256(repr((rows, sessions)).encode()).hexdigest()


# What it looks like.


@pytest.fixture
def seeded() -> None:
    seed("--seed", "3", "--size", "600")


def test_most_legal_cases_are_pre_trial_drug_misdemeanours_and_felonies(seeded) -> None:
    cases = list(LegalCase.objects.select_related("episode__offence_category", "mother"))
    assert len(cases) >= 300  # most women have one
    statuses = Counter(c.mother.legal_status for c in cases)
    before_judgment = sum(statuses[s] for s in ("police_custody", "pre_trial", "awaiting_judgment"))
    assert before_judgment / len(cases) >= 0.6
    drug = sum(
        1
        for c in cases
        if c.episode.offence_category is not None and c.episode.offence_category.is_drug_related
    )
    assert 0.4 <= drug / len(cases) <= 0.65
    classes = Counter(c.offence_class for c in cases if c.offence_class)
    assert classes[OffenceClass.MISDEMEANOUR] > classes[OffenceClass.FELONY] > 0
    assert classes[OffenceClass.PETTY] / sum(classes.values()) < 0.05
    # Drug users are mostly charged with a misdemeanour.
    users = Counter(
        c.offence_class
        for c in cases
        if c.offence_class and c.episode.offence_category
        and c.episode.offence_category.code == "drug_use"
    )  # fmt: skip
    assert users[OffenceClass.MISDEMEANOUR] > users[OffenceClass.FELONY]


def test_many_have_no_lawyer_and_some_waited_months_for_one(seeded) -> None:
    cases = list(LegalCase.objects.select_related("episode"))
    no_lawyer = [c for c in cases if c.lawyer_assigned_on is None]
    assert 0.55 <= len(no_lawyer) / len(cases) <= 0.85
    # The lawyer's date is there exactly when the registry names a lawyer.
    for c in cases:
        episode = c.mother.latest_episode
        assert episode is not None
        assert (c.lawyer_assigned_on is not None) == bool(episode.lawyer)
    waited = [
        c
        for c in cases
        if c.lawyer_assigned_on is not None
        and (c.lawyer_assigned_on - c.episode.admission_date).days > 90
    ]
    assert waited
    # Women held before trial for months with no lawyer at all.
    today = timezone.localdate()
    assert any(
        c.mother.legal_status == "pre_trial"
        and c.lawyer_assigned_on is None
        and (today - c.episode.admission_date).days > 90
        for c in cases
    )


def test_a_few_were_granted_judicial_supervision_and_released_that_day(seeded) -> None:
    granted = Application.objects.filter(
        kind=Application.Kind.JUDICIAL_SUPERVISION, outcome=Application.Outcome.GRANTED
    ).select_related("legal_case__mother__latest_episode")
    cases = LegalCase.objects.count()
    assert 1 <= granted.count() <= 0.08 * cases
    for application in granted:
        episode = application.legal_case.mother.latest_episode
        assert episode is not None and episode.ended_on == application.decided_on
        assert episode.release_kind == ReleaseKind.BAIL
        assert application.obligations and application.obligations_note
        assert set(application.obligations) <= set(SupervisionObligation.values)


def test_the_screenings_say_who_would_care_for_each_of_her_children(seeded) -> None:
    screenings = list(Screening.objects.select_related("mother"))
    assert any(s.care for s in screenings) and any(s.obligations for s in screenings)
    for s in screenings:
        assert set(s.obligations) <= set(SupervisionObligation.values)
        hers = {str(c) for c in s.mother.children.values_list("code", flat=True)}
        assert {row["child"] for row in s.care} <= hers
        assert {row["arrangement"] for row in s.care} <= set(CareArrangement.values)
        # A child inside with no one else is named in the reasons of judicial supervision.
        supervision = next(c for c in s.candidates if c["measure"] == "judicial_supervision")
        named = dict(supervision["reasons"]).get(
            "Children with no alternative care if she stays detained"
        )
        assert (named is not None) == any(row["arrangement"] == "no_one" for row in s.care) or (
            supervision["verdict"] == "does_not_apply"
        )


def test_the_court_decisions_are_what_the_registry_says_happened(seeded) -> None:
    for c in LegalCase.objects.select_related("mother__latest_episode"):
        episode = c.mother.latest_episode
        assert episode is not None
        granted = [a for a in c.applications.all() if a.outcome == Application.Outcome.GRANTED]
        releasing = [a for a in granted if a.kind in case_actions.RELEASING_APPLICATIONS]
        if episode.ended_on is None:
            assert not releasing  # a release granted would have ended her custody
            if episode.legal_status == "sentenced":
                assert c.judgment == LegalCase.Judgment.PRISON and c.prison_months
            else:
                assert c.judgment == ""
            continue
        kind = episode.release_kind
        for a in releasing:
            assert a.decided_on == episode.ended_on
            assert case_actions.RELEASING_APPLICATIONS[Application.Kind(a.kind)] == kind
        if c.judgment:
            released_by = case_actions.judgment_release_kind(
                {f: getattr(c, f) for f in case_actions.JUDGMENT_FIELDS}
            )
            if released_by is not None:
                assert (released_by, c.judgment_on) == (kind, episode.ended_on)
        if kind == ReleaseKind.BAIL:
            assert releasing
        if kind == ReleaseKind.ACQUITTED:
            assert c.judgment == LegalCase.Judgment.ACQUITTAL


def test_some_hearings_are_in_the_coming_weeks_and_none_is_recorded_ahead(seeded) -> None:
    today = timezone.localdate()
    hearings = list(Hearing.objects.all())
    assert all(h.held_on < today for h in hearings)
    ahead = [h for h in hearings if h.next_on and today <= h.next_on <= today + dt.timedelta(14)]
    assert ahead
    assert all(h.next_on is None or h.next_on > h.held_on for h in hearings)


def test_a_few_screenings_chose_measures_and_applications_wait_for_the_court(seeded) -> None:
    screenings = list(Screening.objects.select_related("mother__latest_episode", "episode"))
    assert screenings
    chosen = [s for s in screenings if s.chosen]
    assert 0 < len(chosen) < len(screenings)
    assert all(s.chosen_reason for s in chosen)
    # The candidates are the measure rules' own, one per measure.
    assert all(len(s.candidates) == 8 for s in screenings)
    for s in chosen:
        applying = {c["measure"] for c in s.candidates if c["verdict"] == "applies"}
        assert set(s.chosen) <= applying or s.mother.latest_episode.ended_on is not None
    assert Application.objects.filter(outcome=Application.Outcome.PENDING).exists()
    assert not CourtReport.objects.exists()  # written by people, from a screening
    # A screening of a custody held before trial, dated within it.
    for s in screenings:
        assert s.episode.admission_date <= s.screened_on <= timezone.localdate()
        if s.episode.ended_on is None:
            assert s.mother.legal_status in SCREENED_STATUSES
        else:
            assert s.screened_on < s.episode.ended_on


def test_each_stay_has_one_legal_case_on_its_first_episode(seeded) -> None:
    for c in LegalCase.objects.select_related("episode"):
        episodes = list(CustodyEpisode.objects.filter(mother_id=c.mother_id))
        (stay,) = stays_of(episodes)
        assert c.episode_id == stay.first.pk


# The date rules: the legal actions' own, over every demo record.


def _impossible(problems: list[Problem]) -> list[str]:
    return [p.kind for p in problems if not p.confirmable]


def test_every_legal_record_obeys_the_date_rules_of_the_legal_actions() -> None:
    seed("--seed", "5", "--size", "300")
    broken: list[tuple[str, str]] = []
    for c in LegalCase.objects.select_related("mother", "episode"):
        mother = c.mother
        stay = case_actions.stay_for(c.episode)
        values = {name: getattr(c, name) for name in case_actions.CASE_FIELDS}
        broken += [
            ("case", k) for k in _impossible(case_actions.case_problems(mother, stay, values))
        ]
        orders: list[DetentionOrder] = []
        for o in c.detention_orders.order_by("ordered_on", "pk"):
            data = {n: getattr(o, n) for n in case_actions.ORDER_FIELDS}
            problems = case_actions.order_problems(mother, stay, c, orders, data)
            broken += [("order", k) for k in _impossible(problems)]
            orders.append(o)
        for h in c.hearings.all():
            data = {n: getattr(h, n) for n in case_actions.HEARING_FIELDS}
            broken += [
                ("hearing", k) for k in _impossible(case_actions.hearing_problems(mother, c, data))
            ]
        for a in c.applications.all():
            data = {n: getattr(a, n) for n in case_actions.APPLICATION_FIELDS}
            problems = case_actions.application_problems(mother, c, data)
            if a.decided_on is not None:
                decision = {n: getattr(a, n) for n in case_actions.DECISION_FIELDS}
                problems += case_actions.decision_problems(a, decision, stay)
            broken += [("application", k) for k in _impossible(problems)]
        if c.judgment_on is not None:
            data = {n: getattr(c, n) for n in case_actions.JUDGMENT_FIELDS}
            problems = case_actions.judgment_problems(mother, c, orders, data, stay)
            broken += [("judgment", k) for k in _impossible(problems)]
    for s in Screening.objects.select_related("mother", "episode"):
        problems = screening_actions.screening_problems(s.mother, s.episode, s.screened_on)
        broken += [("screening", k) for k in _impossible(problems)]
    assert broken == []
    assert LegalCase.objects.exists() and Screening.objects.exists()
    # And the stored records break none of the registry's and workflows' rules either.
    out = io.StringIO()
    call_command("check_dates", stdout=out)
    assert "No record breaks a date rule." in out.getvalue()


def test_the_stored_findings_are_those_a_fresh_evaluation_gives() -> None:
    seed("--seed", "3", "--size", "300")
    call_command("refresh_findings", "--check", stdout=io.StringIO())  # raises if any differ


# Same seed, same data; nothing else changed; no audit rows; flush.


def test_the_same_seed_gives_the_same_legal_histories() -> None:
    seed("--seed", "7", "--size", "120")
    assert LegalCase.objects.exists()
    first = legal_digest()
    seed("--seed", "7", "--size", "120", "--flush")
    assert legal_digest() == first
    seed("--seed", "8", "--size", "120", "--flush")
    assert legal_digest() != first


def test_the_legal_draws_leave_the_other_demo_rows_as_before(monkeypatch) -> None:
    seed("--seed", "7", "--size", "120")
    with_legal = others_digest()
    for name in ("CASE_SHARE_SHARED", "CASE_SHARE_WITH_LAWYER", "CASE_SHARE_OTHERS"):
        monkeypatch.setattr(demo, name, 0)
    seed("--seed", "7", "--size", "120", "--flush")
    assert not LegalCase.objects.exists()
    assert others_digest() == with_legal


def test_it_writes_no_audit_rows() -> None:
    seed("--size", "120")
    assert LegalCase.objects.exists()
    assert not AuditEntry.objects.exists()


def test_flush_removes_the_legal_demo_and_what_people_added_to_it() -> None:
    from komar.legal import report_actions

    seed("--seed", "3", "--size", "150")
    vicheka = User.objects.get(username="vicheka")
    shared = AccessGrant.objects.filter(
        organisation=vicheka.organisation, ended_at__isnull=True
    ).values("mother_id")
    case = (
        LegalCase.objects.filter(
            mother__latest_episode__ended_on__isnull=True,
            mother__is_closed=False,
            mother_id__in=shared,
        )
        .select_related("mother__latest_episode")
        .first()
    )
    assert case is not None
    mother = case.mother
    assert mother.latest_episode is not None
    case_actions.do_record_hearing(
        mother.latest_episode,
        {"held_on": timezone.localdate(), "court": "", "kind": "other", "outcome": ""},
        actor=vicheka,
    )
    report_actions.do_start_report(mother, actor=vicheka)
    seed("--seed", "3", "--size", "150", "--flush")
    assert not AuditEntry.objects.exists()
    assert not CourtReport.objects.exists()
    assert Mother.objects.count() == 150
