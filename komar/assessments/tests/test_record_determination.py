"""Recording a panel's determination through the action."""

import datetime as dt

import pytest

from komar.assessments.actions import NotAllowed, do_record_determination
from komar.assessments.models import Determination, PanelMember
from komar.audit.models import AuditEntry

DATA = {
    "held_on": dt.date(2026, 5, 25),
    "decision": "relative",
    "decision_reasons": "The grandmother is able and willing; contact plan agreed.",
    "dissent": "",
    "review_on": dt.date(2026, 8, 25),
}
PANEL = [("Sokha", "Social worker"), ("Dara", "Supervisor"), ("Chan Thy", "DoSVY officer")]


def test_it_records_the_panel_and_audits_it(sokha, sophea) -> None:
    child = sophea.children.get(name_latin="Sok Vichet")
    determination = do_record_determination(
        child, DATA, assessment=None, reasons=["contested"], members=PANEL, actor=sokha
    )
    assert determination.reasons == ["contested"]
    assert determination.recorded_by == sokha
    assert sorted(determination.members.values_list("name", flat=True)) == [
        "Chan Thy",
        "Dara",
        "Sokha",
    ]
    entry = AuditEntry.objects.get(object_type="assessments.determination")
    assert entry.action == "create"
    assert entry.mother == sophea
    assert {"decision", "reasons", "members"} <= set(entry.fields)


def test_it_needs_at_least_three_members(sokha, sophea) -> None:
    child = sophea.children.get(name_latin="Sok Vichet")
    with pytest.raises(NotAllowed):
        do_record_determination(
            child, DATA, assessment=None, reasons=["contested"], members=PANEL[:2], actor=sokha
        )
    assert not Determination.objects.exists()
    assert not PanelMember.objects.exists()
    assert not AuditEntry.objects.filter(object_type="assessments.determination").exists()
