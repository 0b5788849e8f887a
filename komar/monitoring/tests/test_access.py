"""Every monitoring page: anonymous → sign-in, the researcher → 403, someone outside the
facility → 404, read-only roles cannot write, the wrong method → 405."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from komar.conftest import client_for
from komar.monitoring.tests.helpers import LAST_MONTH, NOW, THIS_QUARTER, checklist, snapshot


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def pages(sophea, siem_reap, monitor):
    """Every page, by name: (url, method)."""
    snapshot(siem_reap, monitor)
    checklist(siem_reap, monitor)
    child = sophea.children.get(name_latin="Sok Vichet")
    f = siem_reap.code
    month = {"code": f, "year": LAST_MONTH.year, "month": LAST_MONTH.month}
    quarter = {"code": f, "year": THIS_QUARTER.year, "quarter": 1}
    return {
        "home": (reverse("monitoring:home"), "get"),
        "facility": (reverse("monitoring:facility", kwargs={"code": f}), "get"),
        "child": (reverse("monitoring:child", kwargs={"code": child.code}), "get"),
        "register_choice": (reverse("monitoring:register_choice"), "get"),
        "register": (reverse("monitoring:register", kwargs={"code": f}), "get"),
        "attendance": (reverse("monitoring:attendance", kwargs={"code": f}), "get"),
        "attendance_month": (reverse("monitoring:attendance_month", kwargs=month), "get"),
        "snapshot": (reverse("monitoring:snapshot", kwargs=month), "get"),
        "snapshot_start": (reverse("monitoring:snapshot_start", kwargs=month), "post"),
        "snapshot_edit": (reverse("monitoring:snapshot_edit", kwargs=month), "get"),
        "checklist": (reverse("monitoring:checklist", kwargs=quarter), "get"),
        "checklist_start": (reverse("monitoring:checklist_start", kwargs=quarter), "post"),
        "checklist_edit": (reverse("monitoring:checklist_edit", kwargs=quarter), "get"),
        "checklist_pdf": (reverse("monitoring:checklist_pdf", kwargs=quarter) + "?lang=en", "get"),
    }


FACILITY_PAGES = {
    "facility",
    "child",
    "register",
    "attendance",
    "attendance_month",
    "snapshot",
    "snapshot_start",
    "snapshot_edit",
    "checklist",
    "checklist_start",
    "checklist_edit",
    "checklist_pdf",
}
MONITOR_WRITES = {"snapshot_start", "snapshot_edit", "checklist_start", "checklist_edit"}
RECORDER_PAGES = {"register_choice", "register"}


def _open(client, url, method):
    return getattr(client, method)(url)


def test_anonymous_is_sent_to_sign_in(client, pages) -> None:
    for name, (url, method) in pages.items():
        response = _open(client, url, method)
        assert response.status_code == 302, name
        assert response["Location"].startswith("/login/"), name


def test_the_researcher_is_refused_everywhere(researcher, pages) -> None:
    client = client_for(researcher)
    for name, (url, method) in pages.items():
        assert _open(client, url, method).status_code == 403, name


def test_outside_her_facilities_every_facility_page_is_a_404(outsider, pages) -> None:
    """The outsider (a social worker at Battambang) may take registers and read snapshots, but
    Siem Reap is not hers: 404, as for a code that does not exist. Monitors' writes are 403
    first (her role)."""
    client = client_for(outsider)
    for name in FACILITY_PAGES - MONITOR_WRITES:
        url, method = pages[name]
        assert _open(client, url, method).status_code == 404, name
    for name in MONITOR_WRITES:
        url, method = pages[name]
        assert _open(client, url, method).status_code == 403, name


def test_an_unknown_facility_is_a_404(monitor, sokha) -> None:
    code = uuid.uuid4()
    assert client_for(monitor).get(f"/monitoring/facilities/{code}/").status_code == 404
    assert client_for(sokha).get(f"/monitoring/register/{code}/").status_code == 404
    assert client_for(monitor).get(f"/monitoring/children/{code}/").status_code == 404


def test_the_monitor_reads_every_page_but_the_register(monitor, pages) -> None:
    client = client_for(monitor)
    for name, (url, method) in pages.items():
        expected = 403 if name in RECORDER_PAGES else 302 if method == "post" else 200
        assert _open(client, url, method).status_code == expected, name


def test_the_social_worker_takes_the_register_and_reads_but_does_not_write_snapshots(
    sokha, pages
) -> None:
    client = client_for(sokha)
    for name, (url, method) in pages.items():
        expected = 403 if name in MONITOR_WRITES else 200
        if name == "register_choice":
            expected = 302  # one facility: straight to its register
        assert _open(client, url, method).status_code == expected, name


def test_the_legal_officer_reads_but_takes_no_register(vicheka, pages) -> None:
    client = client_for(vicheka)
    for name in RECORDER_PAGES | MONITOR_WRITES:
        url, method = pages[name]
        assert _open(client, url, method).status_code == 403, name
    assert client.get(pages["snapshot"][0]).status_code == 200


def test_the_wrong_method_is_refused(monitor, sokha, pages) -> None:
    client = client_for(monitor)
    assert client.get(pages["snapshot_start"][0]).status_code == 405
    assert client.get(pages["checklist_start"][0]).status_code == 405
    assert client.post(pages["snapshot"][0]).status_code == 405
    assert client.delete(pages["snapshot_edit"][0]).status_code == 405
    assert client_for(sokha).delete(pages["register"][0]).status_code == 405


def test_a_month_or_quarter_to_come_is_a_404(monitor, siem_reap) -> None:
    client = client_for(monitor)
    f = siem_reap.code
    assert client.get(f"/monitoring/snapshots/{f}/2026/4/").status_code == 404
    assert client.get(f"/monitoring/snapshots/{f}/2026/13/").status_code == 404
    assert client.get(f"/monitoring/checklists/{f}/2026/q2/").status_code == 404
    assert client.get(f"/monitoring/checklists/{f}/2026/q5/").status_code == 404


def test_the_monitor_cannot_open_a_personal_file(monitor, sophea) -> None:
    client = client_for(monitor)
    child = sophea.children.get(name_latin="Sok Vichet")
    assert client.get(f"/women/{sophea.code}/").status_code in (403, 404)
    assert client.get(child.get_absolute_url()).status_code in (403, 404)
