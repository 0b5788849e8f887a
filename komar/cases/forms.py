from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core import validators
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from komar.cases.models import Child, Consent, CustodyEpisode, Mother, OffenceCategory, Placement
from komar.facilities.models import Facility
from komar.lib.dates import add_months
from komar.lib.names import clean_name
from komar.lib.rules import all_rules


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def not_in_future(value: dt.date | None) -> None:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(_("This date is in the future."))


# A date of casework (a session, an assessment, a panel) further back is a typing mistake.
CASEWORK_YEARS_BACK = 10
# Free text (her words, evidence, reasons): generous, but bounded.
LONG_TEXT_CHARS = 5000


def casework_date(value: dt.date) -> dt.date:
    """Not in the future, and not so long ago that the year must be mistyped."""
    not_in_future(value)
    if value < add_months(timezone.localdate(), -12 * CASEWORK_YEARS_BACK):
        raise forms.ValidationError(
            _("This date is more than %(years)s years ago: check the year.")
            % {"years": CASEWORK_YEARS_BACK}
        )
    return value


def limit_long_text(form: forms.BaseForm, chars: int = LONG_TEXT_CHARS) -> None:
    """Bound every multi-line text field of a form, with the browser's help too."""
    for field in form.fields.values():
        if not isinstance(field, forms.CharField) or not isinstance(field.widget, forms.Textarea):
            continue
        if field.max_length is None:
            field.max_length = chars
            field.validators.append(validators.MaxLengthValidator(chars))
            field.widget.attrs["maxlength"] = str(chars)


def _active_facilities() -> Any:
    return Facility.objects.filter(is_active=True, holds_women=True).select_related("province")


def _choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


def _typed_choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class NamesMixin(forms.ModelForm):
    """Both name fields are cleaned the same way; at least one is required."""

    def clean_name_km(self) -> str:
        return clean_name(self.cleaned_data.get("name_km", ""))

    def clean_name_latin(self) -> str:
        return clean_name(self.cleaned_data.get("name_latin", ""))

    def _require_a_name(self, cleaned: dict[str, Any]) -> None:
        if not cleaned.get("name_km") and not cleaned.get("name_latin"):
            self.add_error("name_km", _("Enter the name in Khmer script or in Latin letters."))


class VersionedForm(forms.ModelForm):
    """Carries the record's version so that a concurrent edit is detected, not overwritten."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.initial["version"] = self.instance.version


MOTHER_FIELDS = [
    "name_km",
    "name_latin",
    "other_names",
    "date_of_birth",
    "dob_is_estimated",
    "ethnicity",
    "nationality",
    "national_id_number",
    "family_book_number",
    "other_identity_document",
    "province",
    "district",
    "commune",
    "village",
    "phone",
    "emergency_contact",
    "literacy",
    "first_offence",
    "is_pregnant",
    "expected_delivery_date",
    "is_breastfeeding",
    "notes",
]


class MotherForm(NamesMixin):
    class Meta:
        model = Mother
        fields = MOTHER_FIELDS
        widgets = {
            "date_of_birth": DateInput(),
            "expected_delivery_date": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "date_of_birth": _("If she does not know it, estimate it and tick the box below."),
            "other_names": _("Nicknames or other spellings, separated by commas."),
        }

    def clean_date_of_birth(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("date_of_birth")
        not_in_future(value)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._require_a_name(cleaned)
        if cleaned.get("is_pregnant") and not cleaned.get("expected_delivery_date"):
            self.add_error("expected_delivery_date", _("Enter the expected delivery date."))
        if not cleaned.get("is_pregnant"):
            cleaned["expected_delivery_date"] = None
        return cleaned


class MotherEditForm(VersionedForm, MotherForm):
    class Meta(MotherForm.Meta):
        fields = MOTHER_FIELDS


EPISODE_FIELDS = [
    "facility",
    "prison_number",
    "admission_date",
    "legal_status",
    "offence_category",
    "charges",
    "court",
    "lawyer",
    "expected_release_date",
]


class EpisodeForm(forms.ModelForm):
    class Meta:
        model = CustodyEpisode
        fields = EPISODE_FIELDS
        widgets = {
            "admission_date": DateInput(),
            "expected_release_date": DateInput(),
            "charges": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "facility" in self.fields:
            _choice_field(self, "facility").queryset = _active_facilities()
        _choice_field(self, "offence_category").queryset = OffenceCategory.objects.filter(
            is_active=True
        )
        # No default: a status nobody chose must not be recorded as police custody.
        _typed_choice_field(self, "legal_status").choices = [
            ("", "---------"),
            *[c for c in CustodyEpisode.LegalStatus.choices if c[0] != "released"],
        ]

    def clean_admission_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["admission_date"]
        not_in_future(value)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        admitted, release = cleaned.get("admission_date"), cleaned.get("expected_release_date")
        if admitted and release and release < admitted:
            self.add_error(
                "expected_release_date", _("The expected release date is before admission.")
            )
        return cleaned


class EpisodeEditForm(VersionedForm, EpisodeForm):
    """Corrects a custody episode. Changing the facility here corrects a typing mistake; a real
    move between prisons is a transfer, which keeps the history."""

    class Meta(EpisodeForm.Meta):
        fields = EPISODE_FIELDS
        help_texts = {
            "facility": _("Only to correct a mistake. If she moved, record a transfer instead."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.ended_on is not None:
            _typed_choice_field(self, "legal_status").choices = CustodyEpisode.LegalStatus.choices


class InCustodyForm(forms.Form):
    in_custody = forms.BooleanField(
        label=_("She is in custody now (record the facility and admission)"),
        required=False,
        initial=True,
    )


CHILD_FIELDS = [
    "name_km",
    "name_latin",
    "sex",
    "date_of_birth",
    "dob_is_estimated",
    "birth_registration",
    "birth_certificate_number",
    "born_in_custody",
    "notes",
]


class ChildForm(NamesMixin):
    class Meta:
        model = Child
        fields = CHILD_FIELDS
        widgets = {"date_of_birth": DateInput(), "notes": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "born_in_custody": _(
                "Kept confidential: never printed on identity documents or summaries."
            ),
        }

    def clean_date_of_birth(self) -> dt.date:
        value: dt.date = self.cleaned_data["date_of_birth"]
        not_in_future(value)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._require_a_name(cleaned)
        return cleaned


class ChildEditForm(VersionedForm, ChildForm):
    class Meta(ChildForm.Meta):
        fields = CHILD_FIELDS


class PlacementForm(forms.ModelForm):
    """Where the child lives now. 'With her mother' means in the mother's facility."""

    class Meta:
        model = Placement
        fields = [
            "kind",
            "carer_name",
            "carer_relationship",
            "carer_contact",
            "start_date",
            "notes",
        ]
        widgets = {"start_date": DateInput(), "notes": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "carer_name": _("Who looks after the child, if not her mother in the facility."),
        }

    def clean_start_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["start_date"]
        not_in_future(value)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind")
        needs_carer = kind not in (
            Placement.Kind.WITH_MOTHER,
            Placement.Kind.MOTHER_OUTSIDE,
            Placement.Kind.UNKNOWN,
            None,
        )
        if needs_carer and not cleaned.get("carer_name"):
            self.add_error(
                "carer_name", _("Enter the name of the person or place caring for the child.")
            )
        return cleaned


class ChildWithPlacementForm(forms.Form):
    """One child in the registration form: her details and where she lives now."""

    def __init__(self, data: Any = None, *, prefix: str) -> None:
        super().__init__(data, prefix=prefix)
        self.child = ChildForm(data, prefix=f"{prefix}-child")
        self.placement = PlacementForm(data, prefix=f"{prefix}-placement")

    def is_valid(self) -> bool:
        child_ok = self.child.is_valid()
        placement_ok = self.placement.is_valid()
        if child_ok and placement_ok:
            born = self.child.cleaned_data["date_of_birth"]
            since = self.placement.cleaned_data["start_date"]
            if since < born:
                self.placement.add_error(
                    "start_date", _("The child cannot live somewhere before the date of birth.")
                )
                return False
        return child_ok and placement_ok


class TransferForm(forms.Form):
    to_facility = forms.ModelChoiceField(queryset=Facility.objects.none(), label=_("To facility"))
    on = forms.DateField(label=_("Date of transfer"), widget=DateInput())
    prison_number = forms.CharField(
        label=_("Prison registration number at the new facility"), required=False, max_length=40
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "to_facility").queryset = _active_facilities()

    def clean_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["on"]
        not_in_future(value)
        return value


class ReleaseForm(forms.Form):
    on = forms.DateField(label=_("Date of release"), widget=DateInput())
    release_kind = forms.ChoiceField(
        label=_("Kind of release"), choices=CustodyEpisode.ReleaseKind.choices
    )

    def clean_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["on"]
        not_in_future(value)
        return value


class BirthForm(NamesMixin):
    class Meta:
        model = Child
        fields = ["name_km", "name_latin", "sex", "date_of_birth", "birth_registration"]
        widgets = {"date_of_birth": DateInput()}

    def clean_date_of_birth(self) -> dt.date:
        value: dt.date = self.cleaned_data["date_of_birth"]
        not_in_future(value)
        return value


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["purpose", "shared_with", "method", "witness_name", "given_on"]
        widgets = {"given_on": DateInput()}

    def clean_given_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["given_on"]
        not_in_future(value)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("purpose") == Consent.Purpose.SHARING and not cleaned.get("shared_with"):
            self.add_error("shared_with", _("Name the organisation the data may be shared with."))
        if cleaned.get("purpose") != Consent.Purpose.SHARING:
            cleaned["shared_with"] = ""
        if cleaned.get("method") == Consent.Method.VERBAL and not cleaned.get("witness_name"):
            self.add_error("witness_name", _("Verbal consent needs a named witness."))
        return cleaned


class WithdrawConsentForm(forms.Form):
    on = forms.DateField(label=_("Withdrawn on"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def clean_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["on"]
        not_in_future(value)
        return value


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    facility = forms.ModelChoiceField(
        label=_("Facility"), queryset=Facility.objects.none(), required=False, empty_label=_("Any")
    )
    legal_status = forms.ChoiceField(
        label=_("Legal status"),
        choices=[("", _("Any")), *list(CustodyEpisode.LegalStatus.choices)],
        required=False,
    )
    child = forms.ChoiceField(
        label=_("Children"),
        required=False,
        choices=[
            ("", _("Any")),
            ("inside", _("A child inside")),
            ("near_limit", _("A child near the stay limit")),
            ("over_limit", _("A child over the limit")),
            ("unknown", _("A child whose whereabouts are unknown")),
        ],
    )
    pregnant = forms.BooleanField(label=_("Pregnant"), required=False)
    flag = forms.ChoiceField(label=_("With the flag"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "facility").queryset = Facility.objects.filter(holds_women=True)
        # Every registered rule, from whichever workflow: the registry does not list them.
        _typed_choice_field(self, "flag").choices = [
            ("", _("Any")),
            *((r.code, r.title) for r in sorted(all_rules(), key=lambda r: (r.priority, r.code))),
        ]
