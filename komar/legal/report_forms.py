"""The court report's forms: starting a draft (its language), editing its sections, and the
supervisor's note."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from komar.cases.forms import LONG_TEXT_CHARS, limit_long_text
from komar.legal.models import CourtReport
from komar.legal.report import SECTION_CHARS, SECTIONS


class ReportStartForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the report"),
        choices=CourtReport._meta.get_field("language").choices or [],
        initial="km",
        help_text=_("Khmer is the court's language. The draft is written in this language."),
    )


class ReportEditForm(forms.Form):
    """One box per section, and the version the author started from."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, report: CourtReport, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, title in SECTIONS:
            self.fields[key] = forms.CharField(
                label=title,
                required=False,
                widget=forms.Textarea(attrs={"rows": 8}),
            )
        limit_long_text(self, SECTION_CHARS)
        if not self.is_bound:
            self.initial = {"version": report.version, **report.sections}

    def sections(self) -> dict[str, str]:
        return {key: self.cleaned_data[key] for key, _title in SECTIONS}


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the author"),
        required=False,
        max_length=LONG_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional when you approve; required when you return the report."),
    )
