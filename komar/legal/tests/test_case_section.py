"""The "Legal case" section of her file and its timeline events: the figures of her current
custody, the links to record things, earlier custodies, the children to place after a court
release, and a fixed number of queries however many records there are."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from komar.cases import actions as registry
from komar.conftest import child_inside, client_for, register
from komar.legal.tests.test_case_actions import (
    apply,
    at,
    current,
    decide,
    hearing,
    judge,
    order,
    record_case,
)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC), tick=False)


def section(client, mother) -> str:
    html = client.get(mother.get_absolute_url()).content.decode()
    start = html.index('id="legal-case"')
    return html[start : html.index("</section>", start)]


def test_with_nothing_recorded_it_counts_from_her_admission_and_offers_to_record(
    sokha, sophea
) -> None:
    html = section(client_for(sokha), sophea)
    assert "Legal case" in html and "Open the legal case" not in html
    assert "since 10 Jan 2026" in html and "her admission: no detention order recorded" in html
    assert "70 days" in html
    assert "Not known until the class of offence is recorded." in html
    assert "No lawyer recorded" in html
    episode = current(sophea).code
    for name in ("case_edit", "order_new", "hearing_new", "application_new", "judgment"):
        assert reverse(f"legal:{name}", args=[episode]) in html, name


def test_it_shows_days_against_the_legal_maximum_the_next_hearing_and_what_is_pending(
    sokha, sophea
) -> None:
    legal_case = record_case(sophea, sokha, offence_class="felony")
    order(sophea, sokha, dt.date(2026, 1, 12), 6)
    hearing(sophea, sokha, dt.date(2026, 3, 2), next_on=dt.date(2026, 4, 7))
    application = apply(sophea, sokha, dt.date(2026, 3, 5), kind="release")
    html = section(client_for(sokha), sophea)
    assert legal_case.get_absolute_url() in html
    assert "since 12 Jan 2026" in html and "the detention order" in html and "68 days" in html
    assert "18 months: until 11 Jul 2027" in html and "478 days left" in html
    assert "The court's orders run until" in html and "11 Jul 2026" in html
    assert "7 Apr 2026" in html
    assert "Release (bail), filed 5 Mar 2026" in html
    assert reverse("legal:application_decide", args=[application.code]) in html


def test_past_the_maximum_it_says_how_many_days_over(sokha, sophea) -> None:
    record_case(sophea, sokha, offence_class="misdemeanour", minimum_penalty_months=5)
    html = section(client_for(sokha), sophea)
    assert "2 months: until 9 Mar 2026" in html and "11 days over" in html


def test_a_reader_who_cannot_write_gets_no_links(dara, sokha, sophea) -> None:
    """No role reads a file without writing it any more (the facility monitor reads none); a
    closed case is read-only to everyone: her worker reads the section, with no link to write."""
    application = apply(sophea, sokha)
    episode = current(sophea).code
    registry.do_request_closure(sophea, reason="other", note="Moved abroad", actor=dara)
    sophea.refresh_from_db()
    assert sophea.is_closed
    html = section(client_for(sokha), sophea)
    assert "Waiting for a decision" in html
    assert reverse("legal:application_decide", args=[application.code]) not in html
    for name in ("case_edit", "order_new", "hearing_new", "application_new", "judgment"):
        assert reverse(f"legal:{name}", args=[episode]) not in html, name


def test_after_a_court_release_it_asks_where_the_child_inside_now_lives(sokha, sophea) -> None:
    decide(apply(sophea, sokha), sokha)
    client = client_for(sokha)
    html = section(client, sophea)
    inside = sophea.children.get(name_latin="Sok Vichet")
    outside = sophea.children.get(name_latin="Sok Dara")
    assert "Her custody has ended" in html
    assert reverse("cases:child_move", args=[inside.code]) in html
    assert reverse("cases:child_move", args=[outside.code]) not in html
    registry.do_move_child(
        inside, {"kind": "mother_outside", "start_date": dt.date(2026, 3, 18)}, actor=sokha
    )
    assert "Her custody has ended" not in section(client, sophea)


def test_earlier_custodies_are_listed_with_their_cases(sokha, sophea, siem_reap) -> None:
    earlier = record_case(sophea, sokha, offence_class="petty")
    registry.do_release_mother(sophea, on=dt.date(2026, 2, 1), release_kind="bail", actor=sokha)
    registry.do_admit_mother(
        sophea,
        {"facility": siem_reap, "admission_date": dt.date(2026, 3, 1), "legal_status": "pre_trial"},
        actor=sokha,
    )
    html = section(client_for(sokha), sophea)
    assert "Earlier custody" in html and earlier.get_absolute_url() in html
    assert "23 days in pre-trial detention" in html
    assert "since 1 Mar 2026" in html  # the current one


def test_the_timeline_shows_the_cases_events(sokha, sophea) -> None:
    record_case(sophea, sokha, arrested_at=at("2026-01-08"), arrest_place="Puok police post")
    order(sophea, sokha, dt.date(2026, 1, 10), 4)
    order(sophea, sokha, dt.date(2026, 3, 1), 2, kind="extension")
    hearing(sophea, sokha, dt.date(2026, 2, 2), court="Siem Reap Provincial Court")
    decide(apply(sophea, sokha, dt.date(2026, 3, 2)), sokha, outcome="refused")
    judge(sophea, sokha, judgment="prison", prison_months=24, judgment_on=dt.date(2026, 3, 19))
    html = client_for(sokha).get(sophea.get_absolute_url()).content.decode()
    timeline = html[html.index('id="timeline"') :]
    for text in [
        "Arrested at Puok police post",
        "Detention order: 4 months",
        "Pre-trial detention extended: 2 months",
        "Hearing: Questioning by the investigating judge, Siem Reap Provincial Court",
        "Application filed: Release under judicial supervision",
        "Application decided: Release under judicial supervision: Refused",
        "Judgment: Prison term",
    ]:
        assert text in timeline, text


def _queries(client, url: str) -> int:
    client.get(url)  # the first request of a session also marks it active
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def _fill(mother, sokha, count: int) -> None:
    record_case(mother, sokha, offence_class="felony", arrested_at=at("2026-01-08"))
    order(mother, sokha, dt.date(2026, 1, 10), 6)
    for i in range(count):
        order(mother, sokha, dt.date(2026, 2, 1 + i), 1, kind="extension")
        hearing(mother, sokha, dt.date(2026, 2, 1 + i), next_on=dt.date(2026, 4, 1))
        apply(mother, sokha, dt.date(2026, 3, 1 + i))


def test_her_file_takes_the_same_number_of_queries_however_many_legal_records(
    sokha, dara, siem_reap, cc2
) -> None:
    small = register(sokha, siem_reap, children=[child_inside()])
    _fill(small, sokha, 1)
    large = register(sokha, siem_reap, name_latin="Chan Sophea", children=[child_inside()])
    _fill(large, sokha, 6)
    registry.do_transfer_mother(large, to_facility=cc2, on=dt.date(2026, 3, 10), actor=sokha)
    client = client_for(dara)
    assert _queries(client, small.get_absolute_url()) == _queries(client, large.get_absolute_url())
