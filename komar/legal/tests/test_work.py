"""The full lists behind the legal part of "My work" (komar/tasks/tests/test_my_work_legal.py
tests "My work" itself): hearings of the next two weeks, women to screen, court reports to
finish or to review, applications waiting for a decision. Records are made through the legal
actions; the helpers here are shared with the tasks tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from komar.accounts.models import Organisation, Role, User
from komar.audit.models import AuditEntry
from komar.cases.models import Mother
from komar.conftest import child_inside, client_for, make_user, register
from komar.facilities.models import Facility
from komar.legal import case_actions, report_actions, screening_actions
from komar.legal.models import Application, Hearing, Screening

MY_WORK = reverse("tasks:my_work")
TODAY = dt.date(2026, 3, 2)
LISTS = {
    "hearings": reverse("legal:work_hearings"),
    "to_screen": reverse("legal:work_to_screen"),
    "reports": reverse("legal:work_reports"),
    "reviews": reverse("legal:work_reviews"),
    "applications": reverse("legal:work_applications"),
}


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(dt.datetime(2026, 3, 2, 3, tzinfo=dt.UTC), tick=False)


# Records, through the legal actions.


def hearing(
    mother: Mother, actor: User, held_on: dt.date, next_on: dt.date | None = None
) -> Hearing:
    assert mother.latest_episode is not None
    return case_actions.do_record_hearing(
        mother.latest_episode,
        {
            "held_on": held_on,
            "court": "Siem Reap Provincial Court of First Instance",
            "kind": Hearing.Kind.QUESTIONING,
            "outcome": "",
            "next_on": next_on,
        },
        actor=actor,
    )


def application(
    mother: Mother,
    actor: User,
    filed_on: dt.date,
    kind: str = Application.Kind.JUDICIAL_SUPERVISION,
) -> Application:
    assert mother.latest_episode is not None
    return case_actions.do_record_application(
        mother.latest_episode, {"kind": kind, "filed_on": filed_on, "note": ""}, actor=actor
    )


def decide(application: Application, actor: User, outcome: str, on: dt.date) -> None:
    case_actions.do_decide_application(
        application,
        {"outcome": outcome, "decided_on": on, "obligations": [], "note": ""},
        expected_version=application.version,
        actor=actor,
    )


def screen(mother: Mother, actor: User, on: dt.date, chosen: list[str] | None = None) -> Screening:
    return screening_actions.do_record_screening(
        mother,
        {
            "screened_on": on,
            "grounds_claimed": ["appearance"],
            "stable_address": "yes",
            "address_note": "Her mother's house",
            "guarantor": "yes",
            "guarantor_note": "Her brother",
            "drug_treatment_need": "no",
            "health_note": "",
            "care": [],
            "care_note": "",
            "obligations": ["report"],
            "obligations_note": "The commune police every week.",
            "chosen": chosen or [],
            "chosen_reason": "She cares for a baby." if chosen else "",
        },
        actor=actor,
    )


def woman(actor: User, facility: Facility, name: str, **extra: Any) -> Mother:
    """A woman held before trial with a baby inside: someone to screen."""
    return register(actor, facility, name_latin=name, children=[child_inside()], **extra)


@pytest.fixture
def reviewer(legal_aid: Organisation, siem_reap: Facility) -> User:
    """A supervisor of the legal-aid provider: she reviews its court reports."""
    return make_user("sopheap", legal_aid, Role.SUPERVISOR, [siem_reap])


# The full lists.


def test_the_full_lists_hold_only_her_scope_and_are_audited(
    sokha, outsider, battambang, sophea
) -> None:
    hidden = woman(outsider, battambang, "Nuon Hidden")
    application(hidden, outsider, dt.date(2026, 2, 1))
    application(sophea, sokha, dt.date(2026, 2, 1))
    html = client_for(sokha).get(LISTS["applications"]).content.decode()
    assert sophea.name_latin in html and "Nuon Hidden" not in html
    entry = AuditEntry.objects.filter(actor=sokha, object_type="list").latest("pk")
    assert entry.object_code == "legal:applications"
    assert entry.fields == ["shown=1"]
    html = client_for(sokha).get(LISTS["to_screen"]).content.decode()
    assert sophea.name_latin in html and "Nuon Hidden" not in html


@pytest.mark.parametrize("name", sorted(LISTS))
class TestTheFullLists:
    def test_anonymous_is_sent_to_login(self, client, name) -> None:
        assert client.get(LISTS[name]).status_code == 302

    def test_a_researcher_has_no_casework(self, researcher, name) -> None:
        assert client_for(researcher).get(LISTS[name]).status_code == 403

    def test_wrong_method(self, sokha, name) -> None:
        assert client_for(sokha).post(LISTS[name]).status_code == 405

    def test_a_monitor_opens_none_of_them(self, monitor, sokha, sophea, name) -> None:
        """They name women: a facility monitor, who opens no file, is refused, and her visit
        leaves no list view in the audit."""
        application(sophea, sokha, dt.date(2026, 2, 1))
        response = client_for(monitor).get(LISTS[name])
        assert response.status_code == 403
        assert sophea.name_latin not in response.content.decode()
        assert not AuditEntry.objects.filter(actor=monitor).exists()

    def test_an_outsider_sees_none_of_this_facilitys_women(
        self, outsider, vicheka, reviewer, shares_with_legal_aid, sophea, name
    ) -> None:
        hearing(sophea, vicheka, dt.date(2026, 2, 10), next_on=dt.date(2026, 3, 10))
        application(sophea, vicheka, dt.date(2026, 2, 1))
        report_actions.do_submit_report(
            report_actions.do_start_report(sophea, actor=vicheka), actor=vicheka
        )
        response = client_for(outsider).get(LISTS[name])
        assert response.status_code == 200
        assert sophea.name_latin not in response.content.decode()
        assert response.context["page"].paginator.count == 0


def _work_for(n: int, vicheka: User, sokha: User, reviewer: User, siem_reap: Facility) -> None:
    from komar.cases.actions import do_record_consent

    for i in range(n):
        mother = woman(sokha, siem_reap, f"Chan Woman{'x' * i}")
        do_record_consent(
            mother,
            {
                "purpose": "sharing",
                "organisation": vicheka.organisation,
                "method": "signature",
                "given_on": dt.date(2026, 1, 12),
            },
            actor=sokha,
        )
        hearing(mother, vicheka, dt.date(2026, 2, 10), next_on=dt.date(2026, 3, 10))
        application(mother, vicheka, dt.date(2026, 2, 1))
        draft = report_actions.do_start_report(mother, actor=vicheka)
        if i % 2:
            report_actions.do_submit_report(draft, actor=vicheka)


@pytest.mark.parametrize("name", sorted(LISTS))
def test_the_full_lists_page_with_a_fixed_number_of_queries(
    name, vicheka, sokha, reviewer, siem_reap, settings, django_assert_max_num_queries
) -> None:
    settings.KOMAR_CASES_PER_PAGE = 2
    client = client_for(reviewer if name == "reviews" else vicheka)
    _work_for(2, vicheka, sokha, reviewer, siem_reap)
    with django_assert_max_num_queries(10) as before:
        assert client.get(LISTS[name]).status_code == 200
    _work_for(5, vicheka, sokha, reviewer, siem_reap)
    with django_assert_max_num_queries(len(before.captured_queries)):
        response = client.get(LISTS[name], {"page": 2})
    assert response.status_code == 200
    assert response.context["page"].object_list


def test_the_hearing_list_shows_each_next_hearing_once_soonest_first(
    sokha, siem_reap, sophea
) -> None:
    hearing(sophea, sokha, dt.date(2026, 1, 20), next_on=dt.date(2026, 3, 5))
    hearing(sophea, sokha, dt.date(2026, 2, 20), next_on=dt.date(2026, 3, 12))  # moved
    other = woman(sokha, siem_reap, "Chan Dara")
    hearing(other, sokha, dt.date(2026, 2, 11), next_on=dt.date(2026, 3, 9))
    page = client_for(sokha).get(LISTS["hearings"]).context["page"]
    assert [(h.legal_case.mother.name_latin, h.on) for h in page.object_list] == [
        ("Chan Dara", dt.date(2026, 3, 9)),
        (sophea.name_latin, dt.date(2026, 3, 12)),
    ]


def test_the_list_of_women_to_screen_holds_the_longest_held_first(sokha, siem_reap, sophea) -> None:
    earlier = woman(sokha, siem_reap, "Chan Dara", admission_date=dt.date(2025, 12, 1))
    screened = woman(sokha, siem_reap, "Chan Kanha", admission_date=dt.date(2025, 11, 1))
    screen(screened, sokha, dt.date(2025, 11, 20))
    page = client_for(sokha).get(LISTS["to_screen"]).context["page"]
    assert [m.pk for m in page.object_list] == [earlier.pk, sophea.pk]


def test_a_returned_report_comes_first_on_her_list(
    vicheka, reviewer, sokha, siem_reap, shares_with_legal_aid, sophea
) -> None:
    from komar.cases.actions import do_record_consent

    other = woman(sokha, siem_reap, "Chan Dara")
    do_record_consent(
        other,
        {
            "purpose": "sharing",
            "organisation": vicheka.organisation,
            "method": "signature",
            "given_on": dt.date(2026, 1, 12),
        },
        actor=sokha,
    )
    returned = report_actions.do_start_report(sophea, actor=vicheka)
    report_actions.do_submit_report(returned, actor=vicheka)
    report_actions.do_return_report(returned, note="Add her health.", actor=reviewer)
    fresh = report_actions.do_start_report(other, actor=vicheka)
    html = client_for(vicheka).get(LISTS["reports"]).content.decode()
    assert html.index(returned.get_absolute_url()) < html.index(fresh.get_absolute_url())
    assert html.count("Returned to you") == 1


def test_a_correction_of_a_final_report_names_the_report_it_corrects(
    vicheka, reviewer, shares_with_legal_aid, sophea
) -> None:
    final = report_actions.do_start_report(sophea, actor=vicheka)
    report_actions.do_submit_report(final, actor=vicheka)
    final = report_actions.do_approve_report(final, actor=reviewer)
    correction = report_actions.do_correct_report(final, actor=vicheka)
    html = client_for(vicheka).get(LISTS["reports"]).content.decode()
    assert correction.get_absolute_url() in html
    assert f"correcting {final.number}" in html


def screening_deadlines(mother: Mother, field: str = "due_on") -> list[dt.date | None]:
    from komar.cases.models import Deadline
    from komar.legal.rules_screening import SCREENING_DUE

    return list(
        Deadline.objects.filter(mother=mother, code=SCREENING_DUE).values_list(field, flat=True)
    )


def test_the_women_to_screen_are_stored_deadlines_kept_by_the_actions(
    sokha, siem_reap, sophea
) -> None:
    # Admitted on 10 January: screening due a week later; a screening of this custody drops it
    # in the same action, and she leaves the list.
    assert screening_deadlines(sophea) == [dt.date(2026, 1, 17)]
    screen(sophea, sokha, dt.date(2026, 2, 1))
    assert screening_deadlines(sophea) == []
    page = client_for(sokha).get(LISTS["to_screen"]).context["page"]
    assert sophea.pk not in [m.pk for m in page.object_list]


@pytest.mark.usefixtures("allow_unplanned_moves")
def test_a_woman_whose_youngest_child_turns_18_leaves_the_list_on_the_day(
    sokha, siem_reap, time_machine
) -> None:
    from django.core.management import call_command

    from komar.conftest import child_with_grandmother

    # Her only child lives with his grandmother and turns 18 on 5 March.
    older = register(
        sokha,
        siem_reap,
        name_latin="Chan Sreyneang",
        children=[child_with_grandmother(born=dt.date(2008, 3, 5))],
    )
    assert screening_deadlines(older) == [dt.date(2026, 1, 17)]
    # The deadline lapses on his birthday.
    assert screening_deadlines(older, "lapses_on") == [dt.date(2026, 3, 5)]
    page = client_for(sokha).get(LISTS["to_screen"]).context["page"]
    assert older.pk in [m.pk for m in page.object_list]
    time_machine.move_to(dt.datetime(2026, 3, 4, 3, tzinfo=dt.UTC), tick=False)
    page = client_for(sokha).get(LISTS["to_screen"]).context["page"]
    assert older.pk in [m.pk for m in page.object_list]
    assert client_for(sokha).get(MY_WORK).context["legal"].to_screen.total == 1
    # On his birthday, before the nightly refresh: her deadline is still stored, but it has
    # lapsed, on the full list and on "My work".
    time_machine.move_to(dt.datetime(2026, 3, 5, 3, tzinfo=dt.UTC), tick=False)
    assert screening_deadlines(older) == [dt.date(2026, 1, 17)]
    page = client_for(sokha).get(LISTS["to_screen"]).context["page"]
    assert older.pk not in [m.pk for m in page.object_list]
    assert client_for(sokha).get(MY_WORK).context["legal"].to_screen.total == 0
    call_command("refresh_findings", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert screening_deadlines(older) == []


def test_a_pregnant_woman_s_deadline_does_not_lapse_with_her_child_s_age(
    sokha, siem_reap, time_machine
) -> None:
    from komar.conftest import child_with_grandmother

    # Her only child turns 18 on 5 March, but she is pregnant: she stays to be screened.
    woman = register(
        sokha,
        siem_reap,
        name_latin="Chan Sreyneang",
        is_pregnant=True,
        children=[child_with_grandmother(born=dt.date(2008, 3, 5))],
    )
    assert screening_deadlines(woman, "lapses_on") == [None]
    time_machine.move_to(dt.datetime(2026, 3, 6, 3, tzinfo=dt.UTC), tick=False)
    page = client_for(sokha).get(LISTS["to_screen"]).context["page"]
    assert woman.pk in [m.pk for m in page.object_list]


def test_the_deadline_lapses_on_the_youngest_child_s_birthday(sokha, siem_reap) -> None:
    from komar.conftest import child_with_grandmother

    woman = register(
        sokha,
        siem_reap,
        name_latin="Chan Sreyneang",
        children=[
            child_with_grandmother(born=dt.date(2008, 3, 5)),
            child_with_grandmother(born=dt.date(2010, 2, 28)),
        ],
    )
    assert screening_deadlines(woman, "lapses_on") == [dt.date(2028, 2, 28)]


def hearing_deadlines(mother: Mother) -> list[dt.date]:
    from komar.cases.models import Deadline
    from komar.legal.rules_deadlines import HEARING_AHEAD

    return list(
        Deadline.objects.filter(mother=mother, code=HEARING_AHEAD).values_list("due_on", flat=True)
    )


def test_the_next_hearing_is_a_stored_deadline_kept_by_the_actions(sokha, sophea) -> None:
    assert hearing_deadlines(sophea) == []
    first = hearing(sophea, sokha, dt.date(2026, 2, 20), next_on=dt.date(2026, 3, 9))
    assert hearing_deadlines(sophea) == [dt.date(2026, 3, 9)]
    page = client_for(sokha).get(LISTS["hearings"]).context["page"]
    assert [(h.pk, h.on) for h in page.object_list] == [(first.pk, dt.date(2026, 3, 9))]
    # Held today as set, with no next date yet: listed as held today, and nothing ahead.
    today = hearing(sophea, sokha, TODAY)
    assert hearing_deadlines(sophea) == []
    page = client_for(sokha).get(LISTS["hearings"]).context["page"]
    assert [(h.pk, h.on) for h in page.object_list] == [(today.pk, TODAY)]


def test_a_date_that_passed_leaves_the_list_and_the_nightly_refresh_drops_it(
    sokha, sophea, time_machine
) -> None:
    from django.core.management import call_command

    hearing(sophea, sokha, dt.date(2026, 2, 20), next_on=dt.date(2026, 3, 5))
    assert len(client_for(sokha).get(LISTS["hearings"]).context["page"].object_list) == 1
    # 6 March: the date passed with no hearing recorded. Not listed, even before the refresh.
    time_machine.move_to(dt.datetime(2026, 3, 6, 3, tzinfo=dt.UTC), tick=False)
    assert len(client_for(sokha).get(LISTS["hearings"]).context["page"].object_list) == 0
    assert hearing_deadlines(sophea) == [dt.date(2026, 3, 5)]
    call_command("refresh_findings", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert hearing_deadlines(sophea) == []


def test_an_application_waiting_is_a_stored_deadline_kept_by_the_actions(sokha, sophea) -> None:
    from komar.cases.models import Deadline
    from komar.legal.rules_deadlines import APPLICATION_PENDING

    def due() -> list[dt.date]:
        rows = Deadline.objects.filter(mother=sophea, code=APPLICATION_PENDING)
        return list(rows.values_list("due_on", flat=True))

    older = application(sophea, sokha, dt.date(2026, 2, 1))
    newer = application(sophea, sokha, dt.date(2026, 2, 10), kind=Application.Kind.RELEASE)
    assert due() == [dt.date(2026, 2, 1)]  # her oldest application waiting
    decide(older, sokha, Application.Outcome.REFUSED, dt.date(2026, 2, 20))
    assert due() == [dt.date(2026, 2, 10)]
    page = client_for(sokha).get(LISTS["applications"]).context["page"]
    assert [a.pk for a in page.object_list] == [newer.pk]
    newer.refresh_from_db()
    decide(newer, sokha, Application.Outcome.GRANTED, dt.date(2026, 2, 25))
    assert due() == []


def test_a_later_case_hearing_stays_listed_when_her_stored_deadline_has_passed(
    sokha, sophea, siem_reap, time_machine
) -> None:
    from komar.cases import actions as registry

    # Her first custody's case set a date on 4 March; she is released on bail, admitted again,
    # and her new case sets 9 March. Her deadline is the sooner date still to come: 4 March.
    hearing(sophea, sokha, dt.date(2026, 1, 20), next_on=dt.date(2026, 3, 4))
    registry.do_release_mother(sophea, on=dt.date(2026, 2, 1), release_kind="bail", actor=sokha)
    registry.do_admit_mother(
        sophea,
        {
            "facility": siem_reap,
            "admission_date": dt.date(2026, 2, 10),
            "legal_status": "pre_trial",
        },
        actor=sokha,
    )
    sophea.refresh_from_db()
    later = hearing(sophea, sokha, dt.date(2026, 2, 15), next_on=dt.date(2026, 3, 9))
    assert hearing_deadlines(sophea) == [dt.date(2026, 3, 4)]
    assert len(client_for(sokha).get(LISTS["hearings"]).context["page"].object_list) == 2
    # 5 March, before the nightly refresh: 4 March passed unrecorded; 9 March is still listed.
    time_machine.move_to(dt.datetime(2026, 3, 5, 3, tzinfo=dt.UTC), tick=False)
    page = client_for(sokha).get(LISTS["hearings"]).context["page"]
    assert [(h.pk, h.on) for h in page.object_list] == [(later.pk, dt.date(2026, 3, 9))]
