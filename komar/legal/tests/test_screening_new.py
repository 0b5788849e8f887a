"""Screening a woman from her file: the page shows what her file records and asks the rest; the
screening is saved with the candidate measures as the rules judged them, audited, and resolves
her flag. A woman a screening is not for is refused, with the reasons.

The helpers here (`answers`, `screened`) are shared by the other screening tests."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse

from komar.accounts.models import User
from komar.audit.models import AuditEntry
from komar.cases.actions import (
    DatesRefused,
    InvalidAction,
    do_add_child,
    do_change_episode,
    do_change_mother,
    do_release_mother,
)
from komar.cases.models import Finding, Mother
from komar.conftest import child_with_grandmother, client_for, register
from komar.legal.models import DetentionOrder, LegalCase, Screening
from komar.legal.screening_actions import NotEligible, do_record_screening

TODAY = dt.date(2026, 3, 20)


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC), tick=False)


def answers(**overrides: Any) -> dict[str, Any]:
    """What a legal officer answers on the screening page, as the action receives it."""
    return {
        "screened_on": dt.date(2026, 3, 18),
        "grounds_claimed": ["appearance"],
        "stable_address": "yes",
        "address_note": "Her mother's house, Svay Dangkum, Siem Reap",
        "guarantor": "yes",
        "guarantor_note": "Her brother Sok Chea, a teacher, 012 111 222",
        "drug_treatment_need": "no",
        "health_note": "Anaemia, treated at the prison clinic.",
        "care": [],
        "care_note": "The grandmother already cares for Sok Dara.",
        "obligations": ["keep_residence", "report"],
        "obligations_note": "Her mother's house; the police post every week.",
        **overrides,
    }


def care_fields(rows: list[dict[str, str]], initial: int = 0) -> dict[str, Any]:
    """The care rows as the page's formset posts them."""
    data: dict[str, Any] = {
        "care-TOTAL_FORMS": str(len(rows)),
        "care-INITIAL_FORMS": str(initial),
        "care-MIN_NUM_FORMS": "0",
        "care-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        for key in ("child", "arrangement", "carer_name", "note"):
            data[f"care-{n}-{key}"] = row.get(key, "")
    return data


def form_data(**overrides: Any) -> dict[str, Any]:
    """The same answers as the page posts them."""
    data = answers(**overrides)
    data["screened_on"] = data["screened_on"].isoformat()
    data.update(care_fields(data.pop("care")))
    return data


def screened(mother: Mother, actor: User, **overrides: Any) -> Screening:
    return do_record_screening(mother, answers(**overrides), actor=actor)


def url(mother: Mother) -> str:
    return reverse("legal:screening_new", args=[mother.code])


def candidate(screening: Screening, measure: str) -> dict[str, Any]:
    return next(c for c in screening.candidates if c["measure"] == measure)


def test_the_page_shows_what_her_file_records_and_what_is_missing(
    vicheka, sophea, shares_with_legal_aid
) -> None:
    html = client_for(vicheka).get(url(sophea)).content.decode()
    assert "Screen her for diversion" in html
    recorded = html[html.index('id="recorded"') : html.index('id="when"')]
    assert "Siem Reap Provincial Prison" in recorded and "Pre-trial detention" in recorded
    assert "Sok Vichet" in recorded and "14 months old" in recorded
    assert "With the mother in the facility" in recorded
    assert "Sok Dara" in recorded and "Yim Sam (grandmother)" in recorded
    assert "No lawyer recorded" in recorded
    # Nothing of her legal case yet: the page says what the rules will miss.
    missing = recorded[recorded.index('id="missing"') :]
    assert "the class of the offence (her legal case)" in missing
    assert "whether this is her first offence (her details)" in missing
    assert reverse("legal:case_edit", args=[sophea.latest_episode.code]) in missing
    assert reverse("cases:mother_edit", args=[sophea.code]) in missing
    # A row to complete for each child, and today's date.
    vichet, dara = sophea.children.order_by("-date_of_birth")
    care = html[html.index('id="care"') : html.index('id="health"')]
    assert care.index("Sok Vichet") < care.index("Sok Dara")
    assert f'name="care-0-child" value="{vichet.code}"' in care
    assert f'name="care-1-child" value="{dara.code}"' in care
    assert 'name="care-TOTAL_FORMS" value="2"' in care
    assert 'value="no_one"' in care and 'value="institution"' in care
    # The obligations of judicial supervision, to tick.
    assert 'name="obligations" value="keep_residence"' in html
    assert 'name="screened_on_day" value="20"' in html
    # Opening it shows her children: a view of her file.
    assert AuditEntry.objects.filter(action="view", mother=sophea, actor=vicheka).exists()


def test_the_grounds_of_her_detention_order_are_ticked_to_start_with(
    vicheka, sophea, shares_with_legal_aid
) -> None:
    case = LegalCase.objects.create(episode=sophea.latest_episode, mother=sophea)
    DetentionOrder.objects.create(
        legal_case=case,
        kind="order",
        ordered_on=dt.date(2026, 1, 12),
        term_months=4,
        grounds=["evidence", "appearance"],
        recorded_by=vicheka,
    )
    html = client_for(vicheka).get(url(sophea)).content.decode()
    boxes = re.findall(r'<input type="checkbox" name="grounds_claimed" value="(\w+)"[^>]*>', html)
    ticked = re.findall(r'name="grounds_claimed" value="(\w+)"[^>]* checked>', html)
    assert len(boxes) == 6
    assert ticked == ["evidence", "appearance"]  # in the order of art. 205


def test_it_records_the_screening_with_the_candidates_and_audits_it(
    vicheka, sophea, shares_with_legal_aid
) -> None:
    response = client_for(vicheka).post(url(sophea), form_data(), REMOTE_ADDR="10.1.2.3")
    screening = Screening.objects.get()
    assert response.status_code == 302 and response.url == screening.get_absolute_url()
    assert screening.mother == sophea and screening.episode == sophea.latest_episode
    assert screening.screened_by == vicheka and screening.screened_on == dt.date(2026, 3, 18)
    assert screening.grounds_claimed == ["appearance"] and screening.chosen == []
    measures = [c["measure"] for c in screening.candidates]
    assert measures == [
        "release",
        "judicial_supervision",
        "immediate_appearance",
        "suspended_sentence",
        "community_service",
        "early_release",
        "pardon",
        "drug_treatment",
    ]
    supervision = candidate(screening, "judicial_supervision")
    assert supervision["rule"] == "measure_judicial_supervision" and supervision["version"] == 2
    assert supervision["verdict"] == "applies"
    assert ["A stable address", {"msg": "Yes"}] in supervision["reasons"]
    assert supervision["basis"].startswith("Code of Criminal Procedure 2007, arts. 203-205")
    assert supervision["judged_on"] == "2026-03-20"
    entry = AuditEntry.objects.get(action="create", object_code=str(screening.code))
    assert entry.actor == vicheka and entry.mother == sophea and entry.ip_address == "10.1.2.3"
    assert "candidates" in entry.fields and "obligations" in entry.fields
    assert "chosen" not in entry.fields  # nothing chosen yet


def test_a_screening_resolves_her_flag(vicheka, sophea, shares_with_legal_aid) -> None:
    flag = Finding.objects.get(mother=sophea, rule_code="screening_overdue")
    assert flag.is_open
    screened(sophea, vicheka)
    flag.refresh_from_db()
    assert not flag.is_open and flag.resolution == Finding.Resolution.NO_LONGER_APPLIES


def test_a_required_answer_left_empty_is_shown_and_nothing_is_saved(
    vicheka, sophea, shares_with_legal_aid
) -> None:
    response = client_for(vicheka).post(url(sophea), form_data(stable_address="", guarantor=""))
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 answers need correcting" in html
    assert not Screening.objects.exists()


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("2026-03-21", "This date is in the future."),
        ("2026-01-09", "A screening of this custody cannot be dated before her admission"),
    ],
)
def test_the_date_rules_hold(vicheka, sophea, shares_with_legal_aid, day, message) -> None:
    response = client_for(vicheka).post(url(sophea), {**form_data(), "screened_on": day})
    assert message in response.content.decode()
    assert not Screening.objects.exists()
    with pytest.raises(DatesRefused):
        screened(sophea, vicheka, screened_on=dt.date.fromisoformat(day))


def test_a_woman_released_is_refused_with_the_reason(vicheka, sokha, sophea, shares_with_legal_aid):
    do_release_mother(sophea, on=dt.date(2026, 3, 10), release_kind="bail", actor=sokha)
    client = client_for(vicheka)
    for response in (client.get(url(sophea)), client.post(url(sophea), form_data())):
        html = response.content.decode()
        assert response.status_code == 200
        assert "No diversion screening for her now" in html
        assert "She is not in custody now." in html
        assert "screened_on" not in html  # no form
    assert not Screening.objects.exists()
    with pytest.raises(NotEligible) as refused:
        screened(sophea, vicheka)
    assert refused.value.reasons == ["She is not in custody now."]


def test_a_sentenced_woman_without_children_is_refused_with_both_reasons(sokha, siem_reap):
    mother = register(sokha, siem_reap, name_latin="Keo Mala", children=[])
    episode = mother.latest_episode
    do_change_episode(
        episode, {"legal_status": "sentenced"}, expected_version=episode.version, actor=sokha
    )
    html = client_for(sokha).get(url(mother)).content.decode()
    assert "Her legal status is “Sentenced”" in html
    assert "She is not recorded as pregnant or breastfeeding" in html
    assert not Screening.objects.exists()


def test_a_pregnant_woman_with_no_child_is_screened(sokha, siem_reap) -> None:
    mother = register(sokha, siem_reap, name_latin="Keo Mala", children=[])
    assert (
        "No diversion screening for her now" in client_for(sokha).get(url(mother)).content.decode()
    )
    do_change_mother(
        mother,
        {"is_pregnant": True, "expected_delivery_date": dt.date(2026, 6, 1)},
        expected_version=mother.version,
        actor=sokha,
    )
    mother.refresh_from_db()
    response = client_for(sokha).post(url(mother), form_data(care_note=""))
    assert response.status_code == 302
    screening = Screening.objects.get(mother=mother)
    facts = dict(candidate(screening, "release")["reasons"])
    assert facts["Pregnant"] == {"msg": "Yes"} and facts["Children under 18"] == {"number": 0}


def test_her_child_over_18_does_not_make_her_eligible(sokha, siem_reap) -> None:
    grown = child_with_grandmother(born=dt.date(2007, 6, 1))
    mother = register(sokha, siem_reap, date_of_birth=dt.date(1985, 1, 1), children=[grown])
    html = client_for(sokha).get(url(mother)).content.decode()
    assert "No diversion screening for her now" in html


def care_rows(mother: Mother, **by_name: tuple[str, str, str]) -> list[dict[str, str]]:
    """Care rows for her children by first name: (arrangement, carer's name, note)."""
    rows = []
    for child in mother.children.order_by("-date_of_birth"):
        arrangement, name, note = by_name[child.name_latin.split()[-1].lower()]
        rows.append(
            {"child": str(child.code), "arrangement": arrangement, "carer_name": name, "note": note}
        )
    return rows


def test_it_saves_who_would_care_for_each_child_and_the_rules_name_the_child_without_care(
    vicheka, sophea, shares_with_legal_aid
) -> None:
    rows = care_rows(
        sophea,
        vichet=("no_one", "", "The father left."),
        dara=("grandparent", "Yim Sam", "Willing; she already keeps Dara."),
    )
    response = client_for(vicheka).post(url(sophea), form_data(care=rows))
    screening = Screening.objects.get()
    assert response.status_code == 302
    assert screening.care == rows
    assert screening.care_note == "The grandmother already cares for Sok Dara."
    assert screening.obligations == ["keep_residence", "report"]
    for measure in ("release", "judicial_supervision"):
        reasons = dict(candidate(screening, measure)["reasons"])
        assert reasons["Children with no alternative care if she stays detained"] == {
            "text": "Sok Vichet"
        }
    supervision = dict(candidate(screening, "judicial_supervision")["reasons"])
    assert supervision["Obligations she can meet"] == {
        "msgs": [
            "To live at a fixed address and not move without the judge's permission",
            "To report to the police or gendarmerie unit the judge names",
        ]
    }
    assert supervision["Other conditions or details"] == {
        "text": "Her mother's house; the police post every week."
    }
    # Shown on the screening's page.
    html = client_for(vicheka).get(screening.get_absolute_url()).content.decode()
    care = html[html.index('<dd id="care">') :]
    assert "<strong>Sok Vichet</strong>: No one identified · The father left." in care
    assert "<strong>Sok Dara</strong>: A grandparent · Yim Sam · Willing" in care
    assert "Children with no alternative care if she stays detained" in html
    assert "To report to the police or gendarmerie unit the judge names" in html


def test_a_child_with_care_found_is_not_named(vicheka, sophea, shares_with_legal_aid) -> None:
    rows = care_rows(sophea, vichet=("father", "Sok Chea", ""), dara=("grandparent", "", ""))
    client_for(vicheka).post(url(sophea), form_data(care=rows))
    reasons = dict(candidate(Screening.objects.get(), "judicial_supervision")["reasons"])
    assert "Children with no alternative care if she stays detained" not in reasons


def test_a_child_not_hers_is_refused_and_nothing_is_lost(
    vicheka, sokha, siem_reap, sophea, shares_with_legal_aid
) -> None:
    other = register(sokha, siem_reap, name_latin="Keo Mala", children=[child_with_grandmother()])
    stranger = other.children.get()
    rows = care_rows(sophea, vichet=("no_one", "", ""), dara=("grandparent", "Yim Sam", "x"))
    rows[1]["child"] = str(stranger.code)
    response = client_for(vicheka).post(url(sophea), form_data(care=rows))
    html = response.content.decode()
    assert response.status_code == 200 and not Screening.objects.exists()
    assert "This child is not one of her children under 18. Open the page again." in html
    # What she typed is still there.
    assert "Her mother&#x27;s house; the police post every week." in html
    assert 'name="care-1-carer_name" value="Yim Sam"' in html


def test_the_action_refuses_a_child_not_hers(
    vicheka, sokha, siem_reap, sophea, shares_with_legal_aid
):
    other = register(sokha, siem_reap, name_latin="Keo Mala", children=[child_with_grandmother()])
    row = {"child": str(other.children.get().code), "arrangement": "no_one"}
    with pytest.raises(InvalidAction):
        screened(sophea, vicheka, care=[row])
    assert not Screening.objects.exists()


def test_an_unknown_obligation_is_refused(vicheka, sophea, shares_with_legal_aid) -> None:
    response = client_for(vicheka).post(url(sophea), form_data(obligations=["report", "exile"]))
    html = response.content.decode()
    assert response.status_code == 200 and not Screening.objects.exists()
    assert "Select a valid choice. exile is not one of the available choices." in html
    assert 'href="#id_obligations_0"' in html  # in the error summary, linked to the boxes
    with pytest.raises(InvalidAction):
        screened(sophea, vicheka, obligations=["exile"])


def test_the_screening_pages_read_in_a_fixed_number_of_queries_whatever_the_children(
    vicheka, sokha, sophea, shares_with_legal_aid
) -> None:
    """The care rows cost one query on the screening's page, however many children."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counted(screening: Screening) -> tuple[int, int]:
        client = client_for(vicheka)
        client.get(screening.get_absolute_url())  # the session and the user, read once
        with CaptureQueriesContext(connection) as detail:
            assert client.get(screening.get_absolute_url()).status_code == 200
        edit = reverse("legal:screening_edit", args=[screening.code])
        client.get(edit)
        with CaptureQueriesContext(connection) as form:
            assert client.get(edit).status_code == 200
        return len(detail), len(form)

    one = screened(
        sophea, vicheka, care=care_rows(sophea, vichet=("no_one", "", ""), dara=("", "", ""))[:1]
    )
    child, placement = child_with_grandmother(born=dt.date(2018, 3, 1))
    do_add_child(
        sophea, {**child, "name_latin": "Sok Rina", "name_km": "សុខ រីណា"}, placement, actor=sokha
    )
    rows = care_rows(
        sophea, vichet=("no_one", "", ""), dara=("grandparent", "", ""), rina=("relative", "", "")
    )
    three = screened(sophea, vicheka, care=rows)
    assert len(three.care) == 3
    assert counted(one) == counted(three)
