"""No 500 for anything a browser can send: every form page, every field, hostile values.

Each form is read from its page (as a browser would), then posted with every field, one kind of
value at a time: huge integers (in selects and multi-selects too), out-of-range dates in the
date boxes, junk text, and far too long text. Each answer must be a page (200), a redirect
after a save, or a conflict page; never a server error.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import reverse

from komar.assessments.tests.factories import assess, counsel
from komar.cases import actions
from komar.conftest import child_inside, client_for, register

HUGE = "99999999999999999999999999"


class FormFields(HTMLParser):
    """The names of the first POST form's fields (after the header's forms), with their
    current values, as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self.in_main = False
        self.done = False
        self.form_depth = 0
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "main":
            self.in_main = True
        if not self.in_main or self.done:
            return
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.form_depth += 1
        if not self.form_depth:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                self.fields.setdefault(name, [])
            else:
                self.fields.setdefault(name, []).append(a.get("value") or "")
        elif tag in ("select", "textarea") and name:
            self.fields.setdefault(name, [])
            self.select = name if tag == "select" else None
        elif tag == "option" and self.select and "selected" in a:
            self.fields[self.select].append(a.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.form_depth:
            self.form_depth -= 1
            self.done = True
        if tag == "select":
            self.select = None


def read_form(client: Any, url: str) -> dict[str, list[str]]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    parser = FormFields()
    parser.feed(response.content.decode())
    parser.fields.pop("csrfmiddlewaretoken", None)
    assert parser.fields, f"no form on {url}"
    return parser.fields


VALUES = [HUGE, f"-{HUGE}", "0", "0001", "10000", "\x00", "١٢٣", "<script>", "x" * 20000]


def variants(fields: dict[str, list[str]]) -> list[tuple[str, dict[str, Any]]]:
    """Every field at once with each hostile value (each field's own parsing), then each field
    alone with a huge integer, the others as read (the checks across fields)."""
    as_read = {k: v for k, v in fields.items() if v}
    out = [(f"every field={value[:12]!r}", {k: [value] for k in fields}) for value in VALUES]
    for name in fields:
        out.append((f"{name}={HUGE[:12]!r}", as_read | {name: [HUGE]}))
        if name.endswith("_year"):
            out += [(f"{name}={y!r}", as_read | {name: [y]}) for y in ("0001", "0000", "10000")]
    return out


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 16, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def pages(sokha, siem_reap):
    """A woman with a child inside, a counselling session, an assessment and consent; another
    released; another pregnant: so that every form page exists."""
    mother = register(sokha, siem_reap, children=[child_inside()])
    child = mother.children.get()
    session = counsel(child, sokha)
    assessment = assess(child, sokha)
    consent = actions.do_record_consent(
        mother,
        {"purpose": "case_management", "method": "signature", "given_on": dt.date(2026, 2, 1)},
        actor=sokha,
    )
    released = register(sokha, siem_reap, name_latin="Srey Mom", name_km="ស្រី មុំ")
    actions.do_release_mother(released, on=dt.date(2026, 2, 1), release_kind="bail", actor=sokha)
    pregnant = register(
        sokha,
        siem_reap,
        name_latin="Srey Pov",
        name_km="ស្រី ពៅ",
        is_pregnant=True,
        expected_delivery_date=dt.date(2026, 5, 1),
    )
    return [
        reverse("cases:case_list"),
        reverse("cases:mother_register"),
        reverse("cases:mother_edit", args=[mother.code]),
        reverse("cases:episode_edit", args=[mother.code]),
        reverse("cases:mother_admit", args=[released.code]),
        reverse("cases:mother_transfer", args=[mother.code]),
        reverse("cases:mother_release", args=[mother.code]),
        reverse("cases:child_add", args=[mother.code]),
        reverse("cases:mother_birth", args=[pregnant.code]),
        reverse("cases:consent_add", args=[mother.code]),
        reverse("cases:consent_withdraw", args=[consent.code]),
        reverse("cases:child_edit", args=[child.code]),
        reverse("cases:child_move", args=[child.code]),
        reverse("cases:referral_new", args=[mother.code]),
        reverse("counselling:session_new", args=[mother.code]),
        reverse("counselling:session_edit", args=[session.code]),
        reverse("assessments:assessment_new", args=[child.code]),
        reverse("assessments:assessment_edit", args=[assessment.code]),
        reverse("assessments:determination_new", args=[child.code]),
    ]


def test_no_form_answers_a_hostile_value_with_a_server_error(sokha, pages) -> None:
    client = client_for(sokha)
    client.raise_request_exception = False
    failures = []
    for url in pages:
        for label, data in variants(read_form(client, url)):
            status = client.post(url, data).status_code
            if status not in (200, 302, 409):
                failures.append(f"{url} {label}: {status}")
    assert not failures, "\n".join(failures[:30])


def test_the_team_forms_take_hostile_values_too(admin_user) -> None:
    client = client_for(admin_user)
    client.raise_request_exception = False
    failures = []
    for url in [reverse("accounts:user_new")]:
        for label, data in variants(read_form(client, url)):
            status = client.post(url, data).status_code
            if status not in (200, 302):
                failures.append(f"{url} {label}: {status}")
    assert not failures, "\n".join(failures[:30])


def test_the_reader_sees_every_field_of_a_form() -> None:
    parser = FormFields()
    parser.feed(
        '<main><form method="post"><input name="a" value="1"><select name="b">'
        '<option value="x" selected>x</option></select><input type="checkbox" name="c">'
        '<textarea name="d"></textarea></form></main>'
    )
    assert parser.fields == {"a": ["1"], "b": ["x"], "c": [], "d": []}
    assert re.match(r"^\w", HUGE)


def test_the_casework_essentials_take_hostile_values_too(sokha, dara, siem_reap) -> None:
    """Assigning, closing, deciding and reopening a case, as her supervisor; and the bulk
    reassignment fed garbage."""
    assigned = register(sokha, siem_reap, name_latin="Keo Dalin", name_km="កែវ ដាលីន")
    asked = register(sokha, siem_reap, name_latin="Ros Mealea", name_km="រស់ មាលា")
    closure = actions.do_request_closure(asked, reason="settled", note="", actor=sokha)
    closed = register(sokha, siem_reap, name_latin="Chan Thida", name_km="ចាន់ ធីតា")
    actions.do_request_closure(closed, reason="lost_contact", note="", actor=dara)
    client = client_for(dara)
    client.raise_request_exception = False
    failures = []
    for url in [
        reverse("cases:mother_assign", args=[assigned.code]),
        reverse("cases:closure_new", args=[assigned.code]),
        reverse("cases:closure_detail", args=[closure.code]),
        reverse("cases:mother_reopen", args=[closed.code]),
    ]:
        for label, data in variants(read_form(client, url)):
            status = client.post(url, data).status_code
            if status not in (200, 302):
                failures.append(f"{url} {label}: {status}")
    for value in VALUES:
        data = {"women": [value, str(assigned.code)], "assigned_worker": [value], "back": [value]}
        status = client.post(reverse("cases:bulk_assign"), data).status_code
        if status != 302:
            failures.append(f"bulk_assign {value[:12]!r}: {status}")
    assert not failures, "\n".join(failures[:30])
