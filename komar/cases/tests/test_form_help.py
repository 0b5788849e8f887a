"""Forms that help: server-side messages only, an error summary linked to each field, no answer
filled in for the worker, the children question at registration, junk refused, free text
bounded and the limit told."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django import forms
from django.urls import reverse

from komar.cases.forms import (
    ChildForm,
    ConsentForm,
    EpisodeForm,
    MotherForm,
    PlacementForm,
    ReleaseForm,
)
from komar.cases.models import Child, Mother, Placement
from komar.cases.tests.test_mother_register import URL as REGISTER
from komar.cases.tests.test_mother_register import form_data
from komar.conftest import client_for

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Forms of the other pages' owners, with nothing a browser would check: buttons only (language,
# sign out) and the case list's search box (no `required`, no pattern).
NO_CONSTRAINTS = {"base.html", "cases/case_list.html"}


class _Page(HTMLParser):
    """The ids of a page, its links to them and the error summary's attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.summary: dict[str, str | None] | None = None
        self.in_summary = False
        self.links: list[str] = []
        self.first_form_after_summary = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(str(attributes["id"]))
        if attributes.get("id") == "error-summary":
            self.summary, self.in_summary = attributes, True
        elif tag == "form" and self.summary is not None:
            self.first_form_after_summary = True
        if self.in_summary and tag == "a":
            self.links.append(str(attributes["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self.in_summary = False


def parsed(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def summary_text(html: str) -> str:
    match = re.search(r'<section class="error-summary".*?</section>', html, re.S)
    assert match, "no error summary"
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", match.group())))


# Server-side validation only.


def test_every_post_form_leaves_validation_to_the_server() -> None:
    missing = []
    for path in TEMPLATES.rglob("*.html"):
        name = path.relative_to(TEMPLATES).as_posix()
        for tag in re.findall(r"<form\b[^>]*>", path.read_text()):
            if 'method="post"' in tag and "novalidate" not in tag and name not in NO_CONSTRAINTS:
                missing.append(f"{name}: {tag}")
    assert missing == []


# The error summary.


def test_the_summary_lists_every_error_of_every_form_and_links_to_each_field(
    sokha, siem_reap
) -> None:
    data = form_data(
        siem_reap,
        **{
            "m-name_km": "",
            "m-name_latin": "",
            "m-ethnicity": "",
            "e-legal_status": "",
            "c1-child-sex": "",
            "c1-placement-carer_name": "",
        },
    )
    response = client_for(sokha).post(REGISTER, data)
    html = response.content.decode()
    page = parsed(html)
    assert response.status_code == 200
    # It takes the focus (no script: a focusable element that the browser focuses on load).
    assert page.summary is not None
    assert page.summary["tabindex"] == "-1" and "autofocus" in page.summary
    assert page.first_form_after_summary  # at the top, before the form
    text = summary_text(html)
    assert "5 answers need correcting" in text
    assert "Name in Khmer script: Enter the name in Khmer script or in Latin letters." in text
    assert "Ethnicity: This field is required." in text
    assert "Legal status: This field is required." in text
    assert "Child 2 · Sex: This field is required." in text
    assert "Child 2 · Carer's name: Enter the name of the person or place" in text
    # Each message leads to its field.
    assert {"#id_m-name_km", "#id_m-ethnicity", "#id_e-legal_status"} <= set(page.links)
    assert "#id_c1-child-sex" in page.links and "#id_c1-placement-carer_name" in page.links
    assert all(link[1:] in page.ids for link in page.links)


def test_no_summary_before_anything_was_sent(sokha) -> None:
    html = client_for(sokha).get(REGISTER).content.decode()
    assert 'id="error-summary"' not in html


def test_the_custody_fields_are_ignored_when_she_is_not_in_custody(sokha, siem_reap) -> None:
    data = form_data(siem_reap, **{"k-in_custody": "", "e-facility": "", "m-name_latin": "@"})
    html = client_for(sokha).post(REGISTER, data).content.decode()
    text = summary_text(html)
    assert "Facility" not in text  # not asked, so not an error
    assert "Name in Latin letters" in text


def test_a_likely_duplicate_is_announced_in_the_summary(sokha, siem_reap) -> None:
    client_for(sokha).post(REGISTER, form_data(siem_reap))
    html = client_for(sokha).post(REGISTER, form_data(siem_reap)).content.decode()
    page = parsed(html)
    assert "She may already be registered" in summary_text(html)
    assert "#duplicates" in page.links and "duplicates" in page.ids


# No answer filled in for the worker.


def selected(form: forms.BaseForm, name: str) -> str:
    return str(form[name].value() or "")


@pytest.mark.parametrize(
    ("form_class", "names"),
    [
        (MotherForm, ["ethnicity", "literacy", "first_offence", "province"]),
        (ChildForm, ["sex", "birth_registration"]),
        (PlacementForm, ["kind"]),
        (EpisodeForm, ["legal_status", "facility", "offence_category"]),
        (ReleaseForm, ["release_kind"]),
        (ConsentForm, ["purpose", "method"]),
    ],
)
def test_questions_start_empty_and_offer_an_empty_choice(db, form_class, names) -> None:
    form = form_class()
    for name in names:
        assert selected(form, name) == "", name
        choices = [value for value, _label in form.fields[name].choices]
        assert choices[0] == "", name


@pytest.mark.parametrize("name", ["m-ethnicity", "m-literacy", "m-first_offence"])
def test_her_answers_are_required(sokha, siem_reap, name) -> None:
    response = client_for(sokha).post(REGISTER, form_data(siem_reap, **{name: ""}))
    assert response.status_code == 200
    assert not Mother.objects.exists()


def test_a_childs_birth_registration_is_required(sokha, siem_reap) -> None:
    data = form_data(siem_reap, **{"c0-child-birth_registration": ""})
    html = client_for(sokha).post(REGISTER, data).content.decode()
    assert "Child 1 · Birth registration: This field is required." in summary_text(html)
    assert not Mother.objects.exists()


def test_the_kind_of_release_must_be_chosen(sokha, sophea) -> None:
    url = reverse("cases:mother_release", args=[sophea.code])
    response = client_for(sokha).post(url, {"on": "2026-04-01", "release_kind": ""})
    assert "Choose the kind of release." in summary_text(response.content.decode())
    sophea.refresh_from_db()
    assert sophea.is_in_custody


def test_the_answers_have_no_model_default_and_old_answers_stay(sophea) -> None:
    for model, name in [
        (Mother, "ethnicity"),
        (Mother, "literacy"),
        (Mother, "first_offence"),
        (Child, "birth_registration"),
    ]:
        assert not model._meta.get_field(name).has_default()
    sophea.refresh_from_db()
    assert sophea.ethnicity == "khmer" and sophea.get_ethnicity_display() == "Khmer"


# Does she have children?


def test_yes_needs_a_child(sokha, siem_reap) -> None:
    data = form_data(siem_reap, child_count="0")
    html = client_for(sokha).post(REGISTER, data).content.decode()
    assert "Add each of her children below with “Add a child”." in summary_text(html)
    assert not Mother.objects.exists()


def test_no_must_be_confirmed(sokha, siem_reap) -> None:
    data = form_data(siem_reap, child_count="0", **{"h-has_children": "no"})
    html = client_for(sokha).post(REGISTER, data).content.decode()
    assert "Confirm that you asked her and she has no children" in summary_text(html)
    assert 'name="h-no_children_confirmed"' in html  # the box to tick appears
    assert not Mother.objects.exists()

    data["h-no_children_confirmed"] = "on"
    response = client_for(sokha).post(REGISTER, data)
    assert response.status_code == 302
    assert Mother.objects.get().children.count() == 0


def test_no_with_a_child_entered_is_a_contradiction(sokha, siem_reap) -> None:
    data = form_data(siem_reap, **{"h-has_children": "no", "h-no_children_confirmed": "on"})
    html = client_for(sokha).post(REGISTER, data).content.decode()
    assert "A child is entered below." in summary_text(html)
    assert not Mother.objects.exists()


def test_not_known_is_allowed(sokha, siem_reap) -> None:
    data = form_data(siem_reap, child_count="0", **{"h-has_children": "not_known"})
    assert client_for(sokha).post(REGISTER, data).status_code == 302


def test_the_question_must_be_answered(sokha, siem_reap) -> None:
    data = form_data(siem_reap, **{"h-has_children": ""})
    html = client_for(sokha).post(REGISTER, data).content.decode()
    assert "Say whether she has children: yes, no or not known." in summary_text(html)
    assert "#id_h-has_children_0" in parsed(html).links


def test_adding_a_child_keeps_the_answer(sokha, siem_reap) -> None:
    data = {"add_child": "1", "child_count": "0", "h-has_children": "yes"}
    html = client_for(sokha).post(REGISTER, data).content.decode()
    assert re.search(r'<input[^>]*name="h-has_children"[^>]*value="yes"[^>]*checked', html)


# Junk is refused with a clear message.


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("m-name_km", "\u17b7\u17d2\u17bb", "a vowel sign or other mark must follow a letter"),
        ("m-name_latin", "Chan Thida 2", "A name has no digits."),
        ("m-name_latin", "Chan \U0001f600", "cannot be part of it"),
        ("m-name_km", "Chan Thida", "Write the name in Khmer script here."),
        ("m-other_names", "Tida, T1da", "A name has no digits."),
        ("c0-child-name_km", "ចាន់ ពិសិដ្ឋ១", "A name has no digits."),
        ("c1-placement-carer_name", "Mao \U0001f338", "cannot be part of it"),
        ("m-phone", "12345", "This is not a phone number in Cambodia."),
        ("c1-placement-carer_contact", "012 345", "This is not a phone number in Cambodia."),
        ("m-national_id_number", "16023456", "A national identity card number has 9 digits"),
        ("m-family_book_number", "\U0001f4d5", "Type the number as it is written"),
        ("c0-child-birth_certificate_number", "#12", "Type the number as it is written"),
    ],
)
def test_junk_is_refused_with_a_clear_message(sokha, siem_reap, field, value, message) -> None:
    html = client_for(sokha).post(REGISTER, form_data(siem_reap, **{field: value})).content
    assert message in summary_text(html.decode())
    assert not Mother.objects.exists()


def test_phones_and_id_numbers_are_stored_in_one_format_and_shown_nicely(sokha, siem_reap):
    data = form_data(
        siem_reap,
        **{
            "m-phone": "+855 97 712 3456",
            "m-national_id_number": "160 234 567",
            "m-family_book_number": " 0102/45 ",
            "c1-placement-carer_contact": "០១២ ០០០ ១១១",
        },
    )
    assert client_for(sokha).post(REGISTER, data).status_code == 302
    mother = Mother.objects.get()
    assert mother.phone == "+855977123456"
    assert mother.national_id_number == "160234567"
    assert mother.family_book_number == "0102/45"
    carer = mother.children.get(name_latin="Chan Davy").current_placement
    assert carer.carer_contact == "+85512000111"
    html = client_for(sokha).get(mother.get_absolute_url()).content.decode()
    assert '<a href="tel:+855977123456">097 712 3456</a>' in html
    assert "012 000 111" in html


def test_an_address_is_kept_as_typed(sokha, siem_reap) -> None:
    data = form_data(siem_reap, **{"c1-placement-carer_contact": "Kouk Chak village"})
    assert client_for(sokha).post(REGISTER, data).status_code == 302
    placement = Placement.objects.get(child__name_latin="Chan Davy")
    assert placement.carer_contact == "Kouk Chak village"


# Free text: 5,000 characters everywhere, and the user is told.


def textareas(form: forms.BaseForm) -> list[tuple[str, forms.Field]]:
    return [(n, f) for n, f in form.fields.items() if isinstance(f.widget, forms.Textarea)]


def assert_bounded_and_told(form: forms.BaseForm) -> int:
    """How many free-text boxes `form` has; each is bounded at 5,000 characters and says so."""
    boxes = textareas(form)
    for name, field in boxes:
        assert isinstance(field, forms.CharField) and field.max_length == 5000, name
        assert field.widget.attrs["maxlength"] == "5000", name
        assert str(field.help_text).endswith("Up to 5,000 characters."), name
    return len(boxes)


def test_every_free_text_box_is_bounded_and_says_so(db) -> None:
    all_forms = [MotherForm(), EpisodeForm(), ChildForm(), PlacementForm()]
    assert sum(assert_bounded_and_told(form) for form in all_forms) == 4


def test_a_note_too_long_is_refused(sokha, siem_reap) -> None:
    html = client_for(sokha).post(REGISTER, form_data(siem_reap, **{"m-notes": "ក" * 5001}))
    text = summary_text(html.content.decode())
    assert "Notes: Ensure this value has at most 5000 characters (it has 5001)." in text
    assert not Mother.objects.exists()
