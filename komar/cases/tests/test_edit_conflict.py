"""Two people editing the same record cannot silently overwrite each other."""

from django.urls import reverse

from komar.audit.models import AuditEntry
from komar.cases.models import Mother
from komar.conftest import client_for


def edit_data(mother, version, **changes):
    data = {
        "name_km": mother.name_km,
        "name_latin": mother.name_latin,
        "date_of_birth": mother.date_of_birth.isoformat(),
        "ethnicity": mother.ethnicity,
        "nationality": mother.nationality,
        "literacy": mother.literacy,
        "first_offence": mother.first_offence,
        "version": str(version),
    }
    data.update(changes)
    return data


def test_it_saves_a_correction_and_audits_the_changed_fields(sokha, sophea) -> None:
    url = reverse("cases:mother_edit", args=[sophea.code])
    response = client_for(sokha).post(url, edit_data(sophea, 1, phone="012 999 888"))
    assert response.status_code == 302
    sophea.refresh_from_db()
    assert sophea.phone == "+85512999888"  # stored in E.164
    assert sophea.version == 2
    entry = AuditEntry.objects.get(object_code=str(sophea.code), action="change")
    assert entry.fields == ["phone"]


def test_the_second_editor_gets_a_clear_message_and_loses_nothing(sokha, dara, sophea) -> None:
    url = reverse("cases:mother_edit", args=[sophea.code])
    # Both open the form at version 1; Dara saves first.
    assert client_for(dara).post(url, edit_data(sophea, 1, phone="011 111 111")).status_code == 302
    response = client_for(sokha).post(
        url, edit_data(sophea, 1, phone="012 222 222", village="Kouk Chak")
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved this record while you were editing" in html
    assert "Dara saved it at" in html
    assert "+85511111111" in html  # what is saved now
    assert 'value="012 222 222"' in html  # what she typed is still in the form
    assert 'value="Kouk Chak"' in html
    assert 'name="version" value="2"' in html  # saving again is a deliberate choice
    sophea.refresh_from_db()
    assert sophea.phone == "+85511111111"
    assert sophea.village == ""


def test_saving_again_after_the_conflict_keeps_her_version(sokha, dara, sophea) -> None:
    url = reverse("cases:mother_edit", args=[sophea.code])
    client_for(dara).post(url, edit_data(sophea, 1, phone="011 111 111"))
    response = client_for(sokha).post(url, edit_data(sophea, 2, phone="012 222 222"))
    assert response.status_code == 302
    assert Mother.objects.get(pk=sophea.pk).phone == "+85512222222"


def test_child_edits_are_protected_the_same_way(sokha, dara, sophea) -> None:
    child = sophea.children.get(name_latin="Sok Vichet")
    url = reverse("cases:child_edit", args=[child.code])
    base = {
        "name_km": child.name_km,
        "name_latin": child.name_latin,
        "sex": child.sex,
        "date_of_birth": child.date_of_birth.isoformat(),
        "birth_registration": "unknown",
        "version": "1",
    }
    assert (
        client_for(dara).post(url, {**base, "birth_registration": "registered"}).status_code == 302
    )
    response = client_for(sokha).post(url, {**base, "name_latin": "Sok Vicheth"})
    assert response.status_code == 409
    child.refresh_from_db()
    assert child.name_latin == "Sok Vichet"
    assert child.birth_registration == "registered"


def test_custody_edits_are_protected_the_same_way(sokha, dara, sophea) -> None:
    url = reverse("cases:episode_edit", args=[sophea.code])
    base = {
        "facility": sophea.latest_episode.facility_id,
        "admission_date": "2026-01-10",
        "legal_status": "pre_trial",
        "version": "1",
    }
    assert client_for(dara).post(url, {**base, "lawyer": "Legal Aid Cambodia"}).status_code == 302
    response = client_for(sokha).post(url, {**base, "court": "Siem Reap court"})
    assert response.status_code == 409
    sophea.latest_episode.refresh_from_db()
    assert sophea.latest_episode.lawyer == "Legal Aid Cambodia"
    assert sophea.latest_episode.court == ""
