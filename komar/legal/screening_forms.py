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
from komar.legal.models import DetentionGround, Measure, Screening
from komar.legal.screening_actions import INPUT_FIELDS, screening_problems

OBLIGATIONS_HELP = _(
    "The obligations the investigating judge may set that she can keep, for example: live at "
    "a set address and not move without permission, report to the police on set days, answer "
    "every summons, hand in her identity documents, stay away from set places or people."
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

    class Meta:
        model = Screening
        fields = INPUT_FIELDS
        widgets = {
            "screened_on": DateInput(),
            "health_note": forms.Textarea(attrs={"rows": 3}),
            "care_if_detained": forms.Textarea(attrs={"rows": 4}),
            "obligations_she_can_meet": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "screened_on": _("Date of the screening"),
            "stable_address": _("Has she a stable address?"),
            "address_note": _("The address"),
            "guarantor": _("Has she a guarantor (someone who vouches for her)?"),
            "guarantor_note": _("The guarantor: name, relationship, phone"),
            "drug_treatment_need": _("Does she need drug treatment?"),
            "health_note": _("Her health and pregnancy"),
            "care_if_detained": _("Who will care for each child if she stays detained"),
            "obligations_she_can_meet": _("Obligations of judicial supervision she can meet"),
        }
        help_texts = {
            "health_note": _("Illness, treatment she needs, the pregnancy and its care."),
            "care_if_detained": _(
                "One line for each child: who would care for the child, and whether that "
                "person is able and willing."
            ),
            "obligations_she_can_meet": OBLIGATIONS_HELP,
        }

    def __init__(
        self,
        *args: Any,
        mother: Mother,
        episode: CustodyEpisode | None,
        children: list[Child] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.mother = mother
        self.episode = episode
        for name in ("stable_address", "guarantor", "drug_treatment_need"):
            field = self.fields[name]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = [("", _("Choose")), *Screening.Answer.choices]
        if not self.is_bound and not self.instance.pk and children:
            # A line to complete for each child.
            self.initial.setdefault(
                "care_if_detained", "\n".join(f"{c.display_name}: " for c in children)
            )
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
