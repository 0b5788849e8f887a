"""Correcting a detention order or a hearing, and hearings scheduled ahead: the date rules, the
figures they change (the next hearing, the last day the orders cover), optimistic locking (409,
nothing lost), the audit, and access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from komar.audit.models import AuditEntry
from komar.cases.actions import DatesRefused, EditConflict
from komar.conftest import client_for
from komar.legal import case_actions
from komar.legal.derived import figures_for_case
from komar.legal.models import DetentionOrder, Hearing
from komar.legal.tests.test_case_actions import current, hearing, order, record_case

D = dt.date


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def legal_case(sokha, sophea):
    return record_case(sophea, sokha, offence_class="felony")


def schedule(mother, actor, on, kind="trial", court="Siem Reap Provincial Court"):
    return case_actions.do_record_hearing(
        current(mother),
        {"held_on": on, "kind": kind, "court": court, "outcome": "", "is_scheduled": True},
        actor=actor,
    )


def change(record, actor, **values):
    record.refresh_from_db()
    action = (
        case_actions.do_change_hearing
        if isinstance(record, Hearing)
        else case_actions.do_change_detention_order
    )
    return action(record, values, expected_version=record.version, actor=actor)


def codes(refused: pytest.ExceptionInfo[DatesRefused]) -> set[str]:
    return {problem.code for problem in refused.value.problems}


class TestScheduledHearings:
    def test_a_hearing_ahead_is_the_next_hearing(self, sokha, sophea, legal_case):
        hearing(sophea, sokha, held_on=D(2026, 2, 2), next_on=D(2026, 5, 4))
        schedule(sophea, sokha, D(2026, 4, 6))
        figures = figures_for_case(legal_case)
        # The scheduled one comes before the date the February hearing set.
        assert figures.next_hearing == D(2026, 4, 6)
        assert figures.latest_hearing.held_on == D(2026, 2, 2)
        assert figures.hearing_not_recorded is None

    def test_a_scheduled_hearing_whose_day_passed_is_flagged_not_recorded(
        self, sokha, sophea, legal_case, time_machine
    ):
        schedule(sophea, sokha, D(2026, 3, 25))
        time_machine.move_to(dt.datetime(2026, 3, 30, 3, tzinfo=dt.UTC), tick=False)
        figures = figures_for_case(legal_case)
        assert figures.next_hearing is None
        assert figures.hearing_not_recorded == D(2026, 3, 25)

    def test_a_date_set_then_moved_ahead_is_not_flagged(self, sokha, sophea, legal_case):
        # The February hearing set 10 March; the court moved it to 6 April (scheduled).
        hearing(sophea, sokha, held_on=D(2026, 2, 2), next_on=D(2026, 3, 10))
        schedule(sophea, sokha, D(2026, 4, 6))
        figures = figures_for_case(legal_case)
        assert figures.hearing_not_recorded is None
        assert figures.next_hearing == D(2026, 4, 6)

    @pytest.mark.parametrize(
        ("values", "code"),
        [
            ({"held_on": D(2026, 3, 19)}, "scheduled_in_past"),
            ({"held_on": D(2026, 4, 6), "outcome": "Adjourned."}, "scheduled_with_outcome"),
            ({"held_on": D(2026, 4, 6), "next_on": D(2026, 5, 4)}, "scheduled_with_outcome"),
        ],
    )
    def test_what_a_scheduled_hearing_cannot_have(self, sokha, sophea, values, code):
        data = {"kind": "trial", "court": "", "outcome": "", "is_scheduled": True, **values}
        with pytest.raises(DatesRefused) as refused:
            case_actions.do_record_hearing(current(sophea), data, actor=sokha)
        assert code in codes(refused)
        assert not Hearing.objects.exists()

    def test_a_hearing_held_cannot_be_in_the_future(self, sokha, sophea):
        with pytest.raises(DatesRefused) as refused:
            hearing(sophea, sokha, held_on=D(2026, 4, 6))
        assert "in_future" in codes(refused)

    def test_recording_what_came_of_it_turns_it_into_a_hearing_held(
        self, sokha, sophea, legal_case, time_machine
    ):
        scheduled = schedule(sophea, sokha, D(2026, 3, 25))
        time_machine.move_to(dt.datetime(2026, 3, 26, 3, tzinfo=dt.UTC), tick=False)
        change(
            scheduled,
            sokha,
            is_scheduled=False,
            outcome="Trial adjourned.",
            next_on=D(2026, 4, 20),
        )
        scheduled.refresh_from_db()
        assert (scheduled.is_scheduled, scheduled.version) == (False, 2)
        figures = figures_for_case(legal_case)
        assert figures.latest_hearing == scheduled
        assert figures.next_hearing == D(2026, 4, 20)
        assert figures.hearing_not_recorded is None
        entry = AuditEntry.objects.filter(object_code=str(scheduled.code)).latest("pk")
        assert entry.action == AuditEntry.Action.CHANGE
        assert entry.fields == ["is_scheduled", "next_on", "outcome"]


class TestCorrectingAnOrder:
    def test_a_corrected_term_moves_the_last_day_covered(self, sokha, sophea, legal_case):
        first = order(sophea, sokha, ordered_on=D(2026, 1, 10), term_months=4)
        assert figures_for_case(legal_case).ordered_until == D(2026, 5, 9)
        change(first, sokha, term_months=6)
        assert figures_for_case(legal_case).ordered_until == D(2026, 7, 9)

    def test_it_is_checked_against_the_other_orders(self, sokha, sophea, legal_case):
        order(sophea, sokha, ordered_on=D(2026, 1, 10))
        extension = order(sophea, sokha, ordered_on=D(2026, 3, 1), kind="extension")
        # An extension cannot move before the order it extends...
        with pytest.raises(DatesRefused) as refused:
            change(extension, sokha, ordered_on=D(2026, 1, 5))
        assert "before_previous_order" in codes(refused)
        # ...nor become a second order.
        with pytest.raises(DatesRefused) as refused:
            change(extension, sokha, kind="order")
        assert "second_order" in codes(refused)
        extension.refresh_from_db()
        assert (extension.ordered_on, extension.kind, extension.version) == (
            D(2026, 3, 1),
            "extension",
            1,
        )

    def test_a_stale_version_is_a_conflict_and_writes_nothing(self, sokha, dara, sophea):
        first = order(sophea, sokha)
        change(first, dara, term_months=5)
        with pytest.raises(EditConflict):
            case_actions.do_change_detention_order(
                first, {"term_months": 8}, expected_version=1, actor=sokha
            )
        first.refresh_from_db()
        assert (first.term_months, first.version) == (5, 2)

    def test_saving_what_is_there_writes_no_audit_row(self, sokha, sophea):
        first = order(sophea, sokha)
        before = AuditEntry.objects.count()
        change(first, sokha, term_months=4, grounds=["evidence"])
        first.refresh_from_db()
        assert first.version == 1
        assert AuditEntry.objects.count() == before


class TestPages:
    def test_the_case_page_offers_each_correction_and_the_schedule(self, sokha, sophea, legal_case):
        first = order(sophea, sokha)
        held = hearing(sophea, sokha)
        ahead = schedule(sophea, sokha, D(2026, 4, 6))
        html = client_for(sokha).get(legal_case.get_absolute_url()).content.decode()
        assert reverse("legal:order_edit", args=[first.code]) in html
        assert reverse("legal:hearing_edit", args=[held.code]) in html
        assert reverse("legal:hearing_edit", args=[ahead.code]) in html
        assert "Record what came of it" in html and "Scheduled" in html
        assert reverse("legal:hearing_new", args=[current(sophea).code]) + "?scheduled=1" in html

    def test_scheduling_through_the_form(self, sokha, sophea, legal_case):
        url = reverse("legal:hearing_new", args=[current(sophea).code]) + "?scheduled=1"
        client = client_for(sokha)
        page = client.get(url).content.decode()
        assert "Schedule a hearing" in page
        assert 'id="id_is_scheduled" checked' in page
        response = client.post(
            url,
            {
                "is_scheduled": "on",
                "held_on_day": "6",
                "held_on_month": "4",
                "held_on_year": "2026",
                "kind": "trial",
                "court": "Siem Reap Provincial Court",
            },
        )
        assert response.status_code == 302
        saved = Hearing.objects.get()
        assert (saved.is_scheduled, saved.held_on) == (True, D(2026, 4, 6))

    def test_a_date_ahead_without_the_tick_is_refused_on_its_field(self, sokha, sophea):
        response = client_for(sokha).post(
            reverse("legal:hearing_new", args=[current(sophea).code]),
            {"held_on_day": "6", "held_on_month": "4", "held_on_year": "2026", "kind": "trial"},
        )
        assert response.status_code == 200
        assert "held_on" in response.context["form"].errors
        assert not Hearing.objects.exists()

    def test_a_conflicting_correction_is_a_409_that_keeps_what_she_typed(
        self, sokha, dara, sophea, legal_case
    ):
        first = order(sophea, sokha)
        url = reverse("legal:order_edit", args=[first.code])
        client = client_for(sokha)
        assert 'name="version" value="1"' in client.get(url).content.decode()
        change(first, dara, term_months=5)  # version 2
        data = {
            "version": "1",
            "kind": "order",
            "ordered_on_day": "10",
            "ordered_on_month": "1",
            "ordered_on_year": "2026",
            "term_months": "7",
            "grounds": ["evidence"],
        }
        response = client.post(url, data)
        assert response.status_code == 409
        html = response.content.decode()
        assert "Someone else saved this record while you were editing" in html
        assert 'value="7"' in html and 'name="version" value="2"' in html
        first.refresh_from_db()
        assert first.term_months == 5
        assert client.post(url, {**data, "version": "2"}).status_code == 302
        first.refresh_from_db()
        assert (first.term_months, first.version) == (7, 3)

    def test_opening_a_correction_is_audited_as_a_view(self, sokha, sophea, legal_case):
        held = hearing(sophea, sokha)
        client_for(sokha).get(reverse("legal:hearing_edit", args=[held.code]))
        entry = AuditEntry.objects.filter(object_code=str(held.code)).latest("pk")
        assert entry.action == AuditEntry.Action.VIEW


class TestAccess:
    @pytest.fixture
    def urls(self, sokha, sophea, legal_case):
        return [
            reverse("legal:order_edit", args=[order(sophea, sokha).code]),
            reverse("legal:hearing_edit", args=[hearing(sophea, sokha).code]),
        ]

    def test_anonymous_users_are_sent_to_sign_in(self, client, urls):
        for url in urls:
            assert client.get(url).status_code == 302

    def test_the_outsider_gets_404(self, outsider, urls):
        for url in urls:
            assert client_for(outsider).get(url).status_code == 404
            assert client_for(outsider).post(url).status_code == 404

    def test_the_researcher_and_the_monitor_get_403(self, researcher, monitor, urls):
        for user in (researcher, monitor):
            for url in urls:
                assert client_for(user).get(url).status_code == 403
                assert client_for(user).post(url).status_code == 403

    def test_unknown_codes_are_404(self, sokha):
        missing = "00000000-0000-0000-0000-000000000000"
        for name in ("legal:order_edit", "legal:hearing_edit"):
            assert client_for(sokha).get(reverse(name, args=[missing])).status_code == 404

    def test_nothing_changes_in_a_closed_case(self, sokha, dara, sophea, urls):
        from komar.cases import actions as registry

        registry.do_request_closure(sophea, reason="left_custody", note="", actor=sokha)
        closure = sophea.closures.get()
        registry.do_decide_closure(closure, approve=True, note="", actor=dara)
        first = DetentionOrder.objects.get()
        response = client_for(sokha).post(
            urls[0],
            {
                "version": "1",
                "kind": "order",
                "ordered_on_day": "10",
                "ordered_on_month": "1",
                "ordered_on_year": "2026",
                "term_months": "9",
            },
        )
        assert response.status_code == 403
        first.refresh_from_db()
        assert first.term_months == 4
