"""The session page: everything recorded, the facts as told that day, audited as a view."""

import datetime as dt

import pytest
from django.urls import reverse

from komar.audit.models import AuditEntry
from komar.conftest import client_for
from komar.counselling.actions import do_record_session
from komar.counselling.models import Factor


def record(sokha, mother, **data):
    inside = mother.children.get(name_latin="Sok Vichet")
    outside = mother.children.get(name_latin="Sok Dara")
    bond = Factor.objects.get(code="P_MOTHER_CHILD_BOND")
    poor = Factor.objects.get(code="E_RELATIVES_UNABLE_OR_POOR")
    return do_record_session(
        mother,
        {
            "held_on": dt.date(2026, 3, 2),
            "stage": "in_custody",
            "with_lawyer": True,
            "options_discussed": ["with_mother", "relative"],
            "topics_given": ["food_allowance", "visiting"],
            "mothers_words": "I want to keep him with me until he is two.",
            "preference": "with_mother",
            "review_on": dt.date(2026, 5, 29),
            **data,
        },
        factors=[bond, poor],
        main_factor=bond,
        decisions=[
            {
                "child": inside,
                "decision": "with_mother",
                "decided_by": "mother",
                "carer_name": "",
                "notes": "",
            },
            {
                "child": outside,
                "decision": data.get("preference", "relative"),
                "decided_by": "others_with_wish",
                "carer_name": "Yim Sam",
                "notes": "",
            },
        ],
        actor=sokha,
    )


@pytest.fixture
def session(sokha, sophea, siem_reap):
    siem_reap.visiting_en = "Family visits on Tuesdays and Fridays."
    siem_reap.save(update_fields=["visiting_en"])
    return record(sokha, sophea)


def test_it_shows_everything_recorded(sokha, session) -> None:
    html = client_for(sokha).get(session.get_absolute_url()).content.decode()
    assert "Counselling session of 2 Mar 2026" in html
    assert "In custody" in html
    assert "a lawyer" in html
    assert "Stays with the mother in the facility" in html
    assert "With a named relative" in html
    assert "Food allowance per child per day" in html
    assert "I want to keep him with me until he is two." in html
    assert "Sok Vichet" in html and "Sok Dara" in html and "Yim Sam" in html
    assert "Others, in line with her wish" in html
    assert "29 May 2026" in html  # the review date
    assert "Sokha" in html  # the counsellor


def test_it_marks_the_main_factor(sokha, session) -> None:
    html = client_for(sokha).get(session.get_absolute_url()).content.decode()
    bond = html.index('data-factor="P_MOTHER_CHILD_BOND"')
    poor = html.index('data-factor="E_RELATIVES_UNABLE_OR_POOR"')
    main = html.index("The main one", bond)
    assert bond < main < poor  # personal factors first; the mark is on the main one


def test_it_shows_the_facts_as_told_that_day(sokha, session, siem_reap) -> None:
    siem_reap.food_allowance_riel = 2500
    siem_reap.visiting_en = "No visits this month."
    siem_reap.save(update_fields=["food_allowance_riel", "visiting_en"])
    html = client_for(sokha).get(session.get_absolute_url()).content.decode()
    assert "Siem Reap Provincial Prison, as recorded on 2 Mar 2026." in html
    assert "1,750 riel" in html
    assert "Family visits on Tuesdays and Fridays." in html
    assert "2,500" not in html
    assert "No visits this month." not in html


def test_it_links_to_the_printed_summary_in_both_languages_and_the_sheet(
    sokha, session, siem_reap
) -> None:
    html = client_for(sokha).get(session.get_absolute_url()).content.decode()
    summary = reverse("counselling:session_summary_pdf", args=[session.code])
    assert f'href="{summary}"' in html
    assert f'href="{summary}?language=en"' in html
    assert reverse("counselling:facility_sheet_pdf", args=[siem_reap.code]) in html


def test_it_audits_the_opening_as_a_view(sokha, session) -> None:
    client_for(sokha).get(session.get_absolute_url(), REMOTE_ADDR="10.0.0.7")
    entry = AuditEntry.objects.get(action="view", object_type="counselling.counsellingsession")
    assert entry.actor == sokha
    assert entry.mother == session.mother
    assert entry.object_code == str(session.code)
    assert entry.ip_address == "10.0.0.7"


def test_it_flags_a_residential_institution(sokha, sophea) -> None:
    session = record(
        sokha,
        sophea,
        preference="institution",
        institution_justification="No relative can care for her.",
    )
    html = client_for(sokha).get(session.get_absolute_url()).content.decode()
    assert 'data-flag="institution_proposed"' in html
    assert "a best-interests determination is required" in html
    assert "No relative can care for her." in html


def test_it_raises_no_flag_for_family_based_care(sokha, session) -> None:
    html = client_for(sokha).get(session.get_absolute_url()).content.decode()
    assert 'data-flag="institution_proposed"' not in html


def test_it_reads_in_khmer(sokha, session) -> None:
    sokha.language = "km"
    sokha.save(update_fields=["language"])
    html = client_for(sokha).get(session.get_absolute_url()).content.decode()
    assert Factor.objects.get(code="P_MOTHER_CHILD_BOND").label_km in html
    assert "សុខ វិចិត្រ" in html
