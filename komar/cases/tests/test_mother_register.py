import datetime as dt

import pytest
from django.urls import reverse

from komar.audit.models import AuditEntry
from komar.cases.models import Child, Mother, Placement
from komar.conftest import client_for, register

URL = reverse("cases:mother_register")


def form_data(siem_reap, **overrides):
    data = {
        "save": "1",
        "child_count": "2",
        "m-name_km": "ចាន់ ធីតា",
        "m-name_latin": "Chan Thida",
        "m-date_of_birth": "1992-04-12",
        "m-ethnicity": "khmer",
        "m-nationality": "Cambodian",
        "m-literacy": "some",
        "m-first_offence": "yes",
        "k-in_custody": "on",
        "e-facility": str(siem_reap.pk),
        "e-admission_date": "2026-03-01",
        "e-legal_status": "pre_trial",
        "h-has_children": "yes",
        "c0-child-name_km": "ចាន់ ពិសិដ្ឋ",
        "c0-child-name_latin": "Chan Piseth",
        "c0-child-sex": "male",
        "c0-child-date_of_birth": "2025-02-10",
        "c0-child-birth_registration": "registered",
        "c0-placement-kind": "with_mother",
        "c0-placement-start_date": "2026-03-01",
        "c1-child-name_latin": "Chan Davy",
        "c1-child-sex": "female",
        "c1-child-date_of_birth": "2019-08-20",
        "c1-child-birth_registration": "registered",
        "c1-placement-kind": "relative",
        "c1-placement-carer_name": "Mao Sophal",
        "c1-placement-carer_relationship": "grandmother",
        "c1-placement-carer_contact": "012 000 111",
        "c1-placement-start_date": "2026-03-01",
    }
    data.update(overrides)
    return data


def test_it_registers_a_woman_her_custody_and_all_her_children(sokha, siem_reap) -> None:
    response = client_for(sokha).post(URL, form_data(siem_reap))
    mother = Mother.objects.get(name_latin="Chan Thida")
    assert response.status_code == 302
    assert response.url == mother.get_absolute_url()
    assert mother.organisation == sokha.organisation
    assert mother.latest_episode is not None
    assert mother.latest_episode.facility == siem_reap
    inside = mother.children.get(name_latin="Chan Piseth")
    assert inside.current_placement.kind == Placement.Kind.WITH_MOTHER
    assert inside.current_placement.facility == siem_reap
    outside = mother.children.get(name_latin="Chan Davy")
    assert outside.current_placement.carer_name == "Mao Sophal"


def test_it_audits_every_record_created_in_the_same_request(sokha, siem_reap) -> None:
    client_for(sokha).post(URL, form_data(siem_reap), REMOTE_ADDR="10.1.2.3")
    mother = Mother.objects.get(name_latin="Chan Thida")
    entries = AuditEntry.objects.filter(mother=mother, action="create")
    assert sorted(e.object_type for e in entries) == [
        "cases.child",
        "cases.child",
        "cases.custodyepisode",
        "cases.mother",
        "cases.placement",
        "cases.placement",
    ]
    assert {e.actor for e in entries} == {sokha}
    assert {e.ip_address for e in entries} == {"10.1.2.3"}
    mother_entry = entries.get(object_type="cases.mother")
    assert "name_km" in mother_entry.fields
    # Field names only: the personal data itself is never copied into the audit trail.
    assert "Chan" not in str(mother_entry.fields)


def test_the_file_shows_the_stay_limit_of_the_child_inside(sokha, siem_reap) -> None:
    client = client_for(sokha)
    response = client.post(URL, form_data(siem_reap), follow=True)
    assert "Stay limit" in response.content.decode()
    assert "10 Feb 2028" in response.content.decode()


def test_a_missing_name_is_explained_and_nothing_is_lost(sokha, siem_reap) -> None:
    data = form_data(siem_reap, **{"m-name_km": "", "m-name_latin": ""})
    response = client_for(sokha).post(URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter the name in Khmer script or in Latin letters." in html
    # What she typed is still there: 12 April 1992, as day, month and year.
    assert 'name="m-date_of_birth_day" value="12"' in html
    assert '<option value="4" selected>' in html
    assert 'name="m-date_of_birth_year" value="1992"' in html
    assert 'value="Mao Sophal"' in html
    assert not Mother.objects.exists()


def test_a_child_cannot_be_inside_with_a_woman_not_in_custody(sokha, siem_reap) -> None:
    data = form_data(siem_reap)
    del data["k-in_custody"]
    response = client_for(sokha).post(URL, data)
    assert response.status_code == 200
    assert "She is not in custody" in response.content.decode()
    assert not Mother.objects.exists()


def test_a_woman_can_be_registered_before_admission(sokha, siem_reap) -> None:
    data = form_data(siem_reap, **{"c0-placement-kind": "mother_outside"})
    del data["k-in_custody"]
    response = client_for(sokha).post(URL, data)
    assert response.status_code == 302
    mother = Mother.objects.get()
    assert mother.latest_episode is None
    assert client_for(sokha).get(mother.get_absolute_url()).status_code == 200


def test_future_dates_are_refused(sokha, siem_reap) -> None:
    response = client_for(sokha).post(
        URL, form_data(siem_reap, **{"c0-child-date_of_birth": "2099-01-01"})
    )
    assert "This date is in the future." in response.content.decode()
    assert not Child.objects.exists()


def test_adding_a_child_keeps_everything_typed(sokha, siem_reap) -> None:
    data = form_data(siem_reap)
    del data["save"]
    data["add_child"] = "1"
    response = client_for(sokha).post(URL, data)
    html = response.content.decode()
    assert 'name="c2-child-name_km"' in html
    assert 'value="Chan Thida"' in html
    assert not Mother.objects.exists()


@pytest.mark.parametrize(
    ("name_latin", "name_km", "dob"),
    [
        ("Chan Tida", "", "1992-04-12"),  # a spelling variant, same birth date
        ("", "ចាន់ ធីតា", "1992-09-01"),  # Khmer name, birth date within a year
        ("Thida Chan", "", "1992-04-12"),  # names in the other order
    ],
)
def test_a_likely_duplicate_is_shown_before_creating(
    sokha, siem_reap, name_latin, name_km, dob
) -> None:
    existing = register(
        sokha,
        siem_reap,
        name_km="ចាន់ ធីតា",
        name_latin="Chan Thida",
        date_of_birth=dt.date(1992, 4, 12),
    )
    data = form_data(
        siem_reap, **{"m-name_latin": name_latin, "m-name_km": name_km, "m-date_of_birth": dob}
    )
    response = client_for(sokha).post(URL, data)
    assert response.status_code == 200
    assert 'id="duplicates"' in response.content.decode()
    assert existing.get_absolute_url() in response.content.decode()
    assert Mother.objects.count() == 1
    # The worker decides: a different woman.
    data["not_a_duplicate"] = "1"
    response = client_for(sokha).post(URL, data)
    assert response.status_code == 302
    assert Mother.objects.count() == 2


def test_a_different_woman_is_not_a_duplicate(sokha, siem_reap) -> None:
    register(
        sokha,
        siem_reap,
        name_km="ចាន់ ធីតា",
        name_latin="Chan Thida",
        date_of_birth=dt.date(1992, 4, 12),
    )
    # Same name, birth date ten years apart: another woman.
    response = client_for(sokha).post(
        URL, form_data(siem_reap, **{"m-date_of_birth": "1982-04-12"})
    )
    assert response.status_code == 302


def test_duplicates_outside_the_users_scope_are_not_revealed(
    sokha, outsider, battambang, siem_reap
) -> None:
    register(
        outsider,
        battambang,
        name_km="ចាន់ ធីតា",
        name_latin="Chan Thida",
        date_of_birth=dt.date(1992, 4, 12),
    )
    response = client_for(sokha).post(URL, form_data(siem_reap))
    assert response.status_code == 302


def test_an_account_without_an_organisation_cannot_register(siem_reap) -> None:
    from komar.accounts.models import User

    loner = User.objects.create_user("loner", password="x-long-password-1", role="social_worker")
    assert client_for(loner).post(URL, form_data(siem_reap)).status_code == 403
    assert not Mother.objects.exists()


def test_a_child_born_inside_cannot_be_placed_before_admission(sokha, siem_reap) -> None:
    data = form_data(
        siem_reap,
        **{"c0-child-born_in_custody": "on", "c0-placement-start_date": "2026-02-01"},
    )
    data["e-admission_date"] = "2026-03-01"
    response = client_for(sokha).post(URL, data)
    assert response.status_code == 200
    assert "before admission" in response.content.decode()
    assert not Mother.objects.exists()
