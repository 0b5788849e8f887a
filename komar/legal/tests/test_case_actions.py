"""Writing a legal case through its actions: created by the first recording, corrected with
optimistic locking, audited by field name only, checked against the date rules, and a court
decision that ends her detention releases her through the registry in the same transaction.

The helpers at the top build legal records through the real actions for the other tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from komar.accounts.models import User
from komar.audit.models import AuditEntry
from komar.cases import actions as registry
from komar.cases.actions import DatesRefused, EditConflict, InvalidAction
from komar.cases.models import CustodyEpisode, Mother
from komar.legal import case_actions
from komar.legal.models import Application, DetentionOrder, Hearing, LegalCase

TODAY = dt.date(2026, 3, 20)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC), tick=False)


def at(day: str, time: str = "09:00") -> dt.datetime:
    """A moment in the facility's time zone."""
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T{time}"))


def current(mother: Mother) -> CustodyEpisode:
    mother.refresh_from_db()
    assert mother.latest_episode is not None
    return mother.latest_episode


def record_case(mother: Mother, actor: User, **values: Any) -> LegalCase:
    return case_actions.do_record_legal_case(current(mother), values, actor=actor)


def change_case(legal_case: LegalCase, actor: User, **values: Any) -> LegalCase:
    legal_case.refresh_from_db()
    return case_actions.do_change_legal_case(
        legal_case, values, expected_version=legal_case.version, actor=actor
    )


def order(
    mother: Mother,
    actor: User,
    ordered_on: dt.date = dt.date(2026, 1, 10),
    term_months: int = 4,
    kind: str = "order",
    grounds: tuple[str, ...] = ("evidence",),
) -> DetentionOrder:
    return case_actions.do_record_detention_order(
        current(mother),
        {"kind": kind, "ordered_on": ordered_on, "term_months": term_months, "grounds": grounds},
        actor=actor,
    )


def hearing(
    mother: Mother,
    actor: User,
    held_on: dt.date = dt.date(2026, 2, 2),
    next_on: dt.date | None = None,
    **extra: Any,
) -> Hearing:
    data = {"held_on": held_on, "kind": "questioning", "court": "", "outcome": "", **extra}
    return case_actions.do_record_hearing(
        current(mother), {**data, "next_on": next_on}, actor=actor
    )


def apply(
    mother: Mother,
    actor: User,
    filed_on: dt.date = dt.date(2026, 3, 2),
    kind: str = "judicial_supervision",
) -> Application:
    return case_actions.do_record_application(
        current(mother), {"kind": kind, "filed_on": filed_on, "note": ""}, actor=actor
    )


def decide(
    application: Application,
    actor: User,
    outcome: str = "granted",
    decided_on: dt.date = dt.date(2026, 3, 18),
    obligations: tuple[str, ...] = (),
    obligations_note: str = "",
) -> case_actions.CourtDecision:
    application.refresh_from_db()
    return case_actions.do_decide_application(
        application,
        {
            "outcome": outcome,
            "decided_on": decided_on,
            "obligations": list(obligations),
            "obligations_note": obligations_note,
        },
        expected_version=application.version,
        actor=actor,
    )


def judge(mother: Mother, actor: User, **values: Any) -> case_actions.CourtDecision:
    data = {
        "judgment_on": dt.date(2026, 3, 16),
        "judgment": "prison",
        "prison_months": None,
        "suspended_months": None,
        "community_service_hours": None,
        "fine_riel": None,
        **values,
    }
    episode = current(mother)
    existing = case_actions.case_for_stay(case_actions.stay_for(episode))
    return case_actions.do_record_judgment(
        episode, data, expected_version=existing.version if existing else None, actor=actor
    )


def audit(obj: Any) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_code=str(obj.code)).order_by("at", "pk"))


# -- The case's own facts


def test_the_first_recording_creates_the_case_on_her_episode_and_audits_names_only(
    vicheka, sophea, shares_with_legal_aid
) -> None:
    legal_case = record_case(
        sophea,
        vicheka,
        arrested_at=at("2026-01-08", "07:30"),
        arrest_place="Puok police post",
        offence_class="misdemeanour",
        investigating_judge="Judge Sok Chea",
        is_violent=False,
    )
    assert legal_case.episode == current(sophea) and legal_case.mother == sophea
    assert legal_case.version == 1
    (entry,) = audit(legal_case)
    assert entry.action == "create" and entry.actor == vicheka and entry.mother == sophea
    # Field names, never values (and a False answer counts as not given).
    assert entry.fields == ["arrest_place", "arrested_at", "investigating_judge", "offence_class"]
    assert "Puok" not in str(entry.fields) and "Sok Chea" not in str(entry.fields)


def test_a_second_case_for_the_same_custody_is_refused(sokha, sophea) -> None:
    record_case(sophea, sokha, offence_class="felony")
    with pytest.raises(InvalidAction):
        record_case(sophea, sokha, offence_class="misdemeanour")
    assert LegalCase.objects.count() == 1


def test_a_correction_writes_only_what_changed_and_bumps_the_version(sokha, sophea) -> None:
    legal_case = record_case(sophea, sokha, offence_class="felony", arrest_place="Puok")
    changed = change_case(
        legal_case, sokha, offence_class="misdemeanour", arrest_place="Puok", notes=""
    )
    assert changed.offence_class == "misdemeanour" and changed.version == 2
    entry = audit(legal_case)[-1]
    assert entry.action == "change" and entry.fields == ["offence_class"]


def test_a_correction_from_an_old_version_is_refused_and_writes_nothing(sokha, dara, sophea):
    legal_case = record_case(sophea, sokha, offence_class="felony")
    change_case(legal_case, dara, offence_class="misdemeanour")
    with pytest.raises(EditConflict) as conflict:
        case_actions.do_change_legal_case(
            legal_case, {"offence_class": "petty"}, expected_version=1, actor=sokha
        )
    assert isinstance(conflict.value.current, LegalCase)
    assert conflict.value.current.offence_class == "misdemeanour"
    legal_case.refresh_from_db()
    assert legal_case.offence_class == "misdemeanour" and legal_case.version == 2


def test_the_lawyer_is_written_on_her_custody_episode_through_the_registry(
    vicheka, sophea, shares_with_legal_aid
) -> None:
    episode = current(sophea)
    record_case(
        sophea,
        vicheka,
        lawyer="Meas Dara, Legal Aid of Cambodia",
        lawyer_assigned_on=dt.date(2026, 2, 1),
        episode_version=episode.version,
    )
    episode.refresh_from_db()
    assert episode.lawyer == "Meas Dara, Legal Aid of Cambodia" and episode.version == 2
    entry = audit(episode)[-1]
    assert entry.action == "change" and entry.fields == ["lawyer"] and entry.actor == vicheka


def test_a_lawyer_typed_over_a_changed_episode_is_a_conflict(sokha, sophea) -> None:
    episode = current(sophea)
    registry.do_change_episode(
        episode, {"court": "Siem Reap court"}, expected_version=1, actor=sokha
    )
    with pytest.raises(EditConflict):
        record_case(sophea, sokha, lawyer="Meas Dara", episode_version=1)
    assert not LegalCase.objects.exists()  # the whole recording rolled back


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        ({"arrested_at": at("2026-01-12")}, "arrest_after_admission"),
        ({"arrested_at": at("1994-01-12")}, "before_born"),
        (
            {
                "arrested_at": at("2026-01-08", "09:00"),
                "police_custody_start": at("2026-01-08", "08:00"),
            },
            "custody_before_arrest",
        ),
        (
            {
                "police_custody_start": at("2026-01-08", "08:00"),
                "police_custody_end": at("2026-01-08", "08:00"),
            },
            "custody_ends_before_start",
        ),
        ({"lawyer_assigned_on": dt.date(2026, 3, 21)}, "in_future"),
    ],
)
def test_impossible_dates_of_a_case_are_refused(sokha, sophea, values, kind) -> None:
    with pytest.raises(DatesRefused) as refused:
        record_case(sophea, sokha, **values)
    assert [p.kind for p in refused.value.problems] == [kind]


# -- Detention orders, hearings, applications


def test_an_order_then_extensions_each_create_nothing_more_than_themselves(sokha, sophea) -> None:
    first = order(sophea, sokha, grounds=("pressure", "evidence"))
    assert first.grounds == ["evidence", "pressure"]  # stored sorted, as codes
    extension = order(sophea, sokha, dt.date(2026, 3, 1), 2, kind="extension")
    assert first.legal_case == extension.legal_case  # the first recording created the case
    assert LegalCase.objects.count() == 1
    (created,) = [e for e in audit(first.legal_case) if e.action == "create"]
    assert created.fields == []
    assert audit(extension)[0].fields == ["grounds", "kind", "ordered_on", "term_months"]


@pytest.mark.parametrize(
    ("first_kind", "second", "kind"),
    [
        (None, {"kind": "extension"}, "extension_without_order"),
        ("order", {"kind": "order"}, "second_order"),
        (
            "order",
            {"kind": "extension", "ordered_on": dt.date(2026, 1, 9)},
            "before_previous_order",
        ),
    ],
)
def test_an_order_out_of_sequence_is_refused(sokha, sophea, first_kind, second, kind) -> None:
    if first_kind:
        order(sophea, sokha)
    data = {"ordered_on": dt.date(2026, 2, 10), "term_months": 2, "grounds": [], **second}
    with pytest.raises(DatesRefused) as refused:
        case_actions.do_record_detention_order(current(sophea), data, actor=sokha)
    assert [p.kind for p in refused.value.problems] == [kind]


def test_nothing_is_dated_before_her_arrest(sokha, sophea) -> None:
    record_case(sophea, sokha, arrested_at=at("2026-01-08"))
    with pytest.raises(DatesRefused) as refused:
        order(sophea, sokha, dt.date(2026, 1, 7))
    assert refused.value.problems[0].kind == "before_arrest"
    with pytest.raises(DatesRefused):
        hearing(sophea, sokha, dt.date(2026, 1, 7))
    with pytest.raises(DatesRefused):
        apply(sophea, sokha, dt.date(2026, 1, 7))


def test_a_next_hearing_must_come_after_the_hearing(sokha, sophea) -> None:
    with pytest.raises(DatesRefused) as refused:
        hearing(sophea, sokha, dt.date(2026, 2, 2), next_on=dt.date(2026, 2, 2))
    assert refused.value.problems[0].kind == "next_not_after"
    later = hearing(sophea, sokha, dt.date(2026, 2, 2), next_on=dt.date(2026, 4, 2))
    assert later.next_on == dt.date(2026, 4, 2)  # the future is allowed for the next one


def test_an_application_waits_for_a_decision(sokha, sophea) -> None:
    application = apply(sophea, sokha)
    assert application.outcome == "pending" and application.decided_on is None


# -- Court decisions that end her detention


def test_judicial_supervision_granted_releases_her_on_bail_and_leaves_the_children(
    vicheka, sophea, shares_with_legal_aid
) -> None:
    application = apply(sophea, vicheka)
    decision = decide(
        application,
        vicheka,
        obligations=("report", "keep_residence"),
        obligations_note="The commune police, monthly.",
    )
    episode = current(sophea)
    assert decision.released == episode
    assert episode.ended_on == dt.date(2026, 3, 18)
    assert episode.release_kind == "bail" and episode.legal_status == "released"
    sophea.refresh_from_db()
    assert not sophea.is_in_custody and sophea.legal_status == "released"
    # Placements change only when recorded: the child is still recorded inside.
    assert sophea.children.filter(current_placement__kind="with_mother").count() == 1
    application.refresh_from_db()
    assert application.outcome == "granted" and application.version == 2
    assert audit(application)[-1].fields == [
        "decided_on",
        "obligations",
        "obligations_note",
        "outcome",
    ]
    assert audit(episode)[-1].actor == vicheka  # the registry's own release audit


def test_a_refused_application_changes_nothing_in_her_custody(sokha, sophea) -> None:
    decision = decide(apply(sophea, sokha), sokha, outcome="refused")
    assert decision.released is None and current(sophea).is_open


def test_a_release_before_her_admission_is_refused_and_the_decision_is_not_saved(
    sokha, sophea
) -> None:
    application = apply(sophea, sokha, dt.date(2026, 1, 9))
    with pytest.raises(DatesRefused) as refused:
        decide(application, sokha, decided_on=dt.date(2026, 1, 9))
    assert refused.value.problems[0].kind == "release_before_admission"
    application.refresh_from_db()
    assert application.outcome == "pending" and current(sophea).is_open


def test_a_decision_from_an_old_version_is_a_conflict(sokha, dara, sophea) -> None:
    application = apply(sophea, sokha)
    decide(application, dara, outcome="refused")
    with pytest.raises(EditConflict):
        case_actions.do_decide_application(
            application,
            {"outcome": "granted", "decided_on": TODAY, "obligations": []},
            expected_version=1,
            actor=sokha,
        )
    assert current(sophea).is_open


def test_a_decision_must_decide(sokha, sophea) -> None:
    application = apply(sophea, sokha)
    with pytest.raises(InvalidAction):
        case_actions.do_decide_application(
            application,
            {"outcome": "pending", "decided_on": TODAY, "obligations": []},
            expected_version=1,
            actor=sokha,
        )


@pytest.mark.parametrize(
    ("values", "release_kind"),
    [
        ({"judgment": "acquittal"}, "acquitted"),
        ({"judgment": "suspended", "prison_months": 12, "suspended_months": 12}, "suspended"),
        ({"judgment": "community_service", "community_service_hours": 120}, "suspended"),
        ({"judgment": "fine", "fine_riel": 1_000_000}, "suspended"),
    ],
)
def test_a_judgment_that_sets_no_prison_time_ends_her_custody(
    sokha, sophea, values, release_kind
) -> None:
    decision = judge(sophea, sokha, **values)
    episode = current(sophea)
    assert decision.released == episode and episode.release_kind == release_kind
    assert episode.ended_on == dt.date(2026, 3, 16)
    assert decision.legal_case.judgment == values["judgment"]


def test_a_prison_term_makes_her_sentenced_and_keeps_her_inside(sokha, sophea) -> None:
    decision = judge(sophea, sokha, judgment="prison", prison_months=24)
    episode = current(sophea)
    assert decision.released is None and decision.sentenced
    assert episode.is_open and episode.legal_status == "sentenced"
    sophea.refresh_from_db()
    assert sophea.legal_status == "sentenced"


def test_a_partly_suspended_sentence_keeps_her_inside(sokha, sophea) -> None:
    decision = judge(sophea, sokha, judgment="suspended", prison_months=24, suspended_months=12)
    assert decision.released is None and current(sophea).legal_status == "sentenced"


def test_a_judgment_whose_penalties_do_not_fit_its_kind_is_refused(sokha, sophea) -> None:
    with pytest.raises(InvalidAction):
        judge(sophea, sokha, judgment="acquittal", prison_months=6)
    assert not LegalCase.objects.exists()


def test_a_decision_about_an_earlier_custody_releases_nothing(sokha, sophea, siem_reap) -> None:
    application = apply(sophea, sokha)
    registry.do_release_mother(sophea, on=dt.date(2026, 3, 1), release_kind="other", actor=sokha)
    registry.do_admit_mother(
        sophea,
        {
            "facility": siem_reap,
            "admission_date": dt.date(2026, 3, 10),
            "legal_status": "pre_trial",
        },
        actor=sokha,
    )
    decision = decide(application, sokha, decided_on=dt.date(2026, 3, 2))
    assert decision.released is None and current(sophea).is_open


def test_a_closed_case_refuses_every_legal_write(sokha, dara, sophea) -> None:
    registry.do_request_closure(sophea, reason="other", note="Moved abroad", actor=dara)
    sophea.refresh_from_db()
    assert sophea.is_closed
    with pytest.raises(PermissionDenied):
        record_case(sophea, sokha, offence_class="felony")
    with pytest.raises(PermissionDenied):
        order(sophea, sokha)
    assert not LegalCase.objects.exists() and not DetentionOrder.objects.exists()


def test_a_judgment_typed_before_the_case_existed_does_not_overwrite_one_recorded_since(
    sokha, dara, sophea
) -> None:
    judge(sophea, dara, judgment="prison", prison_months=24)
    with pytest.raises(EditConflict):
        case_actions.do_record_judgment(
            current(sophea),
            {"judgment_on": dt.date(2026, 3, 16), "judgment": "acquittal"},
            expected_version=None,
            actor=sokha,
        )
    assert LegalCase.objects.get().judgment == "prison"
