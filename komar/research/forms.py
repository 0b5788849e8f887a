from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from komar.research.models import ExportFormat, ExportTable, ResearchProject


class ProjectForm(forms.ModelForm):
    class Meta:
        model = ResearchProject
        fields = ["name", "purpose"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3})}


LANGUAGES = [("en", _("English")), ("km", _("Khmer"))]


class ExportForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=ExportFormat.choices)
    table = forms.ChoiceField(label=_("Table"), choices=ExportTable.choices)
    first_year = forms.IntegerField(
        label=_("From the year"), required=False, min_value=2000, max_value=2100
    )
    last_year = forms.IntegerField(
        label=_("To the year"), required=False, min_value=2000, max_value=2100
    )
    language = forms.ChoiceField(label=_("Labels in"), choices=LANGUAGES)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first_year"), data.get("last_year")
        if first and last and first > last:
            self.add_error("last_year", _("The last year cannot be before the first."))
        return data


class YearsForm(forms.Form):
    """The factor study's filter (GET)."""

    first_year = forms.IntegerField(
        label=_("From the year"), required=False, min_value=2000, max_value=2100
    )
    last_year = forms.IntegerField(
        label=_("To the year"), required=False, min_value=2000, max_value=2100
    )
