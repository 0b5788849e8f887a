"""Forms of the legal case. The date rules (`case_actions`) are checked here, to show the
worker what is wrong on the field concerned, and again by the actions.

A moment (the arrest, police custody) is typed as a date (day, month by name, year: the
registry's `DateInput`) and a time on the 24-hour clock, in the facility's time zone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from komar.cases.forms import (
    ConfirmsDates,
    DateInput,
    VersionedForm,
    casework_date,
    limit_long_text,
    not_in_future,
)
from komar.cases.models import Mother
from komar.legal import case_actions
from komar.legal.derived import Stay
from komar.legal.models import (
    Application,
    DetentionGround,
    DetentionOrder,
    Hearing,
    LegalCase,
    OffenceClass,
    SupervisionObligation,
)

TIME_FORMATS = ["%H:%M", "%H.%M", "%H%M", "%Hh%M", "%H:%M:%S"]
# The moments of a case: (model field, date field, time field).
MOMENTS = (
    ("arrested_at", "arrested_on", "arrested_time"),
    ("police_custody_start", "custody_from_on", "custody_from_time"),
    ("police_custody_end", "custody_until_on", "custody_until_time"),
)


def _time_field(label: Any) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=False,
        input_formats=TIME_FORMATS,
        help_text=_("On the 24-hour clock, for example 14:30."),
        widget=forms.TimeInput(
            format="%H:%M", attrs={"size": "5", "maxlength": "8", "autocomplete": "off"}
        ),
    )


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=DateInput())


class _StayForm(ConfirmsDates, forms.ModelForm):
    """A form about one stay of one woman."""

    def __init__(
        self,
        *args: Any,
        mother: Mother,
        stay: Stay,
        legal_case: LegalCase | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.mother = mother
        self.stay = stay
        self.legal_case = legal_case
        limit_long_text(self)


class LegalCaseForm(_StayForm):
    """The case's own facts: arrest, police custody, the offence, the judge and the lawyer."""

    arrested_on = _date_field(_("Arrested on"))
    arrested_time = _time_field(_("Time of the arrest"))
    custody_from_on = _date_field(_("Police custody began on"))
    custody_from_time = _time_field(_("Time it began"))
    custody_until_on = _date_field(_("Police custody ended on"))
    custody_until_time = _time_field(_("Time it ended"))
    lawyer = forms.CharField(
        label=_("Lawyer or legal-aid provider"),
        max_length=150,
        required=False,
        help_text=_("Her lawyer's name and organisation. Kept with her custody details."),
    )
    episode_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # Shown as groups, each a fieldset with a heading.
    GROUPS = (
        (_("The arrest"), ("arrested_on", "arrested_time", "arrest_place")),
        (
            _("Police custody"),
            (
                "custody_from_on",
                "custody_from_time",
                "custody_until_on",
                "custody_until_time",
                "police_custody_extended",
                "extension_authorised_by",
            ),
        ),
        (
            _("The offence"),
            ("offence_class", "is_violent", "minimum_penalty_months", "maximum_penalty_months"),
        ),
        (
            _("The investigation and her defence"),
            ("investigating_judge", "lawyer", "lawyer_assigned_on", "notes"),
        ),
    )

    class Meta:
        model = LegalCase
        fields = [
            "arrest_place",
            "police_custody_extended",
            "extension_authorised_by",
            "offence_class",
            "is_violent",
            "minimum_penalty_months",
            "maximum_penalty_months",
            "investigating_judge",
            "lawyer_assigned_on",
            "notes",
        ]
        widgets = {
            "lawyer_assigned_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "arrest_place": _("The village, commune or police post."),
            "police_custody_extended": _(
                "Only a felony's police custody may be extended, with the prosecutor's written "
                "approval (Code of Criminal Procedure, art. 96)."
            ),
            "extension_authorised_by": _("The prosecutor who approved it in writing."),
            "offence_class": _(
                "From the charge: the class sets how long pre-trial detention may last."
            ),
            "minimum_penalty_months": _(
                "The least prison term the law sets for the offence charged, in months (1 year "
                "= 12). For a misdemeanour, pre-trial detention may not last longer than half "
                "of it."
            ),
            "maximum_penalty_months": _("The longest prison term for the offence, in months."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields([name for _title, names in self.GROUPS for name in names])
        offence_class = self.fields["offence_class"]
        assert isinstance(offence_class, forms.ChoiceField)
        offence_class.choices = [("", _("Not known yet")), *OffenceClass.choices]
        category = self.stay.latest.offence_category
        if category is not None:
            self.fields["is_violent"].help_text = (
                _("The offence category (%(category)s) is marked violent.")
                if category.is_violent
                else _("The offence category (%(category)s) is not marked violent.")
            ) % {"category": category}
        if not self.is_bound:
            latest = self.stay.latest
            self.initial.setdefault("lawyer", latest.lawyer)
            self.initial["episode_version"] = latest.version
            for model_field, day_field, time_field in MOMENTS:
                moment = getattr(self.instance, model_field, None)
                if moment is not None:
                    local = timezone.localtime(moment)
                    self.initial[day_field] = local.date()
                    self.initial[time_field] = local.time().replace(second=0, microsecond=0)

    @property
    def groups(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in self.GROUPS]

    @property
    def grouped_names(self) -> set[str]:
        """The fields shown in a group; the others (hidden, and the boxes that confirm a date)
        follow the groups."""
        return {name for _title, names in self.GROUPS for name in names}

    def clean_lawyer(self) -> str:
        return str(self.cleaned_data.get("lawyer", "")).strip()

    def _moment(self, cleaned: dict[str, Any], day_field: str, time_field: str) -> Any:
        day: dt.date | None = cleaned.get(day_field)
        time: dt.time | None = cleaned.get(time_field)
        if day_field in self.errors or time_field in self.errors:
            return None
        if day is None and time is None:
            return None
        if day is None:
            self.add_error(day_field, _("Enter the date too."))
            return None
        if time is None:
            self.add_error(time_field, _("Enter the time too: police custody is counted in hours."))
            return None
        try:
            not_in_future(day)
        except forms.ValidationError as error:
            self.add_error(day_field, error)
            return None
        moment = timezone.make_aware(dt.datetime.combine(day, time))
        if moment > timezone.now():
            self.add_error(time_field, _("This time is in the future."))
            return None
        return moment

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for model_field, day_field, time_field in MOMENTS:
            cleaned[model_field] = self._moment(cleaned, day_field, time_field)
        if cleaned.get("police_custody_extended") and not cleaned.get("extension_authorised_by"):
            self.add_error(
                "extension_authorised_by",
                _("Enter who authorised the extension in writing, or untick the box."),
            )
        low, high = cleaned.get("minimum_penalty_months"), cleaned.get("maximum_penalty_months")
        if low is not None and high is not None and low > high:
            self.add_error(
                "maximum_penalty_months", _("The maximum cannot be less than the minimum.")
            )
        if cleaned.get("lawyer_assigned_on") and not cleaned.get("lawyer"):
            self.add_error("lawyer", _("Enter the lawyer's name, or leave the date empty."))
        assigned = cleaned.get("lawyer_assigned_on")
        if assigned is not None and "lawyer_assigned_on" not in self.errors:
            try:
                not_in_future(assigned)
            except forms.ValidationError as error:
                self.add_error("lawyer_assigned_on", error)
        values = {name: cleaned.get(name) for name in case_actions.CASE_FIELDS}
        self.check_dates(case_actions.case_problems(self.mother, self.stay, values))
        return cleaned


class LegalCaseEditForm(VersionedForm, LegalCaseForm):
    class Meta(LegalCaseForm.Meta):
        pass


class DetentionOrderForm(_StayForm):
    grounds = forms.MultipleChoiceField(
        label=_("Grounds the order gives (art. 205)"),
        choices=DetentionGround.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick each ground the order states. If it states none, tick none."),
    )

    class Meta:
        model = DetentionOrder
        fields = ["kind", "ordered_on", "term_months", "grounds"]
        widgets = {"ordered_on": DateInput()}
        help_texts = {
            "term_months": _("How long the order or extension holds her, in months."),
        }

    def __init__(self, *args: Any, orders: list[DetentionOrder], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.orders = orders
        self.fields["term_months"].widget.attrs.update({"min": "1", "max": "36"})

    def clean_term_months(self) -> int:
        value: int = self.cleaned_data["term_months"]
        if not 1 <= value <= 36:
            raise forms.ValidationError(_("Enter a term from 1 to 36 months."))
        return value

    def clean_ordered_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["ordered_on"]
        not_in_future(value)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("ordered_on") and cleaned.get("kind"):
            self.check_dates(
                case_actions.order_problems(
                    self.mother, self.stay, self.legal_case, self.orders, cleaned
                )
            )
        return cleaned


class HearingForm(_StayForm):
    class Meta:
        model = Hearing
        fields = ["is_scheduled", "held_on", "kind", "court", "outcome", "next_on"]
        widgets = {
            "held_on": DateInput(),
            "next_on": DateInput(),
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"is_scheduled": _("It has not taken place yet: it is scheduled for this date")}
        help_texts = {
            "is_scheduled": _(
                "Tick it to record a hearing ahead (a summons, a date the court gave). Once it "
                "has taken place, correct it: untick this and write what came of it."
            ),
            "held_on": _("The day it took place, or the day it is scheduled for."),
            "outcome": _("What the court decided or asked for, in a few words."),
            "next_on": _("If the court set one."),
        }

    def clean_held_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["held_on"]
        if self.data.get(self.add_prefix("is_scheduled")):
            return value  # a date ahead: the date rules check it (today or later)
        return casework_date(value)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("held_on"):
            self.check_dates(case_actions.hearing_problems(self.mother, self.legal_case, cleaned))
        return cleaned


class HearingEditForm(VersionedForm, HearingForm):
    class Meta(HearingForm.Meta):
        pass


class DetentionOrderEditForm(VersionedForm, DetentionOrderForm):
    class Meta(DetentionOrderForm.Meta):
        pass


class ApplicationForm(_StayForm):
    class Meta:
        model = Application
        fields = ["kind", "filed_on", "note"]
        widgets = {"filed_on": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"note": _("For example: the grounds argued, the guarantor proposed.")}

    def clean_filed_on(self) -> dt.date:
        return casework_date(self.cleaned_data["filed_on"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("filed_on"):
            self.check_dates(
                case_actions.application_problems(self.mother, self.legal_case, cleaned)
            )
        return cleaned


class DecisionForm(ConfirmsDates, VersionedForm):
    """The court's decision on an application."""

    outcome = forms.ChoiceField(
        label=_("The court's decision"),
        choices=[
            ("", "---------"),
            *(
                (value, label)
                for value, label in Application.Outcome.choices
                if value != Application.Outcome.PENDING
            ),
        ],
        error_messages={"required": _("Choose the court's decision.")},
    )

    obligations = forms.MultipleChoiceField(
        label=_("Obligations set by the court"),
        choices=SupervisionObligation.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Under judicial supervision: tick each obligation she must meet."),
    )

    class Meta:
        model = Application
        fields = ["outcome", "decided_on", "obligations", "obligations_note"]
        widgets = {
            "decided_on": DateInput(),
            "obligations_note": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"obligations_note": _("Other conditions or details")}
        help_texts = {
            "decided_on": _("The day the court decided (or the application was withdrawn)."),
            "obligations_note": _(
                "What the obligations ticked mean (the address, the police post, the days), "
                "or a condition the court set that is not in the list."
            ),
        }

    def __init__(self, *args: Any, stay: Stay, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stay = stay
        self.fields["decided_on"].required = True
        if not self.is_bound and self.instance.outcome == Application.Outcome.PENDING:
            self.initial["outcome"] = ""
        limit_long_text(self)

    def clean_decided_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["decided_on"]
        not_in_future(value)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decided_on"):
            self.check_dates(case_actions.decision_problems(self.instance, cleaned, self.stay))
        return cleaned


class JudgmentForm(_StayForm):
    class Meta:
        model = LegalCase
        fields = list(case_actions.JUDGMENT_FIELDS)
        widgets = {"judgment_on": DateInput()}
        help_texts = {
            "prison_months": _("The whole term, in months, a suspended part included."),
            "suspended_months": _("For a suspended sentence: the months suspended."),
        }

    def __init__(self, *args: Any, orders: list[DetentionOrder], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.orders = orders
        self.fields["judgment_on"].required = True
        self.fields["judgment"].required = True
        self.fields["judgment"].error_messages["required"] = _("Choose the judgment.")

    def clean_judgment_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["judgment_on"]
        not_in_future(value)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, message in case_actions.judgment_consistency(cleaned).items():
            if name not in self.errors:
                self.add_error(name, message)
        if cleaned.get("judgment_on"):
            self.check_dates(
                case_actions.judgment_problems(
                    self.mother, self.legal_case, self.orders, cleaned, self.stay
                )
            )
        return cleaned


class JudgmentEditForm(VersionedForm, JudgmentForm):
    class Meta(JudgmentForm.Meta):
        pass
