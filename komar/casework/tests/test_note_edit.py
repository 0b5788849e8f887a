"""Correcting a case note: only what changed is written and audited, and two people
correcting it at once never silently overwrite each other."""

import datetime as dt

import pytest
from django.urls import reverse

from komar.audit.models import AuditEntry
from komar.cases.actions import EditConflict
from komar.casework.actions import do_change_note
from komar.casework.models import CaseNote
from komar.casework.tests.factories import note
from komar.conftest import client_for


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def visit(sokha, sophea):
    return note(sophea, sokha, discussed="Her hearing on 2 April.")


def url(note):
    return reverse("casework:note_edit", args=[note.code])


def edit_data(note, **overrides):
    return {
        "kind": note.kind,
        "held_on": note.held_on.isoformat(),
        "child": str(note.child_id or ""),
        "participants": note.participants,
        "discussed": note.discussed,
        "agreed": note.agreed,
        "version": str(note.version),
        **overrides,
    }


def changes(note):
    return AuditEntry.objects.filter(object_code=str(note.code), action="change")


def test_the_form_opens_with_the_note_and_is_audited_as_a_view(sokha, visit) -> None:
    html = client_for(sokha).get(url(visit)).content.decode()
    assert "Correct the case note" in html
    assert "Her hearing on 2 April." in html
    assert 'name="version" value="1"' in html
    assert AuditEntry.objects.filter(action="view", object_code=str(visit.code)).exists()


def test_it_corrects_only_what_changed_and_audits_the_field_names(sokha, sophea, visit) -> None:
    child = sophea.children.get(name_latin="Sok Vichet")
    response = client_for(sokha).post(
        url(visit),
        edit_data(visit, agreed="She asks the court for bail.", child=str(child.pk)),
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    assert response.url == reverse("casework:note_list", args=[sophea.code])
    visit.refresh_from_db()
    assert visit.agreed == "She asks the court for bail." and visit.child == child
    assert visit.version == 2
    entry = changes(visit).get()
    assert entry.fields == ["agreed", "child"] and entry.actor == sokha
    assert entry.ip_address == "10.1.2.3" and entry.mother == sophea


def test_saving_without_a_change_writes_nothing(sokha, visit) -> None:
    assert client_for(sokha).post(url(visit), edit_data(visit)).status_code == 302
    visit.refresh_from_db()
    assert visit.version == 1
    assert not changes(visit).exists()


def test_the_date_rules_hold_for_a_correction(sokha, visit) -> None:
    response = client_for(sokha).post(url(visit), edit_data(visit, held_on="2026-04-01"))
    assert response.status_code == 200
    assert "This date is in the future." in response.content.decode()
    visit.refresh_from_db()
    assert visit.held_on == dt.date(2026, 3, 2)


def test_a_concurrent_correction_is_shown_and_nothing_is_lost(sokha, dara, visit) -> None:
    opened = edit_data(visit)  # both open the form at version 1
    # Her supervisor saves first.
    do_change_note(
        visit,
        {
            **opened,
            "held_on": visit.held_on,
            "child": None,
            "discussed": "Her hearing moved to 9 April.",
        },
        expected_version=1,
        actor=dara,
    )
    response = client_for(sokha).post(url(visit), {**opened, "agreed": "Call the lawyer."})
    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved this record while you were editing" in html
    assert "Dara saved it at" in html
    assert "Her hearing moved to 9 April." in html  # the saved value, in the differences
    assert "Call the lawyer." in html  # what she typed is still in the form
    assert 'name="version" value="2"' in html
    visit.refresh_from_db()
    assert visit.agreed != "Call the lawyer." and visit.version == 2
    # Saving again, with the differences in front of her, keeps her version on purpose.
    again = {**opened, "agreed": "Call the lawyer.", "version": "2"}
    assert client_for(sokha).post(url(visit), again).status_code == 302
    visit.refresh_from_db()
    assert visit.agreed == "Call the lawyer." and visit.version == 3
    assert visit.discussed == "Her hearing on 2 April."


def test_the_action_refuses_a_stale_version(sokha, visit) -> None:
    data = {**edit_data(visit), "held_on": visit.held_on, "child": None}
    do_change_note(visit, {**data, "agreed": "One"}, expected_version=1, actor=sokha)
    with pytest.raises(EditConflict):
        do_change_note(visit, {**data, "agreed": "Two"}, expected_version=1, actor=sokha)
    assert CaseNote.objects.get().agreed == "One"
