"""The diversion screening on her file and her timeline, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from komar.cases.actions import do_record_consent
from komar.conftest import child_inside, client_for, register
from komar.legal.screening_actions import do_change_screening
from komar.legal.tests.test_screening_new import screened


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC), tick=False)


def _queries(client, url: str) -> int:
    client.get(url)  # the first request of a session also marks it active
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def section(html: str) -> str:
    start = html.index('id="screening"')
    return html[start : html.index("</section>", start)]


def test_an_eligible_woman_not_screened_has_a_link_to_screen_her(
    vicheka, sophea, shares_with_legal_aid
):
    html = section(client_for(vicheka).get(sophea.get_absolute_url()).content.decode())
    assert "Not screened yet." in html
    assert reverse("legal:screening_new", args=[sophea.code]) in html
    assert "Screen her for diversion" in html


def test_her_latest_screening_is_shown_with_its_candidates_and_the_measures_chosen(
    vicheka, sophea, shares_with_legal_aid
) -> None:
    screened(sophea, vicheka, screened_on=dt.date(2026, 2, 1), stable_address="no")
    latest = screened(sophea, vicheka)
    do_change_screening(
        latest,
        {"chosen": ["judicial_supervision"], "chosen_reason": "She can report weekly."},
        expected_version=1,
        actor=vicheka,
    )
    html = client_for(vicheka).get(sophea.get_absolute_url()).content.decode()
    shown = section(html)
    assert f'href="{latest.get_absolute_url()}"' in shown
    assert "Screened on 18 Mar 2026 by Vicheka" in shown and "1 earlier screening" in shown
    assert "Release under judicial supervision" in shown[shown.index("The measures to pursue") :]
    # Every candidate, those that apply first.
    verdicts = [part.split('"')[0] for part in shown.split('data-verdict="')[1:]]
    assert len(verdicts) == 8 and verdicts == sorted(
        verdicts, key=["applies", "cannot_tell", "does_not_apply"].index
    )
    assert "Screen her again" in shown
    timeline = html[html.index('id="timeline"') :]
    assert (
        "Screened for diversion; measures to pursue: Release under judicial supervision" in timeline
    )
    assert timeline.count("Screened for diversion") == 2


def test_a_woman_no_screening_is_for_has_no_screening_section(sokha, siem_reap) -> None:
    mother = register(sokha, siem_reap, name_latin="Keo Mala", children=[])
    html = client_for(sokha).get(mother.get_absolute_url()).content.decode()
    assert 'id="screening"' not in html


def test_her_file_takes_the_same_number_of_queries_however_many_screenings(
    vicheka, legal_aid, sokha, siem_reap
) -> None:
    def shared(mother):
        do_record_consent(
            mother,
            {
                "purpose": "sharing",
                "organisation": legal_aid,
                "method": "signature",
                "given_on": dt.date(2026, 1, 12),
            },
            actor=sokha,
        )
        return mother

    small = shared(register(sokha, siem_reap, children=[child_inside()]))
    large = shared(register(sokha, siem_reap, name_latin="Chan Sophea", children=[child_inside()]))
    screened(small, vicheka)
    for day in (1, 5, 9, 14):
        screened(large, vicheka, screened_on=dt.date(2026, 3, day))
    client = client_for(vicheka)
    assert _queries(client, small.get_absolute_url()) == _queries(client, large.get_absolute_url())
