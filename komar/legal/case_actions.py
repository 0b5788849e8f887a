"""Every write to a legal case: atomic, audited (field names only), checked against the date
rules again (the forms check them first), and followed by a refresh of her stored findings.

A stay (an episode and those that followed it by transfer, see `derived.py`) has one legal
case, on its first episode. The first thing recorded about a stay creates it: the case's own
facts, a detention order, a hearing, an application or the judgment.

A court decision that ends pre-trial detention (release, judicial supervision, early release or
a pardon granted; an acquittal, a wholly suspended sentence, community service or a fine alone)
ends her custody through the registry's own release action, in the same transaction. Where each
child who lived inside with her lives now is recorded separately: placements change only when
the worker records them. A prison term makes her latest episode's legal status "sentenced".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from komar.accounts.models import User
from komar.audit.actions import write_audit
from komar.audit.models import AuditEntry
from komar.cases import actions as registry
from komar.cases.actions import EditConflict, InvalidAction, enforce_dates
from komar.cases.date_rules import History, Problem, check_event, plain_date
from komar.cases.findings import refresh_for
from komar.cases.models import CustodyEpisode, Mother
from komar.legal.derived import Stay, stay_holding
from komar.legal.models import (
    Application,
    DetentionOrder,
    Hearing,
    LegalCase,
    SupervisionObligation,
)

Created = AuditEntry.Action.CREATE
Changed = AuditEntry.Action.CHANGE
ReleaseKind = CustodyEpisode.ReleaseKind

CASE_FIELDS = (
    "arrested_at",
    "arrest_place",
    "police_custody_start",
    "police_custody_end",
    "police_custody_extended",
    "extension_authorised_by",
    "offence_class",
    "is_violent",
    "minimum_penalty_months",
    "maximum_penalty_months",
    "investigating_judge",
    "lawyer_assigned_on",
    "notes",
)
JUDGMENT_FIELDS = (
    "judgment_on",
    "judgment",
    "prison_months",
    "suspended_months",
    "community_service_hours",
    "fine_riel",
)
ORDER_FIELDS = ("kind", "ordered_on", "term_months", "grounds")
HEARING_FIELDS = ("held_on", "court", "kind", "outcome", "next_on", "is_scheduled")
APPLICATION_FIELDS = ("kind", "filed_on", "note")
DECISION_FIELDS = ("outcome", "decided_on", "obligations", "obligations_note")

# Applications whose grant ends her detention, and the kind of release the registry records.
RELEASING_APPLICATIONS = {
    Application.Kind.RELEASE: ReleaseKind.BAIL,
    Application.Kind.JUDICIAL_SUPERVISION: ReleaseKind.BAIL,
    Application.Kind.EARLY_RELEASE: ReleaseKind.PARDON,
    Application.Kind.PARDON: ReleaseKind.PARDON,
}


@dataclass(frozen=True)
class CourtDecision:
    """What a decision recorded did to her custody."""

    legal_case: LegalCase
    released: CustodyEpisode | None = None  # the episode it ended
    sentenced: bool = False  # her legal status became "sentenced"


# -- Finding the stay and its case ----------------------------------------------------------


def stay_for(episode: CustodyEpisode) -> Stay:
    """The stay an episode belongs to (one query: her episodes)."""
    rows = list(CustodyEpisode.objects.filter(mother_id=episode.mother_id))
    return stay_holding(rows, episode)


def case_for_stay(stay: Stay) -> LegalCase | None:
    return (
        LegalCase.objects.filter(episode_id__in=stay.episode_ids)
        .order_by("created_at", "pk")
        .first()
    )


def _locked(episode: CustodyEpisode) -> tuple[Mother, Stay, LegalCase | None]:
    """Her row locked (two first recordings for one stay cannot both create its case), the
    stay and its case if there is one."""
    mother = Mother.objects.select_for_update().get(pk=episode.mother_id)
    stay = stay_for(episode)
    return mother, stay, case_for_stay(stay)


def _new_case(
    mother: Mother, stay: Stay, values: Mapping[str, Any], *, actor: User, ip: str | None
) -> LegalCase:
    legal_case = LegalCase.objects.create(episode=stay.first, mother=mother, **values)
    write_audit(
        actor=actor,
        action=Created,
        obj=legal_case,
        mother=mother,
        fields=_set_fields(values),
        ip=ip,
    )
    return legal_case


def _case_of(
    mother: Mother, stay: Stay, legal_case: LegalCase | None, *, actor: User, ip: str | None
) -> LegalCase:
    return legal_case or _new_case(mother, stay, {}, actor=actor, ip=ip)


def _set_fields(values: Mapping[str, Any]) -> list[str]:
    """The names of the fields given a value (names only: values are never audited)."""
    return [name for name, value in values.items() if value not in (None, "", False, [])]


def _values(data: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    return {name: data[name] for name in names if name in data}


# -- The date rules of a legal case ---------------------------------------------------------


def _d(day: dt.date) -> str:
    return date_format(day)


def local_day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment is not None else None


def arrest_day(legal_case: LegalCase | None) -> dt.date | None:
    return local_day(legal_case.arrested_at) if legal_case is not None else None


def _before_arrest(field_name: str, day: dt.date, arrested: dt.date | None) -> list[Problem]:
    if arrested is None or day >= arrested:
        return []
    return [
        Problem(
            "before_arrest",
            field_name,
            _("This date is before her arrest (%(date)s).") % {"date": _d(arrested)},
        )
    ]


def case_problems(mother: Mother, stay: Stay, values: Mapping[str, Any]) -> list[Problem]:
    """The arrest and police custody: not in the future, not before her birth, the arrest not
    after her admission to prison, and police custody from the arrest on and ending after it
    began. The date a lawyer was assigned: not in the future, not before her birth."""
    history = History.of(mother)
    problems: list[Problem] = []
    arrested = local_day(values.get("arrested_at"))
    start = values.get("police_custody_start")
    end = values.get("police_custody_end")
    for field_name, day, what in (
        ("arrested_on", arrested, _("The arrest")),
        ("custody_from_on", local_day(start), _("Police custody")),
        ("custody_until_on", local_day(end), _("The end of police custody")),
        ("lawyer_assigned_on", values.get("lawyer_assigned_on"), _("The lawyer's assignment")),
    ):
        if day is not None:
            problems += check_event(history, field_name=field_name, day=day, what=what)
    if arrested is not None and arrested > stay.admitted_on:
        problems.append(
            Problem(
                "arrest_after_admission",
                "arrested_on",
                _("The arrest cannot be after her admission to prison (%(date)s).")
                % {"date": _d(stay.admitted_on)},
            )
        )
    arrested_at = values.get("arrested_at")
    if start is not None and arrested_at is not None and start < arrested_at:
        problems.append(
            Problem(
                "custody_before_arrest",
                "custody_from_on",
                _("Police custody cannot begin before her arrest."),
            )
        )
    if start is not None and end is not None and end <= start:
        problems.append(
            Problem(
                "custody_ends_before_start",
                "custody_until_on",
                _("Police custody must end after it began."),
            )
        )
    return problems


def order_problems(
    mother: Mother,
    stay: Stay,
    legal_case: LegalCase | None,
    orders: list[DetentionOrder],
    values: Mapping[str, Any],
) -> list[Problem]:
    """A detention order: not in the future, not before her arrest, not after she was
    released; one order, then its extensions, each on or after the one before."""
    day: dt.date = values["ordered_on"]
    problems = check_event(
        History.of(mother), field_name="ordered_on", day=day, what=_("The detention order")
    )
    problems += _before_arrest("ordered_on", day, arrest_day(legal_case))
    if stay.ended_on is not None and day > stay.ended_on:
        problems.append(
            Problem(
                "after_release",
                "ordered_on",
                _("This date is after her custody ended (%(date)s).") % {"date": _d(stay.ended_on)},
            )
        )
    first = next((o for o in orders if o.kind == DetentionOrder.Kind.ORDER), None)
    if values["kind"] == DetentionOrder.Kind.EXTENSION and first is None:
        problems.append(
            Problem(
                "extension_without_order",
                "kind",
                _("Record the detention order first: an extension extends it."),
            )
        )
    if values["kind"] == DetentionOrder.Kind.ORDER and first is not None:
        problems.append(
            Problem(
                "second_order",
                "kind",
                _("A detention order of %(date)s is recorded: record this one as an extension.")
                % {"date": _d(first.ordered_on)},
            )
        )
    latest = max((o.ordered_on for o in orders), default=None)
    if values["kind"] == DetentionOrder.Kind.EXTENSION and latest is not None and day < latest:
        problems.append(
            Problem(
                "before_previous_order",
                "ordered_on",
                _("An extension cannot be ordered before the previous order (%(date)s).")
                % {"date": _d(latest)},
            )
        )
    return problems


def hearing_problems(
    mother: Mother, legal_case: LegalCase | None, values: Mapping[str, Any]
) -> list[Problem]:
    """A hearing that took place: not in the future, not before her arrest; the next hearing
    after it. A hearing scheduled ahead: today or later, with no outcome yet."""
    held: dt.date = values["held_on"]
    if values.get("is_scheduled"):
        return _scheduled_problems(legal_case, values)
    problems = check_event(
        History.of(mother), field_name="held_on", day=held, what=_("The hearing")
    )
    problems += _before_arrest("held_on", held, arrest_day(legal_case))
    next_on: dt.date | None = values.get("next_on")
    if next_on is not None:
        problems += plain_date("next_on", next_on, future=True)
        if next_on <= held:
            problems.append(
                Problem(
                    "next_not_after",
                    "next_on",
                    _("The next hearing must be after this one (%(date)s).") % {"date": _d(held)},
                )
            )
    return problems


def _scheduled_problems(legal_case: LegalCase | None, values: Mapping[str, Any]) -> list[Problem]:
    held: dt.date = values["held_on"]
    problems = plain_date("held_on", held, future=True)
    if held < timezone.localdate():
        problems.append(
            Problem(
                "scheduled_in_past",
                "held_on",
                _(
                    "This date has passed: record the hearing as held, with what came of it, "
                    "or give the new date."
                ),
            )
        )
    problems += _before_arrest("held_on", held, arrest_day(legal_case))
    for name in ("outcome", "next_on"):
        if values.get(name):
            problems.append(
                Problem(
                    "scheduled_with_outcome",
                    name,
                    _("A hearing that has not taken place has no outcome and no next date yet."),
                )
            )
    return problems


def application_problems(
    mother: Mother, legal_case: LegalCase | None, values: Mapping[str, Any]
) -> list[Problem]:
    filed: dt.date = values["filed_on"]
    problems = check_event(
        History.of(mother), field_name="filed_on", day=filed, what=_("The application")
    )
    return problems + _before_arrest("filed_on", filed, arrest_day(legal_case))


def releases(application: Application, outcome: str | None) -> bool:
    """Granting this application ends her detention."""
    return outcome == Application.Outcome.GRANTED and application.kind in RELEASING_APPLICATIONS


def release_problems(stay: Stay | None, field_name: str, day: dt.date) -> list[Problem]:
    """A decision that releases her: not before her admission to the facility she is in."""
    if stay is None or not stay.is_open or day >= stay.latest.admission_date:
        return []
    return [
        Problem(
            "release_before_admission",
            field_name,
            _("A release cannot be recorded before her admission (%(date)s).")
            % {"date": _d(stay.latest.admission_date)},
        )
    ]


def decision_problems(
    application: Application, values: Mapping[str, Any], stay: Stay | None = None
) -> list[Problem]:
    """The decision: not in the future, not before the application; a release not before her
    admission to the facility she is in (given her `stay`)."""
    decided: dt.date = values["decided_on"]
    problems = plain_date("decided_on", decided)
    if releases(application, values.get("outcome")):
        problems += release_problems(stay, "decided_on", decided)
    if decided < application.filed_on:
        problems.append(
            Problem(
                "decided_before_filed",
                "decided_on",
                _("The decision cannot come before the application was filed (%(date)s).")
                % {"date": _d(application.filed_on)},
            )
        )
    return problems


def judgment_problems(
    mother: Mother,
    legal_case: LegalCase | None,
    orders: list[DetentionOrder],
    values: Mapping[str, Any],
    stay: Stay | None = None,
) -> list[Problem]:
    """The judgment: not in the future, not before her arrest or the detention order; one
    that releases her, not before her admission to the facility she is in."""
    day: dt.date = values["judgment_on"]
    problems = check_event(
        History.of(mother), field_name="judgment_on", day=day, what=_("The judgment")
    )
    problems += _before_arrest("judgment_on", day, arrest_day(legal_case))
    if judgment_release_kind(values) is not None:
        problems += release_problems(stay, "judgment_on", day)
    first = min((o.ordered_on for o in orders), default=None)
    if first is not None and day < first:
        problems.append(
            Problem(
                "judgment_before_order",
                "judgment_on",
                _("The judgment cannot come before the detention order (%(date)s).")
                % {"date": _d(first)},
            )
        )
    return problems


def judgment_release_kind(values: Mapping[str, Any]) -> str | None:
    """The kind of release a judgment means, or None if it keeps her in prison."""
    kind = values.get("judgment")
    prison = values.get("prison_months") or 0
    if kind == LegalCase.Judgment.ACQUITTAL:
        return ReleaseKind.ACQUITTED
    if kind == LegalCase.Judgment.SUSPENDED and (values.get("suspended_months") or 0) >= prison:
        return ReleaseKind.SUSPENDED
    if kind == LegalCase.Judgment.COMMUNITY_SERVICE and not prison:
        return ReleaseKind.SUSPENDED
    if kind == LegalCase.Judgment.FINE and not prison:
        return ReleaseKind.SUSPENDED
    return None


def judgment_consistency(values: Mapping[str, Any]) -> dict[str, str]:
    """What each kind of judgment needs, as field -> message (the form shows them)."""
    kind = values.get("judgment")
    errors: dict[str, Any] = {}
    prison, suspended = values.get("prison_months"), values.get("suspended_months")
    if kind in (LegalCase.Judgment.PRISON, LegalCase.Judgment.SUSPENDED) and not prison:
        errors["prison_months"] = _("Enter the prison term, in months.")
    if kind == LegalCase.Judgment.SUSPENDED and not suspended:
        errors["suspended_months"] = _("Enter how many months of the term are suspended.")
    if suspended and prison and suspended > prison:
        errors["suspended_months"] = _("The suspended part cannot be longer than the term.")
    if suspended and kind != LegalCase.Judgment.SUSPENDED:
        errors["suspended_months"] = _("A suspended part belongs to a suspended sentence.")
    if kind == LegalCase.Judgment.COMMUNITY_SERVICE and not values.get("community_service_hours"):
        errors["community_service_hours"] = _("Enter the hours of community service.")
    if kind == LegalCase.Judgment.FINE and not values.get("fine_riel"):
        errors["fine_riel"] = _("Enter the fine, in riel.")
    if kind == LegalCase.Judgment.ACQUITTAL:
        for name in ("prison_months", "community_service_hours", "fine_riel"):
            if values.get(name):
                errors[name] = _("An acquittal sets no penalty.")
    return {name: str(message) for name, message in errors.items()}


# -- The case's own facts --------------------------------------------------------------------


def _set_lawyer(stay: Stay, data: Mapping[str, Any], *, actor: User, ip: str | None) -> list[str]:
    """The lawyer's name lives on her latest episode (the registry's field, carried by
    transfers): a different name is written there, through the registry's action, with the
    episode's own optimistic locking."""
    if "lawyer" not in data:
        return []
    episode = CustodyEpisode.objects.get(pk=stay.latest.pk)
    name = data["lawyer"].strip()
    if name == episode.lawyer:
        return []
    registry.do_change_episode(
        episode,
        {"lawyer": name},
        expected_version=data.get("episode_version") or episode.version,
        actor=actor,
        ip=ip,
    )
    return ["lawyer"]


@transaction.atomic
def do_record_legal_case(
    episode: CustodyEpisode, data: Mapping[str, Any], *, actor: User, ip: str | None = None
) -> LegalCase:
    """Record the legal facts of a stay that has no legal case yet."""
    mother, stay, existing = _locked(episode)
    if existing is not None:
        raise InvalidAction("the stay already has a legal case: correct it")
    values = _values(data, CASE_FIELDS)
    enforce_dates(case_problems(mother, stay, values), ())
    legal_case = _new_case(mother, stay, values, actor=actor, ip=ip)
    _set_lawyer(stay, data, actor=actor, ip=ip)
    refresh_for(mother)
    return legal_case


@transaction.atomic
def do_change_legal_case(
    legal_case: LegalCase,
    data: Mapping[str, Any],
    *,
    expected_version: int,
    actor: User,
    ip: str | None = None,
) -> LegalCase:
    """Correct the legal facts, only if nobody saved them since `expected_version` (else
    `EditConflict`, and nothing is written). Only the fields that differ are written."""
    mother = Mother.objects.select_for_update().get(pk=legal_case.mother_id)
    current = LegalCase.objects.select_for_update().get(pk=legal_case.pk)
    if current.version != expected_version:
        raise EditConflict(current)
    stay = stay_for(current.episode)
    values = _values(data, CASE_FIELDS)
    enforce_dates(case_problems(mother, stay, {**_values_of(current), **values}), ())
    changed = [name for name, value in values.items() if getattr(current, name) != value]
    _set_lawyer(stay, data, actor=actor, ip=ip)
    if changed:
        _save(current, values, changed, actor=actor, ip=ip)
    refresh_for(mother)
    return current


def _values_of(legal_case: LegalCase) -> dict[str, Any]:
    return {name: getattr(legal_case, name) for name in CASE_FIELDS}


def _save(
    current: LegalCase,
    values: Mapping[str, Any],
    changed: list[str],
    *,
    actor: User,
    ip: str | None,
) -> None:
    for name in changed:
        setattr(current, name, values[name])
    current.version += 1  # the row is locked: no one else can bump it meanwhile
    current.updated_at = timezone.now()
    current.save(update_fields=[*changed, "version", "updated_at"])
    write_audit(
        actor=actor, action=Changed, obj=current, mother=current.mother, fields=changed, ip=ip
    )


# -- Detention orders, hearings, applications ------------------------------------------------


@transaction.atomic
def do_record_detention_order(
    episode: CustodyEpisode, data: Mapping[str, Any], *, actor: User, ip: str | None = None
) -> DetentionOrder:
    mother, stay, legal_case = _locked(episode)
    values = _values(data, ORDER_FIELDS)
    values["grounds"] = sorted(values.get("grounds") or [])
    orders = list(legal_case.detention_orders.all()) if legal_case is not None else []
    enforce_dates(order_problems(mother, stay, legal_case, orders, values), ())
    legal_case = _case_of(mother, stay, legal_case, actor=actor, ip=ip)
    order = DetentionOrder.objects.create(legal_case=legal_case, recorded_by=actor, **values)
    write_audit(
        actor=actor, action=Created, obj=order, mother=mother, fields=_set_fields(values), ip=ip
    )
    refresh_for(mother)
    return order


@transaction.atomic
def do_record_hearing(
    episode: CustodyEpisode, data: Mapping[str, Any], *, actor: User, ip: str | None = None
) -> Hearing:
    mother, stay, legal_case = _locked(episode)
    values = _values(data, HEARING_FIELDS)
    enforce_dates(hearing_problems(mother, legal_case, values), ())
    legal_case = _case_of(mother, stay, legal_case, actor=actor, ip=ip)
    hearing = Hearing.objects.create(legal_case=legal_case, recorded_by=actor, **values)
    write_audit(
        actor=actor, action=Created, obj=hearing, mother=mother, fields=_set_fields(values), ip=ip
    )
    refresh_for(mother)
    return hearing


def _locked_record(
    model: type[DetentionOrder] | type[Hearing], pk: int, expected_version: int
) -> tuple[Mother, Stay, LegalCase, Any]:
    """Her row and the record locked, checked against the version the person started from."""
    legal_case = LegalCase.objects.select_related("episode").get(
        pk=model.objects.values("legal_case_id").get(pk=pk)["legal_case_id"]
    )
    mother = Mother.objects.select_for_update().get(pk=legal_case.mother_id)
    current = model.objects.select_for_update(of=("self",)).get(pk=pk)
    if current.version != expected_version:
        raise EditConflict(current)
    return mother, stay_for(legal_case.episode), legal_case, current


def _save_record(
    current: DetentionOrder | Hearing,
    mother: Mother,
    values: Mapping[str, Any],
    *,
    actor: User,
    ip: str | None,
) -> list[str]:
    changed = [name for name, value in values.items() if getattr(current, name) != value]
    if changed:
        for name in changed:
            setattr(current, name, values[name])
        current.version += 1  # the row is locked: no one else can bump it meanwhile
        current.save(update_fields=[*changed, "version"])
        write_audit(actor=actor, action=Changed, obj=current, mother=mother, fields=changed, ip=ip)
    refresh_for(mother)
    return changed


@transaction.atomic
def do_change_detention_order(
    order: DetentionOrder,
    data: Mapping[str, Any],
    *,
    expected_version: int,
    actor: User,
    ip: str | None = None,
) -> DetentionOrder:
    """Correct a detention order or an extension, only if nobody saved it since
    `expected_version` (else `EditConflict`, and nothing is written). Checked against the
    stay's other orders."""
    mother, stay, legal_case, current = _locked_record(DetentionOrder, order.pk, expected_version)
    values = _values(data, ORDER_FIELDS)
    if "grounds" in values:
        values["grounds"] = sorted(values["grounds"] or [])
    others = [o for o in legal_case.detention_orders.all() if o.pk != current.pk]
    merged = {name: getattr(current, name) for name in ORDER_FIELDS} | values
    enforce_dates(order_problems(mother, stay, legal_case, others, merged), ())
    _save_record(current, mother, values, actor=actor, ip=ip)
    return current


@transaction.atomic
def do_change_hearing(
    hearing: Hearing,
    data: Mapping[str, Any],
    *,
    expected_version: int,
    actor: User,
    ip: str | None = None,
) -> Hearing:
    """Correct a hearing, move a scheduled one to its new date, or record what came of a
    scheduled hearing once it has taken place (`is_scheduled` False), only if nobody saved it
    since `expected_version` (else `EditConflict`)."""
    mother, _stay, legal_case, current = _locked_record(Hearing, hearing.pk, expected_version)
    values = _values(data, HEARING_FIELDS)
    merged = {name: getattr(current, name) for name in HEARING_FIELDS} | values
    enforce_dates(hearing_problems(mother, legal_case, merged), ())
    _save_record(current, mother, values, actor=actor, ip=ip)
    return current


@transaction.atomic
def do_record_application(
    episode: CustodyEpisode, data: Mapping[str, Any], *, actor: User, ip: str | None = None
) -> Application:
    """An application filed on her behalf, waiting for the court's decision."""
    mother, stay, legal_case = _locked(episode)
    values = _values(data, APPLICATION_FIELDS)
    enforce_dates(application_problems(mother, legal_case, values), ())
    legal_case = _case_of(mother, stay, legal_case, actor=actor, ip=ip)
    application = Application.objects.create(
        legal_case=legal_case, recorded_by=actor, outcome=Application.Outcome.PENDING, **values
    )
    write_audit(
        actor=actor,
        action=Created,
        obj=application,
        mother=mother,
        fields=_set_fields(values),
        ip=ip,
    )
    refresh_for(mother)
    return application


# -- Court decisions -------------------------------------------------------------------------


def _end_custody(
    mother: Mother, stay: Stay, *, on: dt.date, release_kind: str, actor: User, ip: str | None
) -> CustodyEpisode | None:
    """Release her through the registry, if this stay is her custody now."""
    if not stay.is_open or mother.latest_episode_id != stay.latest.pk:
        return None
    return registry.do_release_mother(mother, on=on, release_kind=release_kind, actor=actor, ip=ip)


def _sentence(mother: Mother, stay: Stay, *, actor: User, ip: str | None) -> bool:
    """A prison term: her latest episode's legal status becomes "sentenced"."""
    if not stay.is_open or mother.latest_episode_id != stay.latest.pk:
        return False
    episode = CustodyEpisode.objects.get(pk=stay.latest.pk)
    if episode.legal_status == CustodyEpisode.LegalStatus.SENTENCED:
        return False
    registry.do_change_episode(
        episode,
        {"legal_status": CustodyEpisode.LegalStatus.SENTENCED},
        expected_version=episode.version,
        actor=actor,
        ip=ip,
    )
    return True


@transaction.atomic
def do_decide_application(
    application: Application,
    data: Mapping[str, Any],
    *,
    expected_version: int,
    actor: User,
    ip: str | None = None,
) -> CourtDecision:
    """Record the court's decision on an application. A release, judicial supervision, early
    release or pardon granted ends her custody (the registry's release, same transaction)."""
    current = (
        Application.objects.select_for_update(of=("self",))
        .select_related("legal_case__episode")
        .get(pk=application.pk)
    )
    if current.version != expected_version:
        raise EditConflict(current)
    values = _values(data, DECISION_FIELDS)
    if "obligations" in values:
        given = set(values["obligations"] or ())
        if not given <= set(SupervisionObligation.values):
            raise InvalidAction("obligations: not a choice")
        values["obligations"] = [o for o in SupervisionObligation.values if o in given]
    if "obligations_note" in values:
        values["obligations_note"] = str(values["obligations_note"] or "").strip()
    if values.get("outcome") not in (
        Application.Outcome.GRANTED,
        Application.Outcome.REFUSED,
        Application.Outcome.WITHDRAWN,
    ):
        raise InvalidAction("a decision grants, refuses or records a withdrawal")
    legal_case = current.legal_case
    mother = Mother.objects.select_for_update().get(pk=legal_case.mother_id)
    stay = stay_for(legal_case.episode)
    enforce_dates(decision_problems(current, values, stay), ())
    changed = [name for name, value in values.items() if getattr(current, name) != value]
    for name in changed:
        setattr(current, name, values[name])
    current.version += 1
    current.save(update_fields=[*changed, "version"])
    write_audit(actor=actor, action=Changed, obj=current, mother=mother, fields=changed, ip=ip)
    released = None
    release_kind = RELEASING_APPLICATIONS.get(Application.Kind(current.kind))
    if current.outcome == Application.Outcome.GRANTED and release_kind is not None:
        released = _end_custody(
            mother, stay, on=values["decided_on"], release_kind=release_kind, actor=actor, ip=ip
        )
    refresh_for(mother)
    return CourtDecision(legal_case, released=released)


@transaction.atomic
def do_record_judgment(
    episode: CustodyEpisode,
    data: Mapping[str, Any],
    *,
    expected_version: int | None,
    actor: User,
    ip: str | None = None,
) -> CourtDecision:
    """Record (or correct) the judgment. An acquittal, a wholly suspended sentence, community
    service or a fine alone ends her custody (the registry's release, same transaction); a
    prison term makes her "sentenced". `expected_version`: the case's version the form was
    opened with (None: there was no case yet)."""
    mother, stay, legal_case = _locked(episode)
    if legal_case is not None:
        legal_case = LegalCase.objects.select_for_update().get(pk=legal_case.pk)
        # Opened before the case existed, and a judgment recorded meanwhile: a conflict too.
        stale = legal_case.judgment != "" if expected_version is None else False
        if stale or (expected_version is not None and legal_case.version != expected_version):
            raise EditConflict(legal_case)
    values = _values(data, JUDGMENT_FIELDS)
    if judgment_consistency(values):
        raise InvalidAction("the judgment's penalties do not fit its kind")
    orders = list(legal_case.detention_orders.all()) if legal_case is not None else []
    enforce_dates(judgment_problems(mother, legal_case, orders, values, stay), ())
    if legal_case is None:
        legal_case = _new_case(mother, stay, values, actor=actor, ip=ip)
    else:
        changed = [n for n, v in values.items() if getattr(legal_case, n) != v]
        if changed:
            _save(legal_case, values, changed, actor=actor, ip=ip)
    released, sentenced = None, False
    release_kind = judgment_release_kind(values)
    if release_kind is not None:
        released = _end_custody(
            mother, stay, on=values["judgment_on"], release_kind=release_kind, actor=actor, ip=ip
        )
    else:
        sentenced = _sentence(mother, stay, actor=actor, ip=ip)
    refresh_for(mother)
    return CourtDecision(legal_case, released=released, sentenced=sentenced)
