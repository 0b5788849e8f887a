"""Correcting a counselling session: every field, the factors and each child's decision, audited,
and a concurrent correction never silently overwritten."""

import datetime as dt

import pytest
from django.urls import reverse

from komar.audit.models import AuditEntry
from komar.conftest import client_for
from komar.counselling.actions import do_change_session, do_record_session
from komar.counselling.models import ChildDecision, Factor
from komar.counselling.tests.test_session_new import children, factor, form_data


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def session(sokha, sophea):
    inside, outside = children(sophea)
    bond = factor("P_MOTHER_CHILD_BOND")
    return do_record_session(
        sophea,
        {
            "held_on": dt.date(2026, 3, 16),
            "stage": "in_custody",
            "mothers_words": "ខ្ញុំចង់នៅជាមួយកូន",
            "preference": "with_mother",
            "review_on": dt.date(2026, 6, 14),
        },
        factors=[bond],
        main_factor=bond,
        decisions=[
            {"child": inside, "decision": "with_mother", "decided_by": "mother"},
            {"child": outside, "decision": "relative", "decided_by": "mother"},
        ],
        actor=sokha,
    )


def url(session):
    return reverse("counselling:session_edit", args=[session.code])


def edit_data(sophea, session, **overrides):
    data = form_data(sophea, version=str(session.version))
    data.update(overrides)
    return data


def test_the_form_opens_with_what_was_recorded_and_is_audited_as_a_view(
    sokha, sophea, session
) -> None:
    html = client_for(sokha).get(url(session)).content.decode()
    assert "Correct the counselling session" in html
    assert "ខ្ញុំចង់នៅជាមួយកូន" in html
    assert 'name="version" value="1"' in html
    bond = factor("P_MOTHER_CHILD_BOND")
    assert f'name="factors" value="{bond.pk}" id="id_factors_' in html
    assert 'value="relative" selected' in html
    assert AuditEntry.objects.filter(action="view", object_code=str(session.code)).exists()


def test_it_corrects_fields_factors_and_decisions_and_audits_each(sokha, sophea, session) -> None:
    _inside, outside = children(sophea)
    no_carer = factor("E_NO_ALTERNATIVE_CARER")
    data = edit_data(
        sophea,
        session,
        review_on="2026-05-30",
        factors=[str(no_carer.pk)],
        main_factor=str(no_carer.pk),
        **{
            f"child-{outside.code}-decision": "father",
            f"child-{outside.code}-carer_name": "Sok Heng",
            f"child-{outside.code}-notes": "",
        },
    )
    data["options_discussed"] = ["with_mother", "relative"]
    response = client_for(sokha).post(url(session), data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.version == 2
    assert session.review_on == dt.date(2026, 5, 30)
    assert [(sf.factor, sf.is_main) for sf in session.session_factors.all()] == [(no_carer, True)]
    decision = ChildDecision.objects.get(session=session, child=outside)
    assert (decision.decision, decision.carer_name) == ("father", "Sok Heng")
    change = AuditEntry.objects.get(action="change", object_code=str(session.code))
    assert {"review_on", "factors", "decisions"} <= set(change.fields)
    decision_change = AuditEntry.objects.get(action="change", object_code=str(decision.code))
    assert set(decision_change.fields) >= {"decision", "carer_name"}


def test_clearing_a_childs_decision_deletes_it_with_an_audit_entry(sokha, sophea, session):
    _inside, outside = children(sophea)
    gone = ChildDecision.objects.get(session=session, child=outside)
    data = edit_data(
        sophea,
        session,
        **{
            f"child-{outside.code}-decision": "",
            f"child-{outside.code}-decided_by": "",
            f"child-{outside.code}-carer_name": "",
            f"child-{outside.code}-notes": "",
        },
    )
    assert client_for(sokha).post(url(session), data).status_code == 302
    assert not ChildDecision.objects.filter(pk=gone.pk).exists()
    assert AuditEntry.objects.filter(action="delete", object_code=str(gone.code)).exists()


def test_the_facts_she_was_told_stay_as_they_were(sokha, sophea, session, siem_reap) -> None:
    told = session.facility_facts
    siem_reap.food_allowance_riel = 2500
    siem_reap.save(update_fields=["food_allowance_riel"])
    client_for(sokha).post(url(session), edit_data(sophea, session, review_on="2026-05-30"))
    session.refresh_from_db()
    assert session.facility_facts == told
    assert "1,750" in client_for(sokha).get(url(session)).content.decode()


def test_a_retired_factor_on_the_session_stays_offered(sokha, sophea, session) -> None:
    bond = Factor.objects.get(code="P_MOTHER_CHILD_BOND")
    bond.is_active = False
    bond.save(update_fields=["is_active"])
    html = client_for(sokha).get(url(session)).content.decode()
    assert bond.label_en in html


def test_bad_input_is_explained_and_nothing_is_saved(sokha, sophea, session) -> None:
    data = edit_data(sophea, session, review_on="2026-03-01", mothers_words="typed again")
    response = client_for(sokha).post(url(session), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The review date is before the session." in html
    assert "typed again" in html
    session.refresh_from_db()
    assert session.version == 1
    assert session.review_on == dt.date(2026, 6, 14)


def test_a_concurrent_correction_is_shown_and_never_overwritten(
    sokha, dara, sophea, session
) -> None:
    # Dara saved a correction after Sokha opened the form at version 1.
    bond = factor("P_MOTHER_CHILD_BOND")
    inside, outside = children(sophea)
    do_change_session(
        session,
        {
            "held_on": session.held_on,
            "stage": "in_custody",
            "review_on": dt.date(2026, 4, 30),
        },
        factors=[bond],
        main_factor=bond,
        decisions=[
            {"child": inside, "decision": "with_mother", "decided_by": "mother"},
            {"child": outside, "decision": "relative", "decided_by": "mother"},
        ],
        expected_version=1,
        actor=dara,
    )
    data = edit_data(sophea, session, review_on="2026-05-30", mothers_words="Sokha's words")
    response = client_for(sokha).post(url(session), data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved this record while you were editing" in html
    assert "Dara" in html
    assert "30 Apr 2026" in html  # what Dara saved, beside what Sokha typed
    assert "Sokha&#x27;s words" in html
    assert 'name="version" value="2"' in html
    session.refresh_from_db()
    assert session.review_on == dt.date(2026, 4, 30)
    # Saving again, with the differences in front of her, keeps her version.
    data["version"] = "2"
    assert client_for(sokha).post(url(session), data).status_code == 302
    session.refresh_from_db()
    assert session.review_on == dt.date(2026, 5, 30)
    assert session.version == 3


def test_the_session_page_offers_the_correction_only_to_its_organisation(
    sokha, vicheka, session
) -> None:
    assert (
        f'href="{url(session)}"'
        in client_for(sokha).get(session.get_absolute_url()).content.decode()
    )
    html = client_for(vicheka).get(session.get_absolute_url()).content.decode()
    assert f'href="{url(session)}"' not in html


def test_the_action_refuses_a_child_of_another_woman(sokha, sophea, session, siem_reap) -> None:
    from komar.conftest import child_inside, register
    from komar.counselling.actions import InvalidSession

    other = register(sokha, siem_reap, name_latin="Chan Thida", children=[child_inside()])
    with pytest.raises(InvalidSession):
        do_change_session(
            session,
            {"held_on": session.held_on, "stage": "in_custody", "review_on": session.review_on},
            factors=[],
            main_factor=None,
            decisions=[
                {"child": other.children.get(), "decision": "relative", "decided_by": "mother"}
            ],
            expected_version=1,
            actor=sokha,
        )
    session.refresh_from_db()
    assert session.version == 1
    assert session.decisions.count() == 2


def test_a_session_about_her_unborn_child_keeps_its_row_after_the_birth(
    sokha, sophea, siem_reap
) -> None:
    from komar.conftest import child_inside, register

    mother = register(
        sokha,
        siem_reap,
        name_latin="Mao Sreyneang",
        is_pregnant=True,
        expected_delivery_date=dt.date(2026, 5, 20),
        children=[child_inside()],
    )
    session = do_record_session(
        mother,
        {
            "held_on": dt.date(2026, 3, 16),
            "stage": "in_custody",
            "about_unborn_child": True,
            "review_on": dt.date(2026, 6, 14),
        },
        factors=[],
        main_factor=None,
        decisions=[{"child": None, "decision": "with_mother", "decided_by": "mother"}],
        actor=sokha,
    )
    mother.is_pregnant = False
    mother.save(update_fields=["is_pregnant"])
    html = client_for(sokha).get(url(session)).content.decode()
    assert 'name="unborn-decision"' in html
    assert 'name="about_unborn_child"' in html
