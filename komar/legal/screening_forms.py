"""The screening's forms: her answers (on one page with what her file records), and the
measures the legal officer chooses to pursue. The date rules are checked here, to show what is
wrong on the field, and again by the actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from komar.cases.forms import (
    ConfirmsDates,
    DateInput,
    VersionedForm,
    limit_long_text,
    not_in_future,
)
from komar.cases.models import Child, CustodyEpisode, Mother
from komar.legal.models import (
    CareArrangement,
    DetentionGround,
    Measure,
    Screening,
    SupervisionObligation,
)
from komar.legal.screening_actions import CARE_TEXT_LIMITS, INPUT_FIELDS, screening_problems

OBLIGATIONS_HELP = _(
    "Tick each obligation the investigating judge may set that she can keep. An obligation "
    "to keep to a fixed address needs one; bail needs a guarantor or the means."
)


class ScreeningForm(ConfirmsDates, forms.ModelForm):
    grounds_claimed = forms.MultipleChoiceField(
        label=_("Reasons for detention claimed (art. 205)"),
        choices=DetentionGround.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Tick each reason the prosecutor or the judge gives for keeping her detained. "
            "Leave all empty if none is claimed."
        ),
    )
    obligations = forms.MultipleChoiceField(
        label=_("Obligations of judicial supervision she can meet"),
        choices=SupervisionObligation.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=OBLIGATIONS_HELP,
    )

    class Meta:
        model = Screening
        # Who would care for each child is the care rows' (`CareFormSet`).
        fields = [name for name in INPUT_FIELDS if name != "care"]
        widgets = {
            "screened_on": DateInput(),
            "health_note": forms.Textarea(attrs={"rows": 3}),
            "care_note": forms.Textarea(attrs={"rows": 3}),
            "obligations_note": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "screened_on": _("Date of the screening"),
            "stable_address": _("Has she a stable address?"),
            "address_note": _("The address"),
            "guarantor": _("Has she a guarantor (someone who vouches for her)?"),
            "guarantor_note": _("The guarantor: name, relationship, phone"),
            "drug_treatment_need": _("Does she need drug treatment?"),
            "health_note": _("Her health and pregnancy"),
            "care_note": _("About the care of her children"),
            "obligations_note": _("Other conditions or details"),
        }
        help_texts = {
            "health_note": _("Illness, treatment she needs, the pregnancy and its care."),
            "care_note": _(
                "Whether the carers named are able and willing, and anything else the court "
                "should know about the children's care."
            ),
            "obligations_note": _(
                "What the ticked obligations mean for her (the address, the police post, the "
                "days), or a condition not in the list."
            ),
        }

    def __init__(
        self,
        *args: Any,
        mother: Mother,
        episode: CustodyEpisode | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.mother = mother
        self.episode = episode
        for name in ("stable_address", "guarantor", "drug_treatment_need"):
            field = self.fields[name]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = [("", _("Choose")), *Screening.Answer.choices]
        limit_long_text(self)

    def clean_screened_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["screened_on"]
        not_in_future(value)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("screened_on"):
            self.check_dates(screening_problems(self.mother, self.episode, cleaned["screened_on"]))
        return cleaned


class CareForm(forms.Form):
    """Who would care for one of her children if she stays detained."""

    child = forms.CharField(widget=forms.HiddenInput)
    arrangement = forms.ChoiceField(
        label=_("Who would care for the child"),
        choices=[("", _("Choose")), *CareArrangement.choices],
        required=False,
    )
    carer_name = forms.CharField(
        label=_("The carer's name"), max_length=CARE_TEXT_LIMITS["carer_name"], required=False
    )
    note = forms.CharField(
        label=_("Able and willing? A short note"),
        max_length=CARE_TEXT_LIMITS["note"],
        required=False,
    )

    def __init__(self, *args: Any, children: dict[str, Child], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.children = children
        code = self.data.get(self.add_prefix("child")) if self.is_bound else None
        child = children.get(str(code or self.initial.get("child") or ""))
        self.child_record = child
        # "Sok Vichet · The carer's name: ..." in the error summary.
        self.summary_caption = child.display_name if child is not None else ""

    def clean_child(self) -> str:
        code = str(self.cleaned_data["child"])
        if code not in self.children:
            raise forms.ValidationError(
                _("This child is not one of her children under 18. Open the page again.")
            )
        return code


class BaseCareFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(form.errors for form in self.forms):
            return
        codes = [form.cleaned_data.get("child") for form in self.forms]
        if len(codes) != len(set(codes)):
            raise forms.ValidationError(_("A child is listed twice. Open the page again."))

    def rows(self) -> list[dict[str, str]]:
        return [
            {k: form.cleaned_data.get(k) or "" for k in ("child", "arrangement", *CARE_TEXT_LIMITS)}
            for form in self.forms
        ]


CareFormSet = forms.formset_factory(CareForm, formset=BaseCareFormSet, extra=0, max_num=30)


def care_formset(
    data: Any, children: list[Child], stored: list[dict[str, Any]] | None = None
) -> BaseCareFormSet:
    """A row for each of her children under 18, with what the screening recorded."""
    by_code = {str(c.code): c for c in children}
    saved = {str(row.get("child")): row for row in stored or ()}
    initial = [{**saved.get(code, {}), "child": code} for code in by_code]
    formset = CareFormSet(data, initial=initial, prefix="care", form_kwargs={"children": by_code})
    assert isinstance(formset, BaseCareFormSet)
    return formset


class ScreeningEditForm(VersionedForm, ScreeningForm):
    class Meta(ScreeningForm.Meta):
        pass


class ChoiceForm(VersionedForm):
    """The measures to pursue, and why."""

    chosen = forms.MultipleChoiceField(
        label=_("Measures to pursue"),
        choices=Measure.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Screening
        fields = ["chosen", "chosen_reason"]
        widgets = {"chosen_reason": forms.Textarea(attrs={"rows": 5})}
        labels = {"chosen_reason": _("Why these measures")}
        help_texts = {
            "chosen_reason": _(
                "What in her situation and her children's makes these measures right, and what "
                "you will ask the court or the prosecutor for."
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_long_text(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("chosen") and not (cleaned.get("chosen_reason") or "").strip():
            self.add_error("chosen_reason", _("Say why you chose these measures."))
        return cleaned
