"""A closed case is read-only for casework too: the registry's write check refuses a case note
(the check lives in `cases`, the note in this app)."""

import datetime as dt

import pytest

from komar.audit.models import AuditEntry
from komar.cases import actions
from komar.casework.actions import do_record_note
from komar.conftest import child_inside, register


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 16, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def flagged(sokha, siem_reap):
    return register(
        sokha, siem_reap, name_latin="Keo Dalin", children=[child_inside(born=dt.date(2023, 1, 2))]
    )


def test_every_workflow_is_refused_a_write_to_a_closed_case(sokha, dara, flagged) -> None:
    actions.do_request_closure(flagged, reason="settled", note="", actor=dara)
    flagged.refresh_from_db()
    with pytest.raises(actions.CaseClosed):
        do_record_note(
            flagged,
            {
                "kind": "visit",
                "held_on": dt.date(2026, 3, 15),
                "participants": "She",
                "discussed": "Her release",
                "agreed": "",
                "child": None,
            },
            actor=sokha,
        )
    with pytest.raises(actions.CaseClosed):
        actions.do_change_mother(
            flagged, {"notes": "late"}, expected_version=flagged.version, actor=sokha
        )
    assert not AuditEntry.objects.filter(actor=sokha, object_type="casework.casenote").exists()


def test_a_closed_case_offers_no_casework_link_and_no_correction_page(sokha, dara, flagged) -> None:
    from django.urls import reverse

    from komar.conftest import client_for

    note = do_record_note(
        flagged,
        {
            "kind": "visit",
            "held_on": dt.date(2026, 3, 15),
            "participants": "She",
            "discussed": "Her release",
            "agreed": "",
            "child": None,
        },
        actor=sokha,
    )
    client = client_for(sokha)
    edit = reverse("casework:note_edit", args=[note.code])
    notes = reverse("casework:note_list", args=[flagged.code])
    new_note = reverse("casework:note_new", args=[flagged.code])
    documents = reverse("casework:document_list", args=[flagged.code])
    # Open, the links are there.
    assert edit in client.get(notes).content.decode()
    assert edit in client.get(flagged.get_absolute_url()).content.decode()
    actions.do_request_closure(flagged, reason="settled", note="", actor=dara)
    # Closed, none of them: the list, the file and the documents offer nothing to write.
    for url in (notes, flagged.get_absolute_url()):
        html = client.get(url).content.decode()
        assert edit not in html and new_note not in html
    html = client.get(documents).content.decode()
    assert reverse("casework:document_new", args=[flagged.code]) not in html
    response = client.get(edit)
    assert response.status_code == 403
    assert "Her case is closed" in response.content.decode()
