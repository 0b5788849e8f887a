"""Writes for diversion screenings: atomic, audited, the candidates judged by the rules of
`screening.py` on every write, and her flags refreshed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from komar.accounts.models import User
from komar.audit.actions import write_audit
from komar.audit.models import AuditEntry
from komar.cases.actions import EditConflict, InvalidAction, enforce_dates
from komar.cases.date_rules import History, Problem, check_event
from komar.cases.findings import refresh_for
from komar.cases.models import CustodyEpisode, Mother
from komar.legal.eligibility import is_eligible
from komar.legal.models import (
    CareArrangement,
    DetentionGround,
    Measure,
    Screening,
    SupervisionObligation,
)
from komar.legal.screening import Recorded, judge, not_eligible_reasons, screened_children

# What a screening records, in the order of the page. `candidates` is the rules' answer.
INPUT_FIELDS = [
    "screened_on",
    "grounds_claimed",
    "stable_address",
    "address_note",
    "guarantor",
    "guarantor_note",
    "drug_treatment_need",
    "health_note",
    "care",
    "care_note",
    "obligations",
    "obligations_note",
]
CHOICE_FIELDS = ["chosen", "chosen_reason"]
SCREENING_FIELDS = [*INPUT_FIELDS, *CHOICE_FIELDS]
LIST_FIELDS = {
    "grounds_claimed": DetentionGround,
    "obligations": SupervisionObligation,
    "chosen": Measure,
}
CARE_TEXT_LIMITS = {"carer_name": 150, "note": 300}
ANSWER_FIELDS = ("stable_address", "guarantor", "drug_treatment_need")


class NotEligible(InvalidAction):
    """She is not (or no longer) someone a screening is for: `reasons` say why."""

    def __init__(self, reasons: Sequence[str]) -> None:
        super().__init__("not eligible for a diversion screening")
        self.reasons = list(reasons)


def may_screen(user: User) -> bool:
    return user.can_write_cases


def may_change_screening(user: User, screening: Screening) -> bool:
    """A screening is the record of the organisation that screened her: its case writers
    correct it and choose its measures."""
    organisation_id = screening.screened_by.organisation_id
    return (
        user.can_write_cases
        and organisation_id is not None
        and user.organisation_id == organisation_id
    )


def screening_problems(
    mother: Mother, episode: CustodyEpisode | None, screened_on: dt.date
) -> list[Problem]:
    """Not in the future, not before her birth, and not before the admission of the custody
    it is about."""
    problems = check_event(
        History(born=mother.date_of_birth),
        field_name="screened_on",
        day=screened_on,
        what=_("The screening"),
    )
    if not problems and episode is not None and screened_on < episode.admission_date:
        problems.append(
            Problem(
                "before_admission",
                "screened_on",
                _("A screening of this custody cannot be dated before her admission (%(date)s).")
                % {"date": date_format(episode.admission_date)},
            )
        )
    return problems


def _values(data: Mapping[str, Any], names: Sequence[str]) -> dict[str, Any]:
    """The screening's fields from `data`, checked and put in a stable form (lists in the
    order of their choices, text stripped)."""
    values: dict[str, Any] = {}
    for name in names:
        value = data.get(name)
        if name in LIST_FIELDS:
            allowed = LIST_FIELDS[name].values
            given = set(value or ())
            if not given <= set(allowed):
                raise InvalidAction(f"{name}: not a choice")
            values[name] = [v for v in allowed if v in given]
        elif name in ANSWER_FIELDS:
            if value not in Screening.Answer.values:
                raise InvalidAction(f"{name}: not a choice")
            values[name] = value
        elif name == "care":
            values[name] = value  # checked against her children by `_care`
        elif name == "screened_on":
            if not isinstance(value, dt.date):
                raise InvalidAction("screened_on: a date is required")
            values[name] = value
        else:
            values[name] = (value or "").strip()
    if values.get("chosen") and "chosen_reason" in values and not values["chosen_reason"]:
        raise InvalidAction("say why these measures are chosen")
    return values


def _care(mother: Mother, rows: Any, today: dt.date) -> list[dict[str, str]]:
    """Who would care for each child, checked: one row at most for each of her children under
    18, a known arrangement, short text; in the order of her children (youngest first). A row
    with nothing said is dropped."""
    children = [str(c.code) for c in screened_children(mother, today)]
    given: dict[str, dict[str, str]] = {}
    for row in rows or ():
        if not isinstance(row, Mapping):
            raise InvalidAction("care: not a row")
        child = str(row.get("child") or "")
        if child not in children:
            raise InvalidAction("care: not one of her children under 18")
        if child in given:
            raise InvalidAction("care: two rows for one child")
        arrangement = row.get("arrangement") or ""
        if arrangement and arrangement not in CareArrangement.values:
            raise InvalidAction("care: not a choice")
        texts = {k: str(row.get(k) or "").strip() for k in CARE_TEXT_LIMITS}
        if any(len(texts[k]) > limit for k, limit in CARE_TEXT_LIMITS.items()):
            raise InvalidAction("care: too long")
        if arrangement or any(texts.values()):
            given[child] = {"child": child, "arrangement": arrangement, **texts}
    return [given[c] for c in children if c in given]


def _candidates(mother: Mother, values: Mapping[str, Any]) -> list[dict[str, Any]]:
    recorded = Recorded.of(mother, timezone.localdate())
    return judge(recorded.facts(values))


@transaction.atomic
def do_record_screening(
    mother: Mother, data: Mapping[str, Any], *, actor: User, ip: str | None = None
) -> Screening:
    """Screen her: her answers, and the candidate measures as the rules judge them today.

    Raises `NotEligible` unless she is held before trial and pregnant, breastfeeding or caring
    for a child (`eligibility.py`), `DatesRefused` for an impossible date."""
    today = timezone.localdate()
    # As she stands now, not as the page that posted saw her.
    mother = (
        Mother.objects.select_for_update(of=("self",))
        .select_related("latest_episode")
        .get(pk=mother.pk)
    )
    if not is_eligible(mother, today):
        raise NotEligible(not_eligible_reasons(mother, today))
    episode = mother.latest_episode
    assert episode is not None  # eligible: held now
    values = _values(data, SCREENING_FIELDS)
    values["care"] = _care(mother, values["care"], today)
    enforce_dates(screening_problems(mother, episode, values["screened_on"]), ())
    screening = Screening.objects.create(
        mother=mother,
        episode=episode,
        screened_by=actor,
        candidates=_candidates(mother, values),
        **values,
    )
    write_audit(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        obj=screening,
        mother=mother,
        fields=[k for k, v in values.items() if v not in ("", None, [])] + ["candidates"],
        ip=ip,
    )
    refresh_for(mother)
    return screening


@transaction.atomic
def do_change_screening(
    screening: Screening,
    data: Mapping[str, Any],
    *,
    expected_version: int,
    actor: User,
    ip: str | None = None,
) -> Screening:
    """Correct a screening's answers, or choose the measures to pursue and say why (`data`
    holds the fields that may change). The candidates are judged again, on her file as it is
    today. Raises `EditConflict` when someone saved it since `expected_version`, and writes
    nothing then."""
    current = (
        Screening.objects.select_for_update(of=("self",))
        .select_related("mother", "episode", "screened_by")
        .get(pk=screening.pk)
    )
    if current.version != expected_version:
        raise EditConflict(current)
    names = [n for n in SCREENING_FIELDS if n in data]
    merged = {**{n: getattr(current, n) for n in SCREENING_FIELDS}, **_values(data, names)}
    values = _values(merged, SCREENING_FIELDS)
    mother = current.mother
    if "care" in names:
        values["care"] = _care(mother, values["care"], timezone.localdate())
    if "screened_on" in names:
        enforce_dates(screening_problems(mother, current.episode, values["screened_on"]), ())
    changed = [n for n in SCREENING_FIELDS if getattr(current, n) != values[n]]
    if not changed:
        return current
    candidates = _candidates(mother, values)
    verdicts = [{k: v for k, v in c.items() if k != "judged_on"} for c in candidates]
    before = [{k: v for k, v in c.items() if k != "judged_on"} for c in current.candidates]
    if verdicts != before:
        changed.append("candidates")
    for name in changed:
        setattr(current, name, candidates if name == "candidates" else values[name])
    current.version += 1  # the row is locked: no one else can bump it meanwhile
    current.updated_at = timezone.now()
    current.save(update_fields=[*changed, "version", "updated_at"])
    write_audit(
        actor=actor,
        action=AuditEntry.Action.CHANGE,
        obj=current,
        mother=mother,
        fields=changed,
        ip=ip,
    )
    refresh_for(mother)
    return current
