"""The saved values shown after a conflicting edit are in words."""

import datetime as dt

from django import forms
from django.utils import translation

from komar.cases.models import Child
from komar.lib.conflicts import field_differences


class TypedForm(forms.Form):
    sex = forms.CharField()
    born_in_custody = forms.BooleanField(required=False)
    date_of_birth = forms.DateField()
    notes = forms.CharField(required=False)
    version = forms.IntegerField()


def typed(**data):
    form = TypedForm(
        {"sex": "male", "date_of_birth": "2025-01-15", "notes": "", "version": "1", **data}
    )
    assert form.is_valid(), form.errors
    return form


def saved():
    return Child(sex="female", born_in_custody=False, date_of_birth=dt.date(2025, 1, 16))


def test_it_shows_choices_yes_no_and_dates_in_words() -> None:
    with translation.override("en"):
        differences = field_differences(typed(born_in_custody="on"), saved())
    assert differences == [
        {"label": "Sex", "saved": "Girl"},
        {"label": "Born in custody", "saved": "No"},
        {"label": "Date of birth", "saved": "16 Jan 2025"},
    ]


def test_it_ignores_equal_fields_the_version_and_fields_not_asked_for() -> None:
    form = typed(sex="female", date_of_birth="2025-01-16")
    assert field_differences(form, saved()) == []
    form = typed(born_in_custody="on")
    assert [d["label"] for d in field_differences(form, saved(), names=["sex"])] == ["Sex"]


def test_it_uses_the_words_it_is_given() -> None:
    differences = field_differences(typed(), saved(), names=["sex"], shown={"sex": "a girl"})
    assert differences == [{"label": "Sex", "saved": "a girl"}]
