"""The health pages: who may open them (anonymous → sign-in, outsider → 404, researcher and
facility monitor → 403, wrong method → 405), recording on them, corrections with optimistic
locking, bad input, a closed case, and a query count that does not grow with the records."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from komar.audit.models import AuditEntry
from komar.cases import actions as registry
from komar.conftest import client_for
from komar.health.models import HealthCheck, HealthEvent, Immunisation, Measurement, Milestone
from komar.health.tests.helpers import achieve, check, give, inside, measure

CHILD_VIEWS = [
    "health:child",
    "health:record_pdf",
    "health:measurement_new",
    "health:immunisation_new",
    "health:milestone_new",
    "health:event_new",
    "health:check_new",
]
RECORD_VIEWS = [
    "health:measurement_edit",
    "health:immunisation_edit",
    "health:milestone_edit",
    "health:event_edit",
    "health:check_edit",
]


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def vichet(sophea):
    return inside(sophea)


@pytest.fixture
def records(sokha, vichet):
    from komar.health import actions

    event = actions.do_record_health_event(
        vichet,
        {"kind": "illness", "started_on": dt.date(2026, 2, 1), "description": "Fever."},
        actor=sokha,
    )
    return {
        "health:measurement_edit": measure(vichet, sokha, dt.date(2026, 3, 1), weight_kg=9.5),
        "health:immunisation_edit": give(vichet, sokha, "bcg", 1, dt.date(2025, 1, 16)),
        "health:milestone_edit": achieve(vichet, sokha, "sitting", dt.date(2025, 8, 1)),
        "health:event_edit": event,
        "health:check_edit": check(vichet, sokha, dt.date(2026, 1, 12)),
    }


def all_urls(vichet, records):
    return [reverse(name, args=[vichet.code]) for name in CHILD_VIEWS] + [
        reverse(name, args=[records[name].code]) for name in RECORD_VIEWS
    ]


def test_anonymous_is_sent_to_sign_in(client, vichet, records) -> None:
    for url in all_urls(vichet, records):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_an_outsider_gets_404(outsider, vichet, records) -> None:
    c = client_for(outsider)
    for url in all_urls(vichet, records):
        assert c.get(url).status_code == 404, url


def test_an_unknown_code_is_404(sokha) -> None:
    import uuid

    c = client_for(sokha)
    for name in CHILD_VIEWS + RECORD_VIEWS:
        assert c.get(reverse(name, args=[uuid.uuid4()])).status_code == 404, name


def test_a_researcher_and_the_facility_monitor_get_403(
    researcher, monitor, vichet, records
) -> None:
    # The monitor sees her facilities' health indicators, never a child's record.
    for user in (researcher, monitor):
        c = client_for(user)
        for url in all_urls(vichet, records):
            assert c.get(url).status_code == 403, (user, url)
            assert c.post(url, {}).status_code in (403, 405), (user, url)


def test_her_organisation_reads_every_page(sokha, dara, vichet, records) -> None:
    for user in (sokha, dara):
        c = client_for(user)
        for url in all_urls(vichet, records):
            assert c.get(url).status_code == 200, (user, url)


def test_the_pages_that_only_show_refuse_post(sokha, vichet) -> None:
    c = client_for(sokha)
    for name in ("health:child", "health:record_pdf"):
        assert c.post(reverse(name, args=[vichet.code])).status_code == 405


def test_recording_a_measurement_stores_its_z_scores_and_an_audit_row(sokha, vichet) -> None:
    c = client_for(sokha)
    url = reverse("health:measurement_new", args=[vichet.code])
    # WHO boys weight-for-age at 14 months: -3 SD 7.2 kg; 7.0 kg at 13.9 months is below it.
    response = c.post(
        url,
        {
            "measured_on": "2026-03-15",
            "weight_kg": "7.0",
            "length_cm": "70.0",
            "position": "lying",
            "muac_mm": "118",
        },
    )
    assert response.status_code == 302
    m = Measurement.objects.get(child=vichet)
    assert m.age_days == 424 and m.recorded_by == sokha
    assert m.z_wfa is not None and m.z_wfa < -3
    entry = AuditEntry.objects.get(object_code=str(m.code), action="create")
    assert entry.fields == ["length_cm", "measured_on", "muac_mm", "position", "weight_kg"]
    page = c.get(reverse("health:child", args=[vichet.code])).content.decode()
    assert "Severely underweight" in page and "Acute malnutrition (MUAC 125 mm or less)" in page
    assert 'data-indicator="wfa"' in page and "<svg" in page


def test_bad_input_says_what_is_wrong_and_keeps_what_she_typed(sokha, vichet) -> None:
    c = client_for(sokha)
    url = reverse("health:measurement_new", args=[vichet.code])
    response = c.post(url, {"measured_on": "2024-12-01", "weight_kg": "abc", "length_cm": "72"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "This date is before the child was born." in page
    assert "Enter a number." in page
    assert "Say whether the child was lying down or standing." in page
    assert 'value="72"' in page
    empty = c.post(url, {"measured_on": "2026-03-15"}).content.decode()
    assert "Enter at least one measurement" in empty
    future = c.post(url, {"measured_on": "2026-04-01", "weight_kg": "9"}).content.decode()
    assert "This date is in the future." in future
    assert not Measurement.objects.exists()


def test_a_correction_recomputes_the_z_scores(sokha, vichet) -> None:
    m = measure(vichet, sokha, dt.date(2026, 3, 15), weight_kg=7.0)
    c = client_for(sokha)
    url = reverse("health:measurement_edit", args=[m.code])
    response = c.post(url, {"measured_on": "2026-03-15", "weight_kg": "10.1", "version": "1"})
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.version == 2 and abs(m.z_wfa) < 0.2
    entry = AuditEntry.objects.get(object_code=str(m.code), action="change")
    assert entry.fields == ["weight_kg"]


def test_a_second_person_saving_meanwhile_gets_409_and_loses_nothing(sokha, dara, vichet) -> None:
    m = measure(vichet, sokha, dt.date(2026, 3, 15), weight_kg=7.0)
    url = reverse("health:measurement_edit", args=[m.code])
    assert (
        client_for(dara)
        .post(url, {"measured_on": "2026-03-15", "weight_kg": "9.0", "version": "1"})
        .status_code
        == 302
    )
    response = client_for(sokha).post(
        url, {"measured_on": "2026-03-15", "weight_kg": "8.5", "version": "1"}
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved this record while you were editing" in page
    assert 'value="8.5"' in page and "9.00" in page
    m.refresh_from_db()
    assert m.weight_kg == pytest.approx(9.0) and m.version == 2


def test_recording_the_other_records(sokha, vichet) -> None:
    from komar.health.models import ScheduleDose

    c = client_for(sokha)
    penta = ScheduleDose.objects.get(vaccine__slug="penta", dose_number=1)
    posts = [
        ("health:immunisation_new", {"dose": penta.pk, "given_on": "2025-03-01", "place": "HC"}),
        ("health:milestone_new", {"kind": "sitting", "achieved_on": "2025-08-01"}),
        (
            "health:event_new",
            {"kind": "referral", "started_on": "2026-02-01", "description": "Cough."},
        ),
        ("health:check_new", {"checked_on": "2026-01-12", "findings": "Well."}),
    ]
    for name, data in posts:
        response = c.post(reverse(name, args=[vichet.code]), data)
        assert response.status_code == 302, (name, response.content.decode()[-2000:])
    assert Immunisation.objects.get(child=vichet).dose == penta
    assert Milestone.objects.get(child=vichet).kind == "sitting"
    assert HealthEvent.objects.get(child=vichet).kind == "referral"
    assert HealthCheck.objects.get(child=vichet).findings == "Well."
    # The same dose or milestone cannot be recorded twice.
    again = c.post(reverse("health:milestone_new", args=[vichet.code]), posts[1][1])
    assert "already recorded" in again.content.decode()
    form = c.get(reverse("health:immunisation_new", args=[vichet.code])).content.decode()
    assert "Penta 1 (6 weeks)</option>" not in form


def test_a_closed_case_refuses_new_records(sokha, dara, sophea, vichet) -> None:
    registry.do_request_closure(sophea, reason="other", note="Moved away.", actor=dara)
    c = client_for(sokha)
    response = c.post(
        reverse("health:measurement_new", args=[vichet.code]),
        {"measured_on": "2026-03-15", "weight_kg": "9"},
    )
    assert response.status_code == 302
    assert not Measurement.objects.exists()
    page = c.get(reverse("health:child", args=[vichet.code])).content.decode()
    assert reverse("health:measurement_new", args=[vichet.code]) not in page


def test_the_health_page_reads_a_fixed_number_of_queries(sokha, vichet) -> None:
    c = client_for(sokha)
    url = reverse("health:child", args=[vichet.code])
    measure(vichet, sokha, dt.date(2026, 1, 15), weight_kg=9.0)
    c.get(url)  # the first request of the session saves it
    with CaptureQueriesContext(connection) as few:
        c.get(url)
    for day in range(1, 12):
        measure(vichet, sokha, dt.date(2026, 2, day), weight_kg=9.0, length_cm=74.0)
    give(vichet, sokha, "bcg", 1, dt.date(2025, 1, 20))
    give(vichet, sokha, "hepb", 1, dt.date(2025, 1, 20))
    with CaptureQueriesContext(connection) as many:
        c.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
