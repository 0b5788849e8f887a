"""Recording a counselling session: one form, a decision row per child, audited."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from komar.audit.models import AuditEntry
from komar.conftest import child_inside, client_for, register
from komar.counselling.models import ChildDecision, CounsellingSession, Factor, SessionFactor


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 16, 3, tzinfo=dt.UTC), tick=False)


def url(mother):
    return reverse("counselling:session_new", args=[mother.code])


def factor(code):
    return Factor.objects.get(code=code)


def children(mother):
    return (
        mother.children.get(name_latin="Sok Vichet"),  # inside with her
        mother.children.get(name_latin="Sok Dara"),  # with her grandmother
    )


def form_data(mother, **overrides):
    inside, outside = children(mother)
    bond, no_carer = factor("P_MOTHER_CHILD_BOND"), factor("E_NO_ALTERNATIVE_CARER")
    data = {
        "held_on": "2026-03-16",
        "stage": "in_custody",
        "with_prison_staff": "on",
        "participants_note": "her sister by phone",
        "options_discussed": ["with_mother", "relative", "institution"],
        "topics_given": ["food_allowance", "stay_limit"],
        "factors": [str(bond.pk), str(no_carer.pk)],
        "main_factor": str(bond.pk),
        "mothers_words": "ខ្ញុំចង់នៅជាមួយកូន. I want him close.",
        "preference": "with_mother",
        "institution_justification": "",
        "review_on": "2026-06-14",
        f"child-{inside.code}-decision": "with_mother",
        f"child-{inside.code}-decided_by": "mother",
        f"child-{inside.code}-carer_name": "",
        f"child-{inside.code}-notes": "",
        f"child-{outside.code}-decision": "relative",
        f"child-{outside.code}-decided_by": "others_with_wish",
        f"child-{outside.code}-carer_name": "Yim Sam",
        f"child-{outside.code}-notes": "stays with grandmother",
    }
    data.update(overrides)
    return data


def test_it_shows_a_decision_row_for_every_child_and_this_facilitys_facts(sokha, sophea):
    html = client_for(sokha).get(url(sophea)).content.decode()
    inside, outside = children(sophea)
    assert f'name="child-{inside.code}-decision"' in html
    assert f'name="child-{outside.code}-decision"' in html
    assert "Yim Sam" in html  # where the child outside lives now
    assert "What to tell her about Siem Reap Provincial Prison" in html
    assert "1,750 riel" in html
    assert "not recorded" in html  # health care, space, ... are blank in the seeded record
    sheet = reverse("counselling:facility_sheet_pdf", args=[sophea.latest_episode.facility.code])
    assert sheet in html
    # The session date defaults to today, the review date to today + 90 days (14 June).
    assert 'name="held_on_day" value="16"' in html
    assert 'name="review_on_day" value="14"' in html
    assert 'name="about_unborn_child"' not in html  # she is not pregnant
    assert 'data-child="unborn"' not in html


def test_it_offers_care_options_family_first_and_factors_grouped(sokha, sophea) -> None:
    html = client_for(sokha).get(url(sophea)).content.decode()
    assert html.index('value="with_mother"') < html.index('value="relative"')
    assert html.index('value="relative"') < html.index('value="institution"')
    personal = html.index(str(factor("P_INFANT_AGE").label_en))
    external = html.index(str(factor("E_NO_ALTERNATIVE_CARER").label_en))
    assert html.index('<th scope="col">Personal</th>') < personal < external
    assert html.index('<th scope="col">External</th>') < external


def test_it_leaves_retired_factors_out(sokha, sophea) -> None:
    retired = factor("E_NO_INFORMATION")
    retired.is_active = False
    retired.save(update_fields=["is_active"])
    html = client_for(sokha).get(url(sophea)).content.decode()
    assert retired.label_en not in html


def test_it_shows_factors_in_khmer_for_a_khmer_user(sokha, sophea) -> None:
    sokha.language = "km"
    sokha.save(update_fields=["language"])
    html = client_for(sokha).get(url(sophea)).content.decode()
    assert factor("P_BREASTFEEDING").label_km in html
    assert factor("P_BREASTFEEDING").label_en not in html


def test_it_audits_opening_the_form_as_a_view_of_her_file(sokha, sophea) -> None:
    client_for(sokha).get(url(sophea), REMOTE_ADDR="10.1.2.3")
    entry = AuditEntry.objects.get(action="view", object_code=str(sophea.code))
    assert entry.actor == sokha
    assert entry.ip_address == "10.1.2.3"


def test_it_records_the_session_factors_and_decisions(sokha, sophea) -> None:
    response = client_for(sokha).post(url(sophea), form_data(sophea))
    session = CounsellingSession.objects.get(mother=sophea)
    assert response.status_code == 302
    assert response.url == session.get_absolute_url()
    assert session.counsellor == sokha
    assert session.held_on == dt.date(2026, 3, 16)
    assert session.review_on == dt.date(2026, 6, 14)
    assert session.with_prison_staff and not session.with_lawyer
    assert session.options_discussed == ["with_mother", "relative", "institution"]
    assert session.topics_given == ["food_allowance", "stay_limit"]
    assert session.mothers_words.startswith("ខ្ញុំចង់នៅជាមួយកូន")
    assert session.preference == "with_mother"
    factors = SessionFactor.objects.filter(session=session)
    assert {sf.factor.code for sf in factors} == {"P_MOTHER_CHILD_BOND", "E_NO_ALTERNATIVE_CARER"}
    assert [sf.factor.code for sf in factors if sf.is_main] == ["P_MOTHER_CHILD_BOND"]
    inside, outside = children(sophea)
    decisions = {d.child: d for d in ChildDecision.objects.filter(session=session)}
    assert decisions[inside].decision == "with_mother"
    assert decisions[inside].decided_by == "mother"
    assert decisions[outside].decision == "relative"
    assert decisions[outside].carer_name == "Yim Sam"
    assert decisions[outside].notes == "stays with grandmother"


def test_it_audits_the_session_and_each_decision(sokha, sophea) -> None:
    client_for(sokha).post(url(sophea), form_data(sophea), REMOTE_ADDR="10.1.2.3")
    entries = AuditEntry.objects.filter(
        mother=sophea, action="create", object_type__startswith="counselling."
    )
    assert sorted(e.object_type for e in entries) == [
        "counselling.childdecision",
        "counselling.childdecision",
        "counselling.counsellingsession",
    ]
    assert {e.actor for e in entries} == {sokha}
    assert {e.ip_address for e in entries} == {"10.1.2.3"}
    session_entry = entries.get(object_type="counselling.counsellingsession")
    assert "mothers_words" in session_entry.fields
    assert "factors" in session_entry.fields
    # Field names only, never what she said or who cares for the child.
    for entry in entries:
        assert not any("Yim" in f or "ខ្ញុំ" in f for f in entry.fields)


def test_it_records_a_child_left_without_a_decision_as_no_row(sokha, sophea) -> None:
    _, outside = children(sophea)
    data = form_data(
        sophea,
        **{
            f"child-{outside.code}-decision": "",
            f"child-{outside.code}-carer_name": "",
            f"child-{outside.code}-notes": "",
        },
    )
    assert client_for(sokha).post(url(sophea), data).status_code == 302
    assert ChildDecision.objects.count() == 1


def test_it_copies_the_facility_facts_on_the_session(sokha, sophea, siem_reap) -> None:
    siem_reap.health_care_en = "A nurse visits twice a week."
    siem_reap.health_care_km = "គិលានុបដ្ឋាយិកាមកពីរដងក្នុងមួយសប្ដាហ៍។"
    siem_reap.save(update_fields=["health_care_en", "health_care_km"])
    client_for(sokha).post(url(sophea), form_data(sophea))
    session = CounsellingSession.objects.get(mother=sophea)
    assert session.facility == siem_reap
    assert session.facility_facts["en"]["food_allowance_riel"] == 1750
    assert session.facility_facts["en"]["health_care"] == "A nurse visits twice a week."
    assert session.facility_facts["km"]["health_care"].startswith("គិលានុបដ្ឋាយិកា")
    # What she was told stays as it was, whatever the record says later.
    siem_reap.food_allowance_riel = 2500
    siem_reap.save(update_fields=["food_allowance_riel"])
    session.refresh_from_db()
    assert session.facility_facts["en"]["food_allowance_riel"] == 1750


def checked(html, name, value):
    return re.search(rf'name="{name}" value="{value}"[^>]*checked', html) is not None


def assert_nothing_lost(html, sophea):
    _, outside = children(sophea)
    assert "I want him close." in html
    assert "her sister by phone" in html
    assert "Yim Sam" in html
    assert "stays with grandmother" in html
    assert checked(html, "topics_given", "stay_limit")
    assert checked(html, "factors", factor("E_NO_ALTERNATIVE_CARER").pk)
    assert re.search(
        rf'name="child-{outside.code}-decision"[^>]*>.*?<option value="relative" selected>',
        html,
        re.S,
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"held_on": "2026-03-17"}, "This date is in the future."),
        ({"review_on": "2026-03-15"}, "The review date is before the session."),
        ({"review_on": "2026-06-17"}, "Review the decision within three months of the session"),
        ({"review_on": "9999-12-31"}, "Review the decision within three months of the session"),
        ({"held_on": "2001-03-16"}, "This date is more than 10 years ago: check the year."),
        ({"review_on": ""}, "This field is required."),
        ({"stage": ""}, "This field is required."),
    ],
)
def test_it_refuses_wrong_dates_and_keeps_what_was_typed(sokha, sophea, overrides, message):
    response = client_for(sokha).post(url(sophea), form_data(sophea, **overrides))
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "Nothing you typed has been lost." in html
    assert_nothing_lost(html, sophea)
    assert not CounsellingSession.objects.exists()


def test_a_review_three_months_after_the_session_is_accepted(sokha, sophea) -> None:
    response = client_for(sokha).post(url(sophea), form_data(sophea, review_on="2026-06-16"))
    assert response.status_code == 302


def test_her_words_are_bounded(sokha, sophea) -> None:
    response = client_for(sokha).post(url(sophea), form_data(sophea, mothers_words="ក" * 5001))
    assert response.status_code == 200
    assert "Ensure this value has at most 5000 characters" in response.content.decode()
    assert not CounsellingSession.objects.exists()


def test_it_requires_at_least_one_decision(sokha, sophea) -> None:
    inside, outside = children(sophea)
    data = form_data(
        sophea,
        **{f"child-{inside.code}-decision": "", f"child-{outside.code}-decision": ""},
    )
    data[f"child-{outside.code}-carer_name"] = ""
    data[f"child-{outside.code}-notes"] = ""
    html = client_for(sokha).post(url(sophea), data).content.decode()
    assert "Record a decision for at least one child." in html
    assert "I want him close." in html
    assert not CounsellingSession.objects.exists()


def test_it_refuses_a_carer_typed_without_a_decision(sokha, sophea) -> None:
    _, outside = children(sophea)
    data = form_data(sophea, **{f"child-{outside.code}-decision": ""})
    html = client_for(sokha).post(url(sophea), data).content.decode()
    assert "Choose the decision, or clear the carer and notes of this row." in html
    assert "Yim Sam" in html
    assert not CounsellingSession.objects.exists()


def test_it_refuses_a_main_factor_that_is_not_ticked(sokha, sophea) -> None:
    data = form_data(sophea, main_factor=str(factor("P_BREASTFEEDING").pk))
    html = client_for(sokha).post(url(sophea), data).content.decode()
    assert "The main factor must be one of the factors ticked above." in html
    assert_nothing_lost(html, sophea)
    assert not CounsellingSession.objects.exists()


@pytest.mark.parametrize("where", ["preference", "decision"])
def test_it_requires_a_justification_for_an_institution(sokha, sophea, where) -> None:
    _, outside = children(sophea)
    if where == "preference":
        data = form_data(sophea, preference="institution")
    else:
        data = form_data(sophea, **{f"child-{outside.code}-decision": "institution"})
    response = client_for(sokha).post(url(sophea), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "A residential institution is the last resort: write why it is considered." in html
    assert "raises a flag" in html
    assert "I want him close." in html
    assert not CounsellingSession.objects.exists()
    data["institution_justification"] = "No relative can care for her; a placement is sought."
    assert client_for(sokha).post(url(sophea), data).status_code == 302
    assert CounsellingSession.objects.get().institution_justification.startswith("No relative")


def test_it_shows_every_problem_at_once(sokha, sophea) -> None:
    data = form_data(
        sophea,
        held_on="2026-04-01",
        preference="institution",
        main_factor=str(factor("P_BREASTFEEDING").pk),
    )
    html = client_for(sokha).post(url(sophea), data).content.decode()
    assert "This date is in the future." in html
    assert "The main factor must be one of the factors ticked above." in html
    assert "write why it is considered" in html


def test_it_can_record_no_factors_and_no_main_factor(sokha, sophea) -> None:
    data = form_data(sophea, factors=[], main_factor="")
    assert client_for(sokha).post(url(sophea), data).status_code == 302
    assert not SessionFactor.objects.exists()


@pytest.fixture
def pregnant(sokha, siem_reap):
    return register(
        sokha,
        siem_reap,
        name_km="ម៉ៅ ស្រីនាង",
        name_latin="Mao Sreyneang",
        is_pregnant=True,
        expected_delivery_date=dt.date(2026, 5, 20),
        children=[child_inside()],
    )


def test_it_offers_the_unborn_child_if_she_is_pregnant(sokha, pregnant) -> None:
    html = client_for(sokha).get(url(pregnant)).content.decode()
    assert 'name="about_unborn_child"' in html
    assert 'name="unborn-decision"' in html
    assert "Expected on 20 May 2026." in html


def unborn_data(mother, **overrides):
    child = mother.children.get()
    data = {
        "held_on": "2026-03-16",
        "stage": "in_custody",
        "review_on": "2026-06-14",
        "main_factor": "",
        f"child-{child.code}-decision": "",
        f"child-{child.code}-decided_by": "mother",
        "unborn-decision": "with_mother",
        "unborn-decided_by": "mother",
        "unborn-carer_name": "",
        "unborn-notes": "",
    }
    data.update(overrides)
    return data


def test_it_records_a_decision_for_her_unborn_child(sokha, pregnant) -> None:
    data = unborn_data(pregnant, about_unborn_child="on")
    assert client_for(sokha).post(url(pregnant), data).status_code == 302
    session = CounsellingSession.objects.get()
    assert session.about_unborn_child
    decision = session.decisions.get()
    assert decision.child is None
    assert decision.decision == "with_mother"


def test_it_refuses_an_unborn_decision_unless_the_session_is_about_her_unborn_child(
    sokha, pregnant
) -> None:
    html = client_for(sokha).post(url(pregnant), unborn_data(pregnant)).content.decode()
    assert "Tick “about her unborn child” above" in html
    assert not CounsellingSession.objects.exists()


def test_it_ignores_an_unborn_row_posted_for_a_woman_who_is_not_pregnant(sokha, sophea) -> None:
    data = form_data(sophea, about_unborn_child="on", **{"unborn-decision": "institution"})
    assert client_for(sokha).post(url(sophea), data).status_code == 302
    session = CounsellingSession.objects.get()
    assert not session.about_unborn_child
    assert not session.decisions.filter(child=None).exists()
