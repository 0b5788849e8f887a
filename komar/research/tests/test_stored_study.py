"""The factor study's stored numbers: read instead of counted, counted again when the data
change (within minutes, by `run_exports`), and never shown after a consent changed."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from komar.cases import actions as case_actions
from komar.conftest import client_for
from komar.counselling.models import Factor
from komar.research import study
from komar.research.models import StoredStudy
from komar.research.tests.helpers import project_for, woman

NOW = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def cohort(sokha, siem_reap, time_machine):
    time_machine.move_to(NOW)
    return [woman(sokha, siem_reap, n) for n in range(6)]


def _no_counting(*args, **kwargs):
    raise AssertionError("the study was counted again")


def test_the_page_reads_the_stored_numbers(
    cohort, researcher, monkeypatch, django_assert_max_num_queries
):
    project = project_for(researcher)
    client = client_for(researcher)
    url = reverse("research:study", args=[project.code])
    first = client.get(url)
    assert first.context["study"].women == 6 and not first.context["stale"]
    assert StoredStudy.objects.filter(project=project).count() == 1
    monkeypatch.setattr(study, "compute", _no_counting)
    # The keys (consent state, data) and the labels, whatever the number of decisions.
    with django_assert_max_num_queries(40):
        again = client.get(url)
    assert again.context["study"].women == 6 and not again.context["stale"]
    assert "Counted at" in again.content.decode()


def test_a_change_is_shown_stale_then_counted_again(
    cohort, researcher, sokha, siem_reap, time_machine
):
    project = project_for(researcher)
    client = client_for(researcher)
    url = reverse("research:study", args=[project.code])
    assert client.get(url).context["study"].decisions == 6
    woman(sokha, siem_reap, 10, consent=False)  # registered, counselled: audited writes
    # The newcomer gave no research consent, so the consent key holds; her records changed the
    # data key. The page shows the stored numbers and says so.
    page = client.get(url)
    assert page.context["stale"] and page.context["study"].decisions == 6
    assert "counted again within a few minutes" in page.content.decode()
    # The printed report counts the data as they are now.
    assert study.stored(project, NOW.date(), None, None, exact=True).study.decisions == 6
    out = StringIO()
    call_command("run_exports", stdout=out)
    assert "up to date" in out.getvalue()  # the report stored what it counted
    assert not client.get(url).context["stale"]
    # Past the stale limit, the page counts again itself.
    woman(sokha, siem_reap, 11, consent=False)
    time_machine.shift(dt.timedelta(minutes=31))
    page = client_for(researcher).get(url)  # a new session: the old one has timed out
    assert not page.context["stale"]
    assert StoredStudy.objects.get(project=project).computed_at >= NOW + dt.timedelta(minutes=31)


def test_run_exports_counts_again_what_changed(cohort, researcher, sokha, siem_reap):
    project = project_for(researcher)
    client = client_for(researcher)
    url = reverse("research:study", args=[project.code])
    client.get(url + "?first_year=2026&last_year=2026")  # other years, asked for once
    out = StringIO()
    call_command("run_exports", stdout=out)
    lines = out.getvalue().splitlines()
    assert f"study {project.code} (all years): computed again" in lines
    assert f"study {project.code} (2026-2026): up to date" in lines
    woman(sokha, siem_reap, 20)  # with a research consent: both keys change
    out = StringIO()
    call_command("run_exports", stdout=out)
    assert out.getvalue().count("computed again") == 2
    stored = StoredStudy.objects.get(project=project, first_year=0)
    loaded = study._load(stored)
    assert loaded is not None and loaded.women == 7
    out = StringIO()
    call_command("run_exports", "--no-studies", stdout=out)
    assert out.getvalue() == ""


def test_a_consent_withdrawn_is_never_shown_stale(cohort, researcher, sokha):
    project = project_for(researcher)
    client = client_for(researcher)
    url = reverse("research:study", args=[project.code])
    assert client.get(url).context["study"].women == 6
    case_actions.do_withdraw_consent(
        cohort[0].consents.get(purpose="research"), on=NOW.date(), note="", actor=sokha
    )
    page = client.get(url)  # within the stale limit, but under another consent state
    assert page.context["study"].women == 5 and not page.context["stale"]


def test_the_stored_numbers_are_shown_in_her_language(cohort, researcher):
    project = project_for(researcher)
    url = reverse("research:study", args=[project.code])
    client_for(researcher).get(url)  # counted and stored in English
    researcher.language = "km"
    researcher.save(update_fields=["language"])
    html = client_for(researcher).get(url).content.decode()
    infant = Factor.objects.get(code="P_INFANT_AGE")
    assert infant.label_km in html and infant.label_en not in html


def test_numbers_stored_by_an_older_komar_are_counted_again(cohort, researcher):
    project = project_for(researcher)
    client = client_for(researcher)
    url = reverse("research:study", args=[project.code])
    client.get(url)
    StoredStudy.objects.filter(project=project).update(value=b"not a pickle")
    assert client.get(url).context["study"].women == 6
    assert study._load(StoredStudy.objects.get(project=project)) is not None


def test_the_data_key_follows_every_audited_write(db):
    from komar.audit.models import AuditEntry

    before = study.data_key()
    assert study.data_key() == before
    AuditEntry.objects.create(
        action=AuditEntry.Action.CHANGE, object_type="cases.mother", object_code="x"
    )
    assert study.data_key() != before
