"""Choosing the measures to pursue and correcting a screening: only what changed is written and
audited, the candidates are judged again on her file as it is, and two people saving at once
never silently overwrite each other."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from komar.accounts.models import Role
from komar.audit.models import AuditEntry
from komar.cases.actions import EditConflict, InvalidAction
from komar.conftest import client_for, make_user
from komar.legal.models import LegalCase, Screening
from komar.legal.screening_actions import do_change_screening
from komar.legal.tests.test_screening_new import (
    answers,
    candidate,
    care_fields,
    care_rows,
    screened,
)


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def screening(vicheka, sophea, shares_with_legal_aid) -> Screening:
    return screened(sophea, vicheka)


def choose_url(screening: Screening) -> str:
    return reverse("legal:screening_choose", args=[screening.code])


def edit_url(screening: Screening) -> str:
    return reverse("legal:screening_edit", args=[screening.code])


def edit_data(screening: Screening, **overrides: Any) -> dict[str, Any]:
    data = answers(**{name: getattr(screening, name) for name in answers()})
    data["screened_on"] = screening.screened_on.isoformat()
    data.update(care_fields(data.pop("care")))
    return {**data, "version": str(screening.version), **overrides}


def changes(screening: Screening):
    return AuditEntry.objects.filter(object_code=str(screening.code), action="change")


def test_the_choice_page_shows_each_measure_with_its_verdict(vicheka, screening) -> None:
    html = client_for(vicheka).get(choose_url(screening)).content.decode()
    assert "Choose the measures to pursue" in html
    row = html[html.index('value="judicial_supervision"') :]
    assert row.index("Applies") < row.index("</label>")
    assert 'name="version" value="1"' in html
    assert 'data-measure="judicial_supervision" data-verdict="applies"' in html


def test_choosing_a_measure_saves_it_with_the_reason_and_audits_the_field_names(
    vicheka, sophea, screening
) -> None:
    response = client_for(vicheka).post(
        choose_url(screening),
        {
            "chosen": ["judicial_supervision", "drug_treatment"],
            "chosen_reason": "A first offence; she breastfeeds Vichet.",
            "version": "1",
        },
    )
    assert response.status_code == 302 and response.url == screening.get_absolute_url()
    screening.refresh_from_db()
    # In the order of the measures, whatever the order ticked.
    assert screening.chosen == ["judicial_supervision", "drug_treatment"]
    assert screening.chosen_reason == "A first offence; she breastfeeds Vichet."
    assert screening.version == 2
    entry = changes(screening).get()
    assert entry.fields == ["chosen", "chosen_reason"] and entry.actor == vicheka
    assert entry.mother == sophea
    html = client_for(vicheka).get(screening.get_absolute_url()).content.decode()
    chosen = html[html.index('id="chosen"') : html.index('id="candidates"')]
    assert "Release under judicial supervision" in chosen
    assert "Referral to community drug treatment" in chosen
    assert "A first offence; she breastfeeds Vichet." in chosen


def test_a_measure_chosen_needs_a_reason(vicheka, screening) -> None:
    response = client_for(vicheka).post(
        choose_url(screening), {"chosen": ["release"], "chosen_reason": " ", "version": "1"}
    )
    assert response.status_code == 200
    assert "Say why you chose these measures." in response.content.decode()
    screening.refresh_from_db()
    assert screening.chosen == [] and screening.version == 1
    with pytest.raises(InvalidAction):
        do_change_screening(
            screening,
            {"chosen": ["release"], "chosen_reason": ""},
            expected_version=1,
            actor=screening.screened_by,
        )


def test_a_correction_judges_the_candidates_again(vicheka, sophea, screening) -> None:
    assert candidate(screening, "judicial_supervision")["verdict"] == "applies"
    # Since the screening, her legal case says the offence was violent.
    LegalCase.objects.create(
        episode=sophea.latest_episode, mother=sophea, offence_class="felony", is_violent=True
    )
    response = client_for(vicheka).post(
        edit_url(screening), edit_data(screening, guarantor="no", guarantor_note="")
    )
    assert response.status_code == 302
    screening.refresh_from_db()
    assert screening.guarantor == "no" and screening.version == 2
    supervision = candidate(screening, "judicial_supervision")
    assert supervision["verdict"] == "cannot_tell"
    assert ["Violent offence", {"msg": "Yes"}] in supervision["reasons"]
    assert candidate(screening, "immediate_appearance")["verdict"] == "does_not_apply"
    entry = changes(screening).get()
    assert entry.fields == ["candidates", "guarantor", "guarantor_note"]


def test_saving_without_a_change_writes_nothing(vicheka, screening) -> None:
    assert client_for(vicheka).post(edit_url(screening), edit_data(screening)).status_code == 302
    screening.refresh_from_db()
    assert screening.version == 1 and not changes(screening).exists()


def test_the_date_rules_hold_for_a_correction(vicheka, screening) -> None:
    response = client_for(vicheka).post(
        edit_url(screening), edit_data(screening, screened_on="2026-03-25")
    )
    assert response.status_code == 200
    assert "This date is in the future." in response.content.decode()
    screening.refresh_from_db()
    assert screening.screened_on == dt.date(2026, 3, 18)


def test_a_concurrent_choice_is_shown_and_nothing_is_lost(vicheka, legal_aid, screening):
    colleague = make_user("bopha", legal_aid, Role.LEGAL_OFFICER, [])
    # Both open the choice at version 1; her colleague saves first.
    do_change_screening(
        screening,
        {"chosen": ["release"], "chosen_reason": "No reason for detention holds."},
        expected_version=1,
        actor=colleague,
    )
    typed = {
        "chosen": ["judicial_supervision"],
        "chosen_reason": "She can report to the police weekly.",
        "version": "1",
    }
    response = client_for(vicheka).post(choose_url(screening), typed)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved this record while you were editing" in html
    assert "Bopha saved it at" in html
    assert "Release, no conditions" in html[html.index('id="conflict"') :]  # what she saved
    assert "No reason for detention holds." in html
    assert "She can report to the police weekly." in html  # what she typed is still there
    assert 'name="version" value="2"' in html
    screening.refresh_from_db()
    assert screening.chosen == ["release"] and screening.version == 2
    # Saving again, with the differences in front of her, keeps her choice on purpose.
    assert client_for(vicheka).post(choose_url(screening), {**typed, "version": "2"}).status_code
    screening.refresh_from_db()
    assert screening.chosen == ["judicial_supervision"] and screening.version == 3


def test_a_concurrent_correction_is_shown_with_status_409(vicheka, screening) -> None:
    opened = edit_data(screening)
    do_change_screening(
        screening, {"stable_address": "no"}, expected_version=1, actor=screening.screened_by
    )
    response = client_for(vicheka).post(edit_url(screening), {**opened, "health_note": "Fever."})
    html = response.content.decode()
    assert response.status_code == 409
    conflict = html[
        html.index('id="conflict"') : html.index("</section>", html.index('id="conflict"'))
    ]
    assert "Has she a stable address?" in conflict and "No" in conflict
    assert "Fever." in html
    screening.refresh_from_db()
    assert screening.health_note != "Fever." and screening.stable_address == "no"


def test_the_action_refuses_a_stale_version(vicheka, screening) -> None:
    do_change_screening(screening, {"health_note": "One"}, expected_version=1, actor=vicheka)
    with pytest.raises(EditConflict):
        do_change_screening(screening, {"health_note": "Two"}, expected_version=1, actor=vicheka)
    assert Screening.objects.get().health_note == "One"


def test_only_the_screening_organisation_changes_it(sokha, dara, vicheka, screening) -> None:
    # The woman's own NGO reads the screening but did not make it.
    for user in (sokha, dara):
        client = client_for(user)
        assert client.get(screening.get_absolute_url()).status_code == 200
        assert client.get(choose_url(screening)).status_code == 403
        assert client.post(edit_url(screening), edit_data(screening)).status_code == 403
        html = client.get(screening.get_absolute_url()).content.decode()
        assert reverse("legal:screening_choose", args=[screening.code]) not in html
    html = client_for(vicheka).get(screening.get_absolute_url()).content.decode()
    assert reverse("legal:screening_choose", args=[screening.code]) in html


def test_a_correction_of_who_would_care_changes_the_reasons_and_is_audited(
    vicheka, sophea, screening
) -> None:
    supervision = dict(candidate(screening, "judicial_supervision")["reasons"])
    assert "Children with no alternative care if she stays detained" not in supervision
    rows = care_rows(sophea, vichet=("institution", "", ""), dara=("grandparent", "Yim Sam", ""))
    response = client_for(vicheka).post(
        edit_url(screening), edit_data(screening, **care_fields(rows))
    )
    assert response.status_code == 302
    screening.refresh_from_db()
    assert screening.care == rows and screening.version == 2
    for measure in ("release", "judicial_supervision"):
        reasons = dict(candidate(screening, measure)["reasons"])
        assert reasons["Children with no alternative care if she stays detained"] == {
            "text": "Sok Vichet"
        }
    assert changes(screening).get().fields == ["candidates", "care"]
    # The correction page shows the rows as saved.
    html = client_for(vicheka).get(edit_url(screening)).content.decode()
    assert 'name="care-1-carer_name" value="Yim Sam"' in html
    assert '<option value="institution" selected>' in html


def test_a_concurrent_correction_keeps_the_care_rows_typed(vicheka, sophea, screening) -> None:
    rows = care_rows(sophea, vichet=("no_one", "", "Typed"), dara=("grandparent", "Yim Sam", ""))
    opened = edit_data(screening, **care_fields(rows))
    do_change_screening(
        screening, {"stable_address": "no"}, expected_version=1, actor=screening.screened_by
    )
    response = client_for(vicheka).post(edit_url(screening), opened)
    html = response.content.decode()
    assert response.status_code == 409
    assert 'name="care-0-note" value="Typed"' in html
    screening.refresh_from_db()
    assert screening.care == [] and screening.version == 2
