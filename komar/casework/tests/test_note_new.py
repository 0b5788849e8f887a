"""Writing a case note: about her or one of her children, audited, free text bounded."""

import datetime as dt

import pytest
from django.urls import reverse

from komar.audit.models import AuditEntry
from komar.casework.models import CaseNote
from komar.conftest import client_for, register


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC), tick=False)


def url(mother):
    return reverse("casework:note_new", args=[mother.code])


def form_data(**overrides):
    return {
        "kind": "call",
        "held_on": "2026-03-18",
        "child": "",
        "participants": "She, her sister Srey Neang (by phone)",
        "discussed": "Whether her sister can take the baby at the stay limit.",
        "agreed": "The sister visits on Sunday with the family book.",
        **overrides,
    }


def test_the_form_starts_with_no_kind_chosen_and_today_as_the_date(sokha, sophea) -> None:
    html = client_for(sokha).get(url(sophea)).content.decode()
    assert "novalidate" in html
    assert '<option value="" selected>---------</option>' in html
    assert 'name="held_on_day" value="20"' in html
    assert "Her, not one child in particular" in html
    assert "Sok Vichet" in html and "Sok Dara" in html
    assert "Up to 5,000 characters." in html
    assert 'class="error-summary"' not in html


def test_it_records_a_note_about_her_and_audits_the_fields_only(sokha, sophea) -> None:
    response = client_for(sokha).post(url(sophea), form_data(), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    assert response.url == sophea.get_absolute_url()
    note = CaseNote.objects.get()
    assert note.mother == sophea and note.child is None
    assert note.kind == "call" and note.held_on == dt.date(2026, 3, 18)
    assert note.author == sokha and note.version == 1
    entry = AuditEntry.objects.get(object_code=str(note.code))
    assert entry.action == "create" and entry.actor == sokha and entry.mother == sophea
    assert entry.object_type == "casework.casenote"
    assert entry.ip_address == "10.1.2.3"
    assert entry.fields == sorted(["kind", "held_on", "participants", "discussed", "agreed"])
    assert "Srey Neang" not in str(entry.fields)


def test_a_note_about_a_child_goes_back_to_the_childs_page(sokha, sophea) -> None:
    child = sophea.children.get(name_latin="Sok Vichet")
    client = client_for(sokha)
    assert (
        f'value="{child.pk}" selected'
        in client.get(f"{url(sophea)}?child={child.code}").content.decode()
    )
    response = client.post(url(sophea), form_data(child=str(child.pk)))
    assert response.url == child.get_absolute_url()
    note = CaseNote.objects.get()
    assert note.child == child
    assert "child" in AuditEntry.objects.get(object_code=str(note.code)).fields


def test_a_child_of_another_woman_cannot_be_chosen(sokha, sophea, siem_reap) -> None:
    from komar.conftest import child_inside

    other = register(sokha, siem_reap, name_latin="Srey Mom", children=[child_inside()])
    foreign = other.children.get()
    response = client_for(sokha).post(url(sophea), form_data(child=str(foreign.pk)))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not CaseNote.objects.exists()
    # An unknown child code in the address is ignored, not an error.
    assert client_for(sokha).get(f"{url(sophea)}?child={foreign.code}").status_code == 200
    assert client_for(sokha).get(f"{url(sophea)}?child=not-a-code").status_code == 200


def test_it_asks_for_every_required_answer_with_an_error_summary(sokha, sophea) -> None:
    response = client_for(sokha).post(
        url(sophea), form_data(kind="", participants="", discussed="", agreed="")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "3 answers need correcting" in html
    assert 'href="#id_kind"' in html and 'href="#id_discussed"' in html
    assert not CaseNote.objects.exists()


def test_free_text_is_bounded(sokha, sophea) -> None:
    response = client_for(sokha).post(url(sophea), form_data(discussed="ក" * 5001))
    assert response.status_code == 200
    assert "at most 5000 characters" in response.content.decode()
    assert not CaseNote.objects.exists()
    assert client_for(sokha).post(url(sophea), form_data(discussed="ក" * 5000)).status_code == 302
