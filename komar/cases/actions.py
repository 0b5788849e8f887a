"""Every write to the registry. Each function is atomic and writes its audit rows.

Edits use optimistic locking: the caller passes the `version` the user started from; if the
record changed since, `EditConflict` is raised and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from komar.accounts.models import Organisation, Role, User
from komar.audit.actions import write_audit
from komar.audit.models import AuditEntry
from komar.cases import date_rules, numbers
from komar.cases.access import scope
from komar.cases.date_rules import History, Problem, Stay
from komar.cases.findings import refresh_for
from komar.cases.models import (
    AccessGrant,
    Child,
    Closure,
    Consent,
    CustodyEpisode,
    Mother,
    Placement,
    Referral,
    inside_facility,
)
from komar.facilities.models import Facility

Created = AuditEntry.Action.CREATE
Changed = AuditEntry.Action.CHANGE
# Who approves: closures, referrals without her consent, assignments.
SUPERVISING_ROLES = (Role.SUPERVISOR, Role.ADMINISTRATOR)

M = TypeVar("M", Mother, Child, CustodyEpisode)


class EditConflict(Exception):
    """Someone else saved the record after the user opened it."""

    def __init__(self, current: models.Model) -> None:
        super().__init__("record changed since it was opened")
        self.current = current


class InvalidAction(Exception):
    """The action does not fit the record's state (e.g. releasing a woman not in custody)."""


class ConsentWithdrawn(InvalidAction):
    """A referral made with her consent is accepted after she withdrew it."""


class DatesRefused(InvalidAction):
    """A date breaks the rules of `date_rules`: impossible, or improbable and not confirmed.

    The forms check the same rules first, so a user meets this only if the record changed
    between her opening the form and saving it."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.kind for p in problems))
        self.problems = problems


def enforce_dates(problems: Iterable[Problem], confirmed: Collection[str]) -> list[str]:
    """Raise if a date is refused; otherwise the kinds she confirmed, for the audit row."""
    problems = list(problems)
    refused = date_rules.refused(problems, confirmed)
    if refused:
        raise DatesRefused(refused)
    return date_rules.confirmations(problems, confirmed)


def _model_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "version"}


def _apply_versioned_change(
    obj: M, changes: Mapping[str, Any], expected_version: int
) -> tuple[M, list[str]]:
    """Write the fields that differ, only if nobody saved since `expected_version`."""
    model = type(obj)
    current = model.objects.select_for_update().get(pk=obj.pk)
    if current.version != expected_version:
        raise EditConflict(current)
    changed = [name for name, value in changes.items() if getattr(current, name) != value]
    if not changed:
        return current, []
    update: dict[str, Any] = {name: changes[name] for name in changed}
    update["version"] = F("version") + 1
    if any(f.name == "updated_at" for f in model._meta.fields):
        update["updated_at"] = timezone.now()
    rows = model.objects.filter(pk=obj.pk, version=expected_version).update(**update)
    if rows != 1:
        raise EditConflict(model.objects.get(pk=obj.pk))
    return model.objects.get(pk=obj.pk), changed


def _field_names(data: Mapping[str, Any]) -> list[str]:
    return [k for k, v in data.items() if v not in (None, "", False)]


@transaction.atomic
def do_register_mother(
    *,
    mother_data: Mapping[str, Any],
    episode_data: Mapping[str, Any] | None,
    children: list[tuple[Mapping[str, Any], Mapping[str, Any]]],
    organisation: Organisation,
    actor: User,
    ip: str | None = None,
    confirmed: Collection[str] = (),
) -> Mother:
    """Register a woman, her custody episode (if any) and all her children in one step.

    `children` is a list of (child fields, placement fields). A child placed "with mother" is
    placed in the facility of the custody episode. `confirmed` holds the codes of the
    improbable dates the worker confirmed.
    """
    found = date_rules.check_registration(
        mother=mother_data, episode=episode_data, children=children
    )
    confirmations = enforce_dates([p for _part, p in found], confirmed)
    facility = episode_data.get("facility") if episode_data is not None else None
    prefix = numbers.prefix_for(facility, mother_data.get("province"))
    (case_number,) = numbers.take(prefix, timezone.localdate().year)
    # The social worker who registers a woman of her own organisation is responsible for her
    # until a supervisor reassigns her.
    worker = (
        actor
        if actor.role == Role.SOCIAL_WORKER and actor.organisation_id == organisation.pk
        else None
    )
    mother = Mother.objects.create(
        **_model_fields(mother_data),
        organisation=organisation,
        created_by=actor,
        case_number=case_number,
        assigned_worker=worker,
    )
    write_audit(
        actor=actor,
        action=Created,
        obj=mother,
        mother=mother,
        fields=_field_names(mother_data),
        ip=ip,
        confirmed=confirmations,
    )
    if episode_data is not None:
        _open_episode(mother, episode_data, actor=actor, ip=ip)
    for child_data, placement_data in children:
        _create_child(mother, child_data, placement_data, actor=actor, ip=ip)
    refresh_for(mother)
    return mother


def _open_episode(
    mother: Mother,
    data: Mapping[str, Any],
    *,
    actor: User,
    ip: str | None,
    confirmed: Iterable[str] = (),
) -> CustodyEpisode:
    episode = CustodyEpisode.objects.create(mother=mother, **_model_fields(data))
    mother.latest_episode = episode
    mother.facility = episode.facility
    mother.legal_status = episode.legal_status
    mother.admitted_on = episode.admission_date
    mother.save(update_fields=["latest_episode", "facility", "legal_status", "admitted_on"])
    write_audit(
        actor=actor,
        action=Created,
        obj=episode,
        mother=mother,
        fields=_field_names(data),
        ip=ip,
        confirmed=confirmed,
    )
    return episode


def _create_child(
    mother: Mother,
    child_data: Mapping[str, Any],
    placement_data: Mapping[str, Any],
    *,
    actor: User,
    ip: str | None,
    confirmed: Iterable[str] = (),
) -> Child:
    child = Child.objects.create(mother=mother, **_model_fields(child_data))
    write_audit(
        actor=actor,
        action=Created,
        obj=child,
        mother=mother,
        fields=_field_names(child_data),
        ip=ip,
        confirmed=confirmed,
    )
    _start_placement(child, placement_data, actor=actor, ip=ip)
    return child


def _start_placement(
    child: Child, data: Mapping[str, Any], *, actor: User, ip: str | None
) -> Placement:
    values = dict(_model_fields(data))
    if values.get("kind") == Placement.Kind.WITH_MOTHER and not values.get("facility"):
        episode = child.mother.latest_episode
        if episode is None or not episode.is_open:
            raise InvalidAction("the mother is not in custody")
        if values["start_date"] < episode.admission_date:
            raise InvalidAction("a child cannot be with her mother inside before admission")
        values["facility"] = episode.facility
    if values.get("kind") != Placement.Kind.WITH_MOTHER:
        values["facility"] = None
    previous = child.current_placement
    if previous is not None and previous.end_date is None:
        previous.end_date = values["start_date"]
        previous.save(update_fields=["end_date"])
        write_audit(
            actor=actor,
            action=Changed,
            obj=previous,
            mother=child.mother,
            fields=["end_date"],
            ip=ip,
        )
    placement = Placement.objects.create(child=child, recorded_by=actor, **values)
    child.current_placement = placement
    child.inside_facility = inside_facility(placement)
    child.save(update_fields=["current_placement", "inside_facility"])
    _count_children_inside(child.mother_id)
    write_audit(
        actor=actor,
        action=Created,
        obj=placement,
        mother=child.mother,
        fields=_field_names(values),
        ip=ip,
    )
    return placement


def _count_children_inside(mother_id: int) -> None:
    """Her copies of how many children live inside with her, and the eldest one's birth date
    (the case list's filter and its "nearest stay limit" order)."""
    inside = Child.objects.filter(
        mother_id=mother_id, current_placement__kind=Placement.Kind.WITH_MOTHER
    ).aggregate(count=models.Count("pk"), eldest=models.Min("date_of_birth"))
    Mother.objects.filter(pk=mother_id).update(
        children_inside=inside["count"], eldest_inside_born_on=inside["eldest"]
    )


@transaction.atomic
def do_change_mother(
    mother: Mother,
    changes: Mapping[str, Any],
    *,
    expected_version: int,
    actor: User,
    ip: str | None = None,
    confirmed: Collection[str] = (),
) -> Mother:
    def value(name: str) -> Any:
        return changes[name] if name in changes else getattr(mother, name)

    confirmations = enforce_dates(
        date_rules.check_mother(
            History.of(mother),
            born=value("date_of_birth"),
            is_pregnant=bool(value("is_pregnant")),
            expected_delivery=value("expected_delivery_date"),
        ),
        confirmed,
    )
    updated, changed = _apply_versioned_change(mother, _model_fields(changes), expected_version)
    if changed:
        write_audit(
            actor=actor,
            action=Changed,
            obj=updated,
            mother=updated,
            fields=changed,
            ip=ip,
            confirmed=confirmations,
        )
        refresh_for(updated)
    return updated


@transaction.atomic
def do_change_episode(
    episode: CustodyEpisode,
    changes: Mapping[str, Any],
    *,
    expected_version: int,
    actor: User,
    ip: str | None = None,
    confirmed: Collection[str] = (),
) -> CustodyEpisode:
    confirmations = enforce_dates(
        date_rules.check_stay(
            History.of(episode.mother),
            admitted=changes.get("admission_date", episode.admission_date),
            expected_release=changes.get("expected_release_date", episode.expected_release_date),
            episode_pk=episode.pk,
            ended=episode.ended_on,
        ),
        confirmed,
    )
    # The stored facility, not `episode`'s: a validated form has already set the new one on it.
    recorded_facility_id = (
        CustodyEpisode.objects.filter(pk=episode.pk).values_list("facility_id", flat=True).get()
    )
    updated, changed = _apply_versioned_change(episode, _model_fields(changes), expected_version)
    if changed:
        write_audit(
            actor=actor,
            action=Changed,
            obj=updated,
            mother=episode.mother,
            fields=changed,
            ip=ip,
            confirmed=confirmations,
        )
    if episode.mother.latest_episode_id == episode.pk and {
        "facility",
        "legal_status",
        "admission_date",
    } & set(changed):
        # Her scope and the case list follow her latest episode.
        Mother.objects.filter(pk=episode.mother_id).update(
            facility=updated.facility,
            legal_status=updated.legal_status,
            admitted_on=updated.admission_date,
        )
    if "facility" in changed and updated.is_open:
        # A corrected facility: children recorded inside with her are in the corrected one too.
        for placement in Placement.objects.filter(
            child__mother=episode.mother,
            child__current_placement__pk=models.F("pk"),
            kind=Placement.Kind.WITH_MOTHER,
            facility_id=recorded_facility_id,
        ):
            placement.facility = updated.facility
            placement.save(update_fields=["facility"])
            Child.objects.filter(pk=placement.child_id).update(inside_facility=updated.facility)
            write_audit(
                actor=actor,
                action=Changed,
                obj=placement,
                mother=episode.mother,
                fields=["facility"],
                ip=ip,
            )
    if changed:
        refresh_for(episode.mother)
    return updated


@transaction.atomic
def do_admit_mother(
    mother: Mother,
    episode_data: Mapping[str, Any],
    *,
    actor: User,
    ip: str | None = None,
    confirmed: Collection[str] = (),
) -> CustodyEpisode:
    """Open a new custody episode for a woman who is not in custody (first or new admission)."""
    mother = Mother.objects.select_for_update().get(pk=mother.pk)
    if mother.is_in_custody:
        raise InvalidAction("the woman is already in custody")
    confirmations = enforce_dates(
        date_rules.check_stay(
            History.of(mother),
            admitted=episode_data["admission_date"],
            expected_release=episode_data.get("expected_release_date"),
        ),
        confirmed,
    )
    episode = _open_episode(mother, episode_data, actor=actor, ip=ip, confirmed=confirmations)
    refresh_for(mother)
    return episode


def _end_problems(episode: CustodyEpisode, on: dt.date) -> list[Problem]:
    stay = Stay(episode.pk, episode.admission_date, None)
    return date_rules.check_stay_end(History(), stay=stay, on=on)


def _locked_open_episode(mother: Mother) -> CustodyEpisode:
    if mother.latest_episode_id is None:
        raise InvalidAction("the woman is not in custody")
    episode = CustodyEpisode.objects.select_for_update().get(pk=mother.latest_episode_id)
    if not episode.is_open:
        raise InvalidAction("the woman is not in custody")
    return episode


@transaction.atomic
def do_release_mother(
    mother: Mother,
    *,
    on: dt.date,
    release_kind: str,
    actor: User,
    ip: str | None = None,
) -> CustodyEpisode:
    """End the open custody episode. Children's placements change only when recorded."""
    mother = Mother.objects.select_for_update().get(pk=mother.pk)
    episode = _locked_open_episode(mother)
    enforce_dates(_end_problems(episode, on), ())
    episode.ended_on = on
    episode.end_reason = CustodyEpisode.EndReason.RELEASED
    episode.release_kind = release_kind
    episode.legal_status = CustodyEpisode.LegalStatus.RELEASED
    episode.version += 1
    episode.save(
        update_fields=["ended_on", "end_reason", "release_kind", "legal_status", "version"]
    )
    Mother.objects.filter(pk=mother.pk).update(legal_status=episode.legal_status)
    write_audit(
        actor=actor,
        action=Changed,
        obj=episode,
        mother=mother,
        fields=["ended_on", "end_reason", "release_kind", "legal_status"],
        ip=ip,
    )
    refresh_for(mother)
    return episode


@transaction.atomic
def do_transfer_mother(
    mother: Mother,
    *,
    to_facility: Facility,
    on: dt.date,
    prison_number: str = "",
    actor: User,
    ip: str | None = None,
) -> CustodyEpisode:
    """Close the episode in one facility and open one in the next, carrying the legal facts."""
    mother = Mother.objects.select_for_update().get(pk=mother.pk)
    episode = _locked_open_episode(mother)
    if to_facility.pk == episode.facility_id:
        raise InvalidAction("the woman is already in that facility")
    enforce_dates(_end_problems(episode, on), ())
    episode.ended_on = on
    episode.end_reason = CustodyEpisode.EndReason.TRANSFERRED
    episode.version += 1
    episode.save(update_fields=["ended_on", "end_reason", "version"])
    write_audit(
        actor=actor,
        action=Changed,
        obj=episode,
        mother=mother,
        fields=["ended_on", "end_reason"],
        ip=ip,
    )
    carried = {
        "facility": to_facility,
        "prison_number": prison_number,
        "admission_date": on,
        "legal_status": episode.legal_status,
        "offence_category": episode.offence_category,
        "charges": episode.charges,
        "court": episode.court,
        "lawyer": episode.lawyer,
        "expected_release_date": episode.expected_release_date,
    }
    opened = _open_episode(mother, carried, actor=actor, ip=ip)
    refresh_for(mother)
    return opened


@transaction.atomic
def do_add_child(
    mother: Mother,
    child_data: Mapping[str, Any],
    placement_data: Mapping[str, Any],
    *,
    actor: User,
    ip: str | None = None,
    confirmed: Collection[str] = (),
) -> Child:
    history = History.of(mother)
    born, start = child_data["date_of_birth"], placement_data["start_date"]
    problems = date_rules.check_child(
        history, born=born, born_in_custody=bool(child_data.get("born_in_custody"))
    )
    problems += date_rules.check_placement(child_born=born, start=start)
    if placement_data.get("kind") == Placement.Kind.WITH_MOTHER:
        problems += date_rules.check_with_mother(history, start=start)
    confirmations = enforce_dates(problems, confirmed)
    child = _create_child(
        mother, child_data, placement_data, actor=actor, ip=ip, confirmed=confirmations
    )
    refresh_for(mother)
    return child


@transaction.atomic
def do_register_birth(
    mother: Mother,
    child_data: Mapping[str, Any],
    *,
    actor: User,
    ip: str | None = None,
    confirmed: Collection[str] = (),
) -> Child:
    """A pregnant woman's baby, registered at birth and placed with her in the facility."""
    mother = Mother.objects.select_for_update().get(pk=mother.pk)
    confirmations = enforce_dates(
        date_rules.birth_problems(mother, child_data["date_of_birth"]), confirmed
    )
    episode = mother.latest_episode
    in_custody = episode is not None and episode.is_open
    values = dict(child_data)
    values.setdefault("born_in_custody", in_custody)
    if in_custody:
        placement: dict[str, Any] = {
            "kind": Placement.Kind.WITH_MOTHER,
            "start_date": values["date_of_birth"],
        }
    else:
        placement = {"kind": Placement.Kind.MOTHER_OUTSIDE, "start_date": values["date_of_birth"]}
    child = _create_child(mother, values, placement, actor=actor, ip=ip, confirmed=confirmations)
    if mother.is_pregnant or mother.expected_delivery_date is not None:
        Mother.objects.filter(pk=mother.pk).update(
            is_pregnant=False,
            expected_delivery_date=None,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        write_audit(
            actor=actor,
            action=Changed,
            obj=mother,
            mother=mother,
            fields=["is_pregnant", "expected_delivery_date"],
            ip=ip,
        )
    refresh_for(mother)
    return child


@transaction.atomic
def do_change_child(
    child: Child,
    changes: Mapping[str, Any],
    *,
    expected_version: int,
    actor: User,
    ip: str | None = None,
    confirmed: Collection[str] = (),
) -> Child:
    confirmations = enforce_dates(
        date_rules.check_child(
            History.of(child.mother),
            born=changes.get("date_of_birth", child.date_of_birth),
            born_in_custody=bool(changes.get("born_in_custody", child.born_in_custody)),
            child_pk=child.pk,
        ),
        confirmed,
    )
    updated, changed = _apply_versioned_change(child, _model_fields(changes), expected_version)
    if changed:
        write_audit(
            actor=actor,
            action=Changed,
            obj=updated,
            mother=child.mother,
            fields=changed,
            ip=ip,
            confirmed=confirmations,
        )
        if "date_of_birth" in changed:
            _count_children_inside(child.mother_id)
        refresh_for(child.mother)
    return updated


@transaction.atomic
def do_move_child(
    child: Child, placement_data: Mapping[str, Any], *, actor: User, ip: str | None = None
) -> Placement:
    """Record where the child lives from a date on; the previous placement ends that day."""
    child = Child.objects.select_for_update().select_related("mother").get(pk=child.pk)
    enforce_dates(date_rules.placement_problems(child, placement_data), ())
    placement = _start_placement(child, placement_data, actor=actor, ip=ip)
    refresh_for(child.mother)
    return placement


@transaction.atomic
def do_record_consent(
    mother: Mother, data: Mapping[str, Any], *, actor: User, ip: str | None = None
) -> Consent:
    enforce_dates(date_rules.consent_problems(mother, data["given_on"]), ())
    organisation = data.get("organisation")
    if data.get("purpose") == Consent.Purpose.SHARING and organisation is None:
        raise InvalidAction("a consent to share names the organisation")
    consent = Consent.objects.create(mother=mother, recorded_by=actor, **data)
    write_audit(
        actor=actor, action=Created, obj=consent, mother=mother, fields=_field_names(data), ip=ip
    )
    if (
        consent.purpose == Consent.Purpose.SHARING
        and organisation is not None
        and organisation.pk != mother.organisation_id
    ):
        # From now on, that organisation's staff see her file (access.scope).
        AccessGrant.objects.create(
            mother=mother,
            organisation=organisation,
            reason=AccessGrant.Reason.CONSENT,
            consent=consent,
        )
    refresh_for(mother)
    return consent


@transaction.atomic
def do_withdraw_consent(
    consent: Consent, *, on: dt.date, note: str, actor: User, ip: str | None = None
) -> Consent:
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        raise InvalidAction("consent already withdrawn")
    if on < consent.given_on:
        raise InvalidAction("withdrawn before it was given")
    consent.withdrawn_on = on
    consent.withdrawal_note = note
    consent.save(update_fields=["withdrawn_on", "withdrawal_note"])
    # The organisation she shared with loses access on its next request.
    AccessGrant.objects.filter(consent=consent, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )
    write_audit(
        actor=actor,
        action=Changed,
        obj=consent,
        mother=consent.mother,
        fields=["withdrawn_on", "withdrawal_note"],
        ip=ip,
    )
    refresh_for(consent.mother)
    return consent


def active_sharing_consent(mother: Mother, organisation: Organisation) -> Consent | None:
    """Her active consent to share her file with `organisation`, if she gave one."""
    return (
        Consent.objects.filter(
            mother=mother,
            purpose=Consent.Purpose.SHARING,
            organisation=organisation,
            withdrawn_on__isnull=True,
        )
        .order_by("-given_on", "-pk")
        .first()
    )


@transaction.atomic
def do_refer(
    mother: Mother,
    *,
    to_organisation: Organisation,
    service: str,
    reason: str,
    actor: User,
    override_reason: str = "",
    ip: str | None = None,
) -> Referral:
    """Refer her to another organisation for a service. It needs her active consent to share
    with that organisation; without it, a supervisor may refer her with a written reason."""
    mother = Mother.objects.select_for_update().get(pk=mother.pk)
    if actor.organisation_id is None or to_organisation.pk == mother.organisation_id:
        raise InvalidAction("a referral goes to another organisation")
    if Referral.objects.filter(
        mother=mother,
        to_organisation=to_organisation,
        service=service,
        status=Referral.Status.PENDING,
    ).exists():
        raise InvalidAction("the same referral is already waiting for an answer")
    consent = active_sharing_consent(mother, to_organisation)
    if consent is None:
        if actor.role not in (Role.SUPERVISOR, Role.ADMINISTRATOR):
            raise InvalidAction("without her consent, only a supervisor may refer her")
        if not override_reason.strip():
            raise InvalidAction("a referral without her consent needs a written reason")
    referral = Referral.objects.create(
        mother=mother,
        from_organisation_id=actor.organisation_id,
        to_organisation=to_organisation,
        service=service,
        reason=reason,
        consent=consent,
        override_reason=override_reason.strip() if consent is None else "",
        referred_by=actor,
    )
    write_audit(
        actor=actor,
        action=Created,
        obj=referral,
        mother=mother,
        fields=["to_organisation", "service", "reason"]
        + (["override_reason"] if consent is None else ["consent"]),
        ip=ip,
    )
    return referral


@transaction.atomic
def do_answer_referral(
    referral: Referral,
    *,
    accept: bool,
    reason: str,
    actor: User,
    ip: str | None = None,
) -> Referral:
    """The receiving organisation accepts (and from then on sees her file) or declines."""
    referral = Referral.objects.select_for_update().select_related("mother").get(pk=referral.pk)
    if referral.status != Referral.Status.PENDING:
        raise InvalidAction("the referral was already answered")
    if actor.organisation_id != referral.to_organisation_id or not actor.can_write_cases:
        raise InvalidAction("only the receiving organisation answers a referral")
    if not accept and not reason.strip():
        raise InvalidAction("a declined referral needs a reason")
    if accept and not referral.override_reason:
        consent = referral.consent
        if (
            consent is None
            or not Consent.objects.filter(pk=consent.pk, withdrawn_on__isnull=True).exists()
        ):
            raise ConsentWithdrawn("she withdrew the consent the referral relied on")
    referral.status = Referral.Status.ACCEPTED if accept else Referral.Status.DECLINED
    referral.answered_by = actor
    referral.answered_at = timezone.now()
    referral.answer_reason = reason.strip()
    referral.save(update_fields=["status", "answered_by", "answered_at", "answer_reason"])
    write_audit(
        actor=actor,
        action=Changed,
        obj=referral,
        mother=referral.mother,
        fields=["status", "answer_reason"] if reason.strip() else ["status"],
        ip=ip,
    )
    if accept:
        AccessGrant.objects.create(
            mother=referral.mother,
            organisation_id=referral.to_organisation_id,
            reason=AccessGrant.Reason.REFERRAL,
            referral=referral,
        )
    return referral


@transaction.atomic
def do_request_referral(
    mother: Mother, *, service: str, reason: str, actor: User, ip: str | None = None
) -> Referral:
    """Ask her organisation to refer her to the actor's. Only for a woman the registration
    page showed her as registered by another organisation (the caller checks the signed token
    of that match): she is outside the actor's scope, and the request opens nothing."""
    mother = Mother.objects.select_for_update().get(pk=mother.pk)
    if not actor.can_write_cases or actor.organisation_id is None:
        raise InvalidAction("only a case worker of an organisation asks for a referral")
    if actor.organisation_id == mother.organisation_id:
        raise InvalidAction("she is already assigned to the actor's organisation")
    if Referral.objects.filter(
        mother=mother,
        to_organisation_id=actor.organisation_id,
        status__in=[Referral.Status.REQUESTED, Referral.Status.PENDING],
    ).exists():
        raise InvalidAction("a referral to this organisation is already asked for or waiting")
    now = timezone.now()
    referral = Referral.objects.create(
        mother=mother,
        from_organisation_id=mother.organisation_id,
        to_organisation_id=actor.organisation_id,
        service=service,
        reason=reason.strip(),
        referred_by=actor,
        referred_at=now,
        requested_by=actor,
        requested_at=now,
        status=Referral.Status.REQUESTED,
    )
    write_audit(
        actor=actor,
        action=Created,
        obj=referral,
        mother=mother,
        fields=["service", *(["reason"] if referral.reason else [])],
        ip=ip,
    )
    return referral


@transaction.atomic
def do_answer_request(
    referral: Referral,
    *,
    refer: bool,
    reason: str,
    actor: User,
    override_reason: str = "",
    ip: str | None = None,
) -> Referral:
    """Her organisation answers a request: it refers her (with her consent to share with the
    asking organisation, or a supervisor's written reason), and since that organisation asked,
    the referral is accepted at once and opens her file to it; or it declines, saying why."""
    referral = (
        Referral.objects.select_for_update()
        .select_related("mother", "to_organisation")
        .get(pk=referral.pk)
    )
    if referral.status != Referral.Status.REQUESTED:
        raise InvalidAction("the request was already answered")
    if actor.organisation_id != referral.from_organisation_id or not actor.can_write_cases:
        raise InvalidAction("only her organisation answers a request")
    now = timezone.now()
    if refer:
        consent = active_sharing_consent(referral.mother, referral.to_organisation)
        if consent is None:
            if actor.role not in SUPERVISING_ROLES:
                raise InvalidAction("without her consent, only a supervisor may refer her")
            if not override_reason.strip():
                raise InvalidAction("a referral without her consent needs a written reason")
        referral.consent = consent
        referral.override_reason = override_reason.strip() if consent is None else ""
        referral.referred_by = actor
        referral.referred_at = now
        referral.status = Referral.Status.ACCEPTED
        fields = ["status", "override_reason" if consent is None else "consent"]
    else:
        if not reason.strip():
            raise InvalidAction("a declined request needs a reason")
        referral.status = Referral.Status.DECLINED
        referral.answer_reason = reason.strip()
        fields = ["status", "answer_reason"]
    referral.answered_by = actor
    referral.answered_at = now
    referral.save()
    write_audit(
        actor=actor, action=Changed, obj=referral, mother=referral.mother, fields=fields, ip=ip
    )
    if refer:
        AccessGrant.objects.create(
            mother=referral.mother,
            organisation_id=referral.to_organisation_id,
            reason=AccessGrant.Reason.REFERRAL,
            referral=referral,
        )
    return referral


# -- Who is responsible for her case --------------------------------------------------------

WORKER_ROLES = (Role.SOCIAL_WORKER, Role.SUPERVISOR)


def may_assign(actor: User, mother: Mother) -> bool:
    """A supervisor (or administrator) of her organisation assigns her case."""
    return (
        actor.is_active
        and actor.role in SUPERVISING_ROLES
        and actor.organisation_id == mother.organisation_id
    )


def assignable_workers(organisation_id: int) -> models.QuerySet[User]:
    """Who may be responsible for a woman of this organisation: its active social workers and
    supervisors."""
    return User.objects.filter(
        organisation_id=organisation_id, is_active=True, role__in=WORKER_ROLES
    ).order_by("full_name", "username")


def assignable_legal_officers(mother: Mother) -> models.QuerySet[User]:
    """The active legal officers who may see her file (her organisation's, or of an
    organisation she shares it with)."""
    organisations = Mother.objects.filter(pk=mother.pk).values("organisation_id")
    granted = AccessGrant.objects.filter(mother=mother, ended_at__isnull=True).values(
        "organisation_id"
    )
    candidates = User.objects.filter(is_active=True, role=Role.LEGAL_OFFICER).filter(
        models.Q(organisation_id__in=organisations) | models.Q(organisation_id__in=granted)
    )
    return candidates.filter(
        pk__in=[u.pk for u in candidates if Mother.objects.filter(scope(u), pk=mother.pk).exists()]
    ).order_by("full_name", "username")


@transaction.atomic
def do_assign(
    mothers: Iterable[Mother],
    *,
    worker: User | None,
    actor: User,
    set_legal_officer: bool = False,
    legal_officer: User | None = None,
    ip: str | None = None,
) -> int:
    """Make `worker` responsible for these women (and with `set_legal_officer`,
    `legal_officer` their legal officer; None clears it). All or nothing: a woman the actor
    may not assign, or a worker or officer who may not take her, refuses the whole
    change. Returns how many changed."""
    changed = 0
    for mother in Mother.objects.select_for_update().filter(pk__in=[m.pk for m in mothers]):
        if not may_assign(actor, mother):
            raise InvalidAction("only a supervisor of her organisation assigns her case")
        if worker is not None and not assignable_workers(mother.organisation_id).filter(
            pk=worker.pk
        ):
            raise InvalidAction("the worker does not work for her organisation")
        fields: dict[str, Any] = {}
        if mother.assigned_worker_id != (worker.pk if worker else None):
            fields["assigned_worker"] = worker
        if set_legal_officer:
            officer = legal_officer
            if officer is not None and not assignable_legal_officers(mother).filter(pk=officer.pk):
                raise InvalidAction("the legal officer may not see her file")
            if mother.assigned_legal_officer_id != (officer.pk if officer else None):
                fields["assigned_legal_officer"] = officer
        if not fields:
            continue
        for name, value in fields.items():
            setattr(mother, name, value)
        mother.version = F("version") + 1
        mother.save(update_fields=[*fields, "version"])
        write_audit(actor=actor, action=Changed, obj=mother, mother=mother, fields=fields, ip=ip)
        changed += 1
    return changed


# -- Closing and reopening a case -------------------------------------------------------------


class CaseClosed(PermissionDenied):
    """A write to a closed case (shown as the "Not allowed" page, with this message)."""

    def __init__(self) -> None:
        super().__init__(
            gettext("Her case is closed: her file is read-only. Reopen the case to change it.")
        )


def refuse_closed(action: str, obj: models.Model, mother: Mother | None) -> None:
    """The write check (`audit.actions.WRITE_CHECKS`) that keeps a closed case read-only. Her
    closure itself, and withdrawing a consent (her right at any time), pass."""
    if mother is None or isinstance(obj, Closure):
        return
    if isinstance(obj, Consent) and action == Changed:
        return
    if Mother.objects.filter(pk=mother.pk, is_closed=True).exists():
        raise CaseClosed


def may_close(actor: User, mother: Mother) -> bool:
    """Her organisation's case workers ask to close her case (a supervisor closes it)."""
    return actor.can_write_cases and actor.organisation_id == mother.organisation_id


def open_closure(mother: Mother) -> Closure | None:
    """Her closure waiting for a supervisor or in force, if any."""
    return (
        Closure.objects.filter(
            mother=mother, status__in=[Closure.Status.PENDING, Closure.Status.CLOSED]
        )
        .select_related("requested_by", "decided_by")
        .first()
    )


@transaction.atomic
def do_request_closure(
    mother: Mother, *, reason: str, note: str, actor: User, ip: str | None = None
) -> Closure:
    """Ask to close her case. A supervisor (or administrator) who asks closes it at once."""
    mother = Mother.objects.select_for_update().get(pk=mother.pk)
    if not may_close(actor, mother):
        raise InvalidAction("only her organisation's case workers close her case")
    if mother.is_closed or open_closure(mother) is not None:
        raise InvalidAction("her case is already closed or waiting to be closed")
    if reason == Closure.Reason.OTHER and not note.strip():
        raise InvalidAction("closing for another reason needs a note")
    closure = Closure.objects.create(
        mother=mother, reason=reason, note=note.strip(), requested_by=actor
    )
    write_audit(
        actor=actor,
        action=Created,
        obj=closure,
        mother=mother,
        fields=["reason", *(["note"] if closure.note else [])],
        ip=ip,
    )
    if actor.role in SUPERVISING_ROLES:
        _decide(closure, mother, approve=True, note="", actor=actor, ip=ip)
    return closure


def may_decide_closure(actor: User, closure: Closure) -> bool:
    return (
        actor.is_active
        and actor.role in SUPERVISING_ROLES
        and actor.organisation_id == closure.mother.organisation_id
    )


@transaction.atomic
def do_decide_closure(
    closure: Closure, *, approve: bool, note: str, actor: User, ip: str | None = None
) -> Closure:
    """A supervisor of her organisation approves the closure (her case is then closed) or
    refuses it, saying why."""
    closure = Closure.objects.select_for_update().select_related("mother").get(pk=closure.pk)
    if closure.status != Closure.Status.PENDING:
        raise InvalidAction("the closure was already decided")
    if not may_decide_closure(actor, closure):
        raise InvalidAction("only a supervisor of her organisation decides")
    if not approve and not note.strip():
        raise InvalidAction("a refusal needs a reason")
    mother = Mother.objects.select_for_update().get(pk=closure.mother_id)
    _decide(closure, mother, approve=approve, note=note, actor=actor, ip=ip)
    return closure


def _decide(
    closure: Closure, mother: Mother, *, approve: bool, note: str, actor: User, ip: str | None
) -> None:
    closure.status = Closure.Status.CLOSED if approve else Closure.Status.REFUSED
    closure.decided_by = actor
    closure.decided_at = timezone.now()
    closure.decision_note = note.strip()
    closure.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    write_audit(
        actor=actor,
        action=Changed,
        obj=closure,
        mother=mother,
        fields=["status", *(["decision_note"] if closure.decision_note else [])],
        ip=ip,
    )
    if approve:
        Mother.objects.filter(pk=mother.pk).update(is_closed=True, version=F("version") + 1)
        refresh_for(mother)  # out of the rules: her open flags are resolved


@transaction.atomic
def do_reopen(mother: Mother, *, reason: str, actor: User, ip: str | None = None) -> Closure:
    """Reopen her closed case, saying why. Her file is writable again and the rules apply."""
    mother = Mother.objects.select_for_update().get(pk=mother.pk)
    closure = open_closure(mother)
    if not mother.is_closed or closure is None or closure.status != Closure.Status.CLOSED:
        raise InvalidAction("her case is not closed")
    if not may_close(actor, mother):
        raise InvalidAction("only her organisation's case workers reopen her case")
    if not reason.strip():
        raise InvalidAction("reopening needs a reason")
    closure.status = Closure.Status.REOPENED
    closure.reopened_by = actor
    closure.reopened_at = timezone.now()
    closure.reopen_reason = reason.strip()
    closure.save(update_fields=["status", "reopened_by", "reopened_at", "reopen_reason"])
    Mother.objects.filter(pk=mother.pk).update(is_closed=False, version=F("version") + 1)
    write_audit(
        actor=actor,
        action=Changed,
        obj=closure,
        mother=mother,
        fields=["status", "reopen_reason"],
        ip=ip,
    )
    refresh_for(mother)
    return closure
