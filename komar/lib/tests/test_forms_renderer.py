"""The select boxes written in Python are the HTML Django's own templates write."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test.html import parse_html
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from komar.lib.forms_renderer import Renderer

DJANGO = DjangoTemplates()
OURS = Renderer()


class Options(forms.Form):
    plain = forms.ChoiceField(choices=[("", "Any"), ("a", "A & B"), ("b", '"quoted" <b>')])
    grouped = forms.ChoiceField(
        choices=[
            ("", "---"),
            ("Inside", [("with_mother", _("A child inside")), ("x", "X")]),
            ("Outside", [("kin", "Kinship care")]),
        ]
    )
    numbers = forms.TypedChoiceField(choices=[(1, "one"), (2, "two")], coerce=int)
    several = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B"), ("c", "C")])
    attributes = forms.ChoiceField(
        choices=[("a", "A")],
        widget=forms.Select(
            attrs={"class": "wide", "data-x": 'say "hi"', "autofocus": True, "hidden": False}
        ),
    )
    yes_no = forms.NullBooleanField()
    # Labels that are not strings are localised, as `{{ label }}` localises them.
    dated = forms.ChoiceField(
        choices=[
            ("d", dt.date(2026, 12, 2)),
            ("n", Decimal("1234.5")),
            (dt.date(2026, 1, 1), [("t", dt.datetime(2026, 1, 1, 1, 30, tzinfo=dt.UTC))]),
        ]
    )
    empty = forms.ChoiceField(choices=[])


def _render(renderer, data):
    form = Options(data, renderer=renderer)
    return {name: str(form[name]) for name in form.fields}


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"plain": "a", "grouped": "kin", "numbers": "2", "several": ["a", "c"], "yes_no": "true"},
        {"plain": "nonsense", "several": ["zzz"]},
    ],
)
@pytest.mark.parametrize("language", ["en", "km"])
def test_every_select_is_the_html_djangos_templates_write(data, language) -> None:
    with translation.override(language):
        django, ours = _render(DJANGO, data), _render(OURS, data)
    for name in Options.base_fields:
        assert parse_html(ours[name]) == parse_html(django[name]), name
        assert ours[name].startswith("<select")


def test_a_select_is_escaped_as_django_escapes_it() -> None:
    html = _render(OURS, {"plain": "b"})["plain"]
    assert '<option value="b" selected>&quot;quoted&quot; &lt;b&gt;</option>' in html
    assert "A &amp; B" in html
    attributes = _render(OURS, {})["attributes"]
    assert 'data-x="say &quot;hi&quot;"' in attributes
    assert " autofocus" in attributes
    assert "hidden" not in attributes


def test_other_widgets_and_option_templates_are_left_to_django() -> None:
    class Custom(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    class Other(forms.Form):
        text = forms.CharField()
        custom = forms.ChoiceField(choices=[("a", "A")], widget=Custom)

    for renderer_form in (Other({}, renderer=OURS), Other({}, renderer=DJANGO)):
        assert str(renderer_form["text"]).startswith("<input")
    assert str(Other({}, renderer=OURS)["custom"]) == str(Other({}, renderer=DJANGO)["custom"])


def test_the_project_renders_forms_with_it() -> None:
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), Renderer)
