from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core import validators
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from komar.accounts.models import Organisation, Role, User
from komar.cases.actions import (
    active_sharing_consent,
    assignable_legal_officers,
    assignable_workers,
)
from komar.cases.date_rules import (
    EARLIEST,
    History,
    Problem,
    Stay,
    birth_problems,
    check_child,
    check_mother,
    check_placement,
    check_stay,
    check_stay_end,
    check_with_mother,
    consent_problems,
    placement_problems,
)
from komar.cases.models import (
    Child,
    Closure,
    Consent,
    CustodyEpisode,
    Mother,
    OffenceCategory,
    Placement,
    Referral,
)
from komar.facilities.models import Facility
from komar.lib.dates import add_months
from komar.lib.identity import clean_document_number, clean_document_text, clean_national_id
from komar.lib.names import CARER_PUNCTUATION, clean_name, validate_name, validate_names
from komar.lib.phones import clean_phone, looks_like_phone
from komar.lib.rules import all_rules

MONTHS = [
    _("January"),
    _("February"),
    _("March"),
    _("April"),
    _("May"),
    _("June"),
    _("July"),
    _("August"),
    _("September"),
    _("October"),
    _("November"),
    _("December"),
]


class DateInput(forms.MultiWidget):
    """A date as day, month (by name) and year: read the same way whatever the browser's
    language, unlike `<input type=date>`, which shows 01/03 as 1 March or 3 January.

    The form data hold `<name>_day`, `<name>_month` and `<name>_year`; a single ISO date under
    `<name>` is read too (for scripts and tests). What cannot be a date reaches the field as
    typed, so the field says "Enter a valid date." in the user's language.
    """

    template_name = "cases/widgets/date_parts.html"
    PARTS = ("day", "month", "year")

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        day = forms.TextInput(
            attrs={"inputmode": "numeric", "maxlength": "2", "size": "2", "class": "date-day"}
        )
        month = forms.Select(
            choices=[("", _("Month")), *((str(i), name) for i, name in enumerate(MONTHS, 1))],
            attrs={"class": "date-month"},
        )
        year = forms.TextInput(
            attrs={"inputmode": "numeric", "maxlength": "4", "size": "4", "class": "date-year"}
        )
        super().__init__({"day": day, "month": month, "year": year}, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                return [None, None, None]
        if isinstance(value, dt.date):
            return [value.day, str(value.month), value.year]
        return [None, None, None]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if name in data and not any(f"{name}_{part}" in data for part in self.PARTS):
            return data.get(name)
        day, month, year = (str(data.get(f"{name}_{part}") or "").strip() for part in self.PARTS)
        if not (day or month or year):
            return None
        if day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4:
            try:
                return dt.date(int(year), int(month), int(day))
            except (ValueError, OverflowError):
                pass
        # Not a date (a 2-digit year included): something no date format reads, so that the
        # field refuses it with its own message rather than guess.
        return f"?{day}?{month}?{year}"

    def id_for_label(self, id_: str) -> str:
        # The field's label names the day box; each box has its caption too.
        return f"{id_}_0" if id_ else ""

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and not any(f"{name}_{part}" in data for part in self.PARTS)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        captions = [_("Day"), _("Month"), _("Year")]
        for sub, caption in zip(context["widget"]["subwidgets"], captions, strict=True):
            sub["caption"] = caption
        return context


def not_in_future(value: dt.date | None) -> None:
    if value is not None and value < EARLIEST:
        raise forms.ValidationError(_("A date before 1900 cannot be right: check the year."))
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(_("This date is in the future."))


def not_before_1900(value: dt.date | None) -> None:
    if value is not None and value < EARLIEST:
        raise forms.ValidationError(_("A date before 1900 cannot be right: check the year."))


class ConfirmsDates:
    """For a form whose dates the rules of `date_rules` check.

    `check_dates(problems)` puts each impossible date on its field as an error, and each
    improbable one as an error too until the box that this adds for it, below the fields,
    is ticked. `confirmed_dates` then holds the codes ticked, for the action to check again and
    to audit.
    """

    confirmed_dates: list[str] = []  # always replaced, never appended to

    def check_dates(self, problems: list[Problem]) -> None:
        form = self
        assert isinstance(form, forms.BaseForm)
        data = form.data if form.is_bound else {}
        self.confirmed_dates = []
        for problem in problems:
            where = problem.field if problem.field in form.fields else None
            if not problem.confirmable:
                form.add_error(where, problem.message)
                continue
            name = f"confirm__{problem.code}"
            form.fields[name] = forms.BooleanField(
                required=False,
                label=format_lazy("{} {}", problem.message, _("I have checked: this is right.")),
            )
            if data.get(form.add_prefix(name)) in ("on", "1", "true", "True", True):
                self.confirmed_dates.append(problem.code)
            else:
                form.add_error(
                    where,
                    format_lazy(
                        "{} {}",
                        problem.message,
                        _("Check it. If it is right, tick “I have checked: this is right.” below."),
                    ),
                )


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


def long_text_help(chars: int = LONG_TEXT_CHARS) -> str:
    """The limit of a free-text field, told to the user ("Up to 5,000 characters.")."""
    return ngettext("Up to %(count)s character.", "Up to %(count)s characters.", chars) % {
        "count": number_format(chars, force_grouping=True)
    }


def limit_long_text(form: forms.BaseForm, chars: int = LONG_TEXT_CHARS) -> None:
    """Bound every multi-line text field of a form, with the browser's help too, and say so
    in its help text."""
    for field in form.fields.values():
        if not isinstance(field, forms.CharField) or not isinstance(field.widget, forms.Textarea):
            continue
        if field.max_length is None:
            field.max_length = chars
            field.validators.append(validators.MaxLengthValidator(chars))
            field.widget.attrs["maxlength"] = str(chars)
        limit = long_text_help(field.max_length)
        if limit not in str(field.help_text):
            field.help_text = f"{field.help_text} {limit}" if field.help_text else limit


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
    """Both name fields are cleaned and checked the same way; at least one is required. Free
    text is bounded."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_long_text(self)

    def clean_name_km(self) -> str:
        value = clean_name(self.cleaned_data.get("name_km", ""))
        validate_name(value, "khmer")
        return value

    def clean_name_latin(self) -> str:
        value = clean_name(self.cleaned_data.get("name_latin", ""))
        validate_name(value, "latin")
        return value

    def _require_a_name(self, cleaned: dict[str, Any]) -> None:
        if not cleaned.get("name_km") and not cleaned.get("name_latin"):
            self.add_error("name_km", _("Enter the name in Khmer script or in Latin letters."))


def clean_person_name(value: str) -> str:
    """A name in either script (a carer's, a witness's): a carer may be a place, with
    brackets or commas."""
    value = clean_name(value)
    validate_name(value, punctuation=CARER_PUNCTUATION)
    return value


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


class MotherForm(ConfirmsDates, NamesMixin):
    """Her details. At registration the page checks her dates with her custody and children;
    a correction checks them against everything already recorded about her."""

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
            "phone": _("For example 012 345 678. A foreign number starts with + and its code."),
            "national_id_number": _("9 digits, for example 160 234 567."),
        }

    def clean_other_names(self) -> str:
        names = (clean_name(n) for n in self.cleaned_data["other_names"].split(","))
        value = ", ".join(n for n in names if n)
        validate_names(value)
        return value

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])

    def clean_national_id_number(self) -> str:
        return clean_national_id(self.cleaned_data["national_id_number"])

    def clean_family_book_number(self) -> str:
        return clean_document_number(self.cleaned_data["family_book_number"])

    def clean_other_identity_document(self) -> str:
        return clean_document_text(self.cleaned_data["other_identity_document"])

    def clean_date_of_birth(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("date_of_birth")
        not_in_future(value)
        return value

    def clean_expected_delivery_date(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("expected_delivery_date")
        not_before_1900(value)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._require_a_name(cleaned)
        if cleaned.get("is_pregnant") and not cleaned.get("expected_delivery_date"):
            self.add_error("expected_delivery_date", _("Enter the expected delivery date."))
        if not cleaned.get("is_pregnant"):
            cleaned["expected_delivery_date"] = None
        if self.instance.pk is not None:
            self.check_dates(
                check_mother(
                    History.of(self.instance),
                    born=cleaned.get("date_of_birth"),
                    is_pregnant=bool(cleaned.get("is_pregnant")),
                    expected_delivery=cleaned.get("expected_delivery_date"),
                )
            )
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


class EpisodeForm(ConfirmsDates, forms.ModelForm):
    """A custody episode. Given `mother`, its dates are checked against her record (a new
    admission); a correction checks against her other episodes; at registration the page checks
    them with her birth date."""

    class Meta:
        model = CustodyEpisode
        fields = EPISODE_FIELDS
        widgets = {
            "admission_date": DateInput(),
            "expected_release_date": DateInput(),
            "charges": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, mother: Mother | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mother = mother if mother is not None else getattr(self.instance, "mother", None)
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
        limit_long_text(self)

    def clean_admission_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["admission_date"]
        not_in_future(value)
        return value

    def clean_expected_release_date(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("expected_release_date")
        not_before_1900(value)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        admitted, release = cleaned.get("admission_date"), cleaned.get("expected_release_date")
        if admitted and self.mother is not None:
            self.check_dates(
                check_stay(
                    History.of(self.mother),
                    admitted=admitted,
                    expected_release=release,
                    episode_pk=self.instance.pk,
                    ended=self.instance.ended_on,
                )
            )
        elif admitted and release and release < admitted:
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


class HasChildrenForm(forms.Form):
    """At registration: does she have children? Nothing is assumed. "Yes" needs at least one
    child entered; "No" must be confirmed, for a child left out is a child nobody watches over;
    "Not known" is allowed (ask again later)."""

    YES, NO, NOT_KNOWN = "yes", "no", "not_known"

    has_children = forms.ChoiceField(
        label=_("Does she have children?"),
        help_text=_(
            "Children of any age, with her or outside, and a child she is expecting. Ask her."
        ),
        choices=[(YES, _("Yes")), (NO, _("No")), (NOT_KNOWN, _("Not known"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether she has children: yes, no or not known.")},
    )
    no_children_confirmed = forms.BooleanField(
        label=_("I asked her: she has no children, neither with her nor outside."),
        required=False,
    )

    def __init__(self, *args: Any, children: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.children = children

    @property
    def answered_no(self) -> bool:
        return self["has_children"].value() == self.NO

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        answer = cleaned.get("has_children")
        if answer == self.YES and not self.children:
            self.add_error("has_children", _("Add each of her children below with “Add a child”."))
        if answer == self.NO and self.children:
            self.add_error(
                "has_children",
                _("A child is entered below. Answer “Yes”, or remove the child if she has none."),
            )
        elif answer == self.NO and not cleaned.get("no_children_confirmed"):
            self.add_error(
                "no_children_confirmed",
                _("Confirm that you asked her and she has no children: tick the box."),
            )
        return cleaned


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


class ChildForm(ConfirmsDates, NamesMixin):
    """A child's details. Given her `mother` (or as a correction), the birth date is checked
    against the mother's record; at registration the page checks it with the other forms."""

    class Meta:
        model = Child
        fields = CHILD_FIELDS
        widgets = {"date_of_birth": DateInput(), "notes": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "born_in_custody": _(
                "Kept confidential: never printed on identity documents or summaries."
            ),
        }

    def clean_birth_certificate_number(self) -> str:
        return clean_document_number(self.cleaned_data["birth_certificate_number"])

    def __init__(self, *args: Any, mother: Mother | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if mother is None and self.instance.pk is not None:
            mother = self.instance.mother
        self.mother = mother

    def clean_date_of_birth(self) -> dt.date:
        value: dt.date = self.cleaned_data["date_of_birth"]
        not_in_future(value)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._require_a_name(cleaned)
        if self.mother is not None and cleaned.get("date_of_birth"):
            self.check_dates(
                check_child(
                    History.of(self.mother),
                    born=cleaned["date_of_birth"],
                    born_in_custody=bool(cleaned.get("born_in_custody")),
                    child_pk=self.instance.pk,
                )
            )
        return cleaned


class ChildEditForm(VersionedForm, ChildForm):
    class Meta(ChildForm.Meta):
        fields = CHILD_FIELDS


class PlacementForm(ConfirmsDates, forms.ModelForm):
    """Where the child lives now. 'With her mother' means in the mother's facility.

    Given the `child` (a move), the date is checked against her birth and current placement."""

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
            "carer_contact": _(
                "A phone number (for example 012 345 678) or an address. A phone number is checked."
            ),
        }

    def __init__(self, *args: Any, child: Child | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.child = child
        limit_long_text(self)

    def clean_carer_name(self) -> str:
        return clean_person_name(self.cleaned_data["carer_name"])

    def clean_carer_contact(self) -> str:
        value: str = self.cleaned_data["carer_contact"].strip()
        # "Phone or address": what is typed like a phone number must be one.
        return clean_phone(value) if looks_like_phone(value) else value

    def clean_start_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["start_date"]
        not_in_future(value)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.child is not None and cleaned.get("start_date"):
            self.check_dates(placement_problems(self.child, cleaned))
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
    """One child: her details and where she lives now. On the registration page the page
    checks the dates with the other forms; given her `mother` (adding a child) they are checked
    here against the mother's record."""

    def __init__(self, data: Any = None, *, prefix: str, mother: Mother | None = None) -> None:
        super().__init__(data, prefix=prefix)
        self.mother = mother
        self.child = ChildForm(data, prefix=f"{prefix}-child", mother=mother)
        self.placement = PlacementForm(data, prefix=f"{prefix}-placement")

    @property
    def confirmed_dates(self) -> list[str]:
        return [*self.child.confirmed_dates, *self.placement.confirmed_dates]

    @property
    def subforms(self) -> list[forms.BaseForm]:
        """The forms whose errors the page's error summary lists."""
        return [self.child, self.placement]

    def is_valid(self) -> bool:
        child_ok = self.child.is_valid()
        placement_ok = self.placement.is_valid()
        self.placement.confirmed_dates = []
        if child_ok and placement_ok and self.mother is not None:
            born = self.child.cleaned_data["date_of_birth"]
            placed = self.placement.cleaned_data
            problems = check_placement(child_born=born, start=placed["start_date"])
            if placed["kind"] == Placement.Kind.WITH_MOTHER:
                problems += check_with_mother(History.of(self.mother), start=placed["start_date"])
            self.placement.check_dates(problems)
            return self.child.is_valid() and self.placement.is_valid()
        return child_ok and placement_ok


class _EndsCustody(ConfirmsDates, forms.Form):
    """A release or a transfer: the date is after her admission (given `mother`)."""

    def __init__(self, *args: Any, mother: Mother | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mother = mother

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        episode = self.mother.latest_episode if self.mother is not None else None
        if episode is not None and episode.is_open and cleaned.get("on"):
            stay = Stay(episode.pk, episode.admission_date, None)
            self.check_dates(check_stay_end(History(), stay=stay, on=cleaned["on"]))
        return cleaned


class TransferForm(_EndsCustody):
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


class ReleaseForm(_EndsCustody):
    on = forms.DateField(label=_("Date of release"), widget=DateInput())
    release_kind = forms.ChoiceField(
        label=_("Kind of release"),
        choices=[("", "---------"), *CustodyEpisode.ReleaseKind.choices],
        error_messages={"required": _("Choose the kind of release.")},
    )

    def clean_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["on"]
        not_in_future(value)
        return value


class BirthForm(ConfirmsDates, NamesMixin):
    """A baby born to a woman on file: in custody, the baby is placed with her from birth."""

    class Meta:
        model = Child
        fields = ["name_km", "name_latin", "sex", "date_of_birth", "birth_registration"]
        widgets = {"date_of_birth": DateInput()}

    def __init__(self, *args: Any, mother: Mother, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mother = mother

    def clean_date_of_birth(self) -> dt.date:
        value: dt.date = self.cleaned_data["date_of_birth"]
        not_in_future(value)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._require_a_name(cleaned)
        if cleaned.get("date_of_birth"):
            self.check_dates(birth_problems(self.mother, cleaned["date_of_birth"]))
        return cleaned


class ConsentForm(ConfirmsDates, forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["purpose", "organisation", "method", "witness_name", "given_on"]
        widgets = {"given_on": DateInput()}
        help_texts = {
            "organisation": _(
                "For a consent to share: while it lasts, this organisation's staff see her file."
            ),
        }

    def clean_witness_name(self) -> str:
        return clean_person_name(self.cleaned_data["witness_name"])

    def __init__(self, *args: Any, mother: Mother | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mother = mother
        # The organisations she may share with: any active one but her own.
        organisations = Organisation.objects.filter(is_active=True)
        if mother is not None:
            organisations = organisations.exclude(pk=mother.organisation_id)
        _choice_field(self, "organisation").queryset = organisations

    def clean_given_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["given_on"]
        not_in_future(value)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.mother is not None and cleaned.get("given_on"):
            self.check_dates(consent_problems(self.mother, cleaned["given_on"]))
        if cleaned.get("purpose") == Consent.Purpose.SHARING and not cleaned.get("organisation"):
            self.add_error("organisation", _("Name the organisation the data may be shared with."))
        if cleaned.get("purpose") != Consent.Purpose.SHARING:
            cleaned["organisation"] = None
        if cleaned.get("method") == Consent.Method.VERBAL and not cleaned.get("witness_name"):
            self.add_error("witness_name", _("Verbal consent needs a named witness."))
        return cleaned


class WithdrawConsentForm(forms.Form):
    on = forms.DateField(label=_("Withdrawn on"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args: Any, consent: Consent | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.consent = consent

    def clean_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["on"]
        not_in_future(value)
        if self.consent is not None and value < self.consent.given_on:
            raise forms.ValidationError(
                _("Consent cannot be withdrawn before it was given (%(date)s).")
                % {"date": date_format(self.consent.given_on)}
            )
        return value


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or case number"), required=False, max_length=100)
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
    mine = forms.BooleanField(label=_("My cases"), required=False)
    unassigned = forms.BooleanField(label=_("Not assigned"), required=False)
    worker = forms.ModelChoiceField(
        label=_("Responsible social worker"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Any"),
        to_field_name="code",
    )
    status = forms.ChoiceField(
        label=_("Cases"),
        required=False,
        choices=[
            ("", _("Open (all cases when searching)")),
            ("open", _("Open")),
            ("closed", _("Closed")),
            ("all", _("Open and closed")),
        ],
    )
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[
            ("", _("Name")),
            ("-name", _("Name, Z to A")),
            ("facility", _("Facility")),
            ("admitted", _("Admission date, latest first")),
            ("-admitted", _("Admission date, earliest first")),
            ("limit", _("Nearest stay limit first")),
        ],
    )

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "facility").queryset = Facility.objects.filter(holds_women=True)
        # A supervisor filters by worker; the others have "My cases".
        if user is not None and user.role in (Role.SUPERVISOR, Role.ADMINISTRATOR):
            if user.organisation_id is not None:
                _choice_field(self, "worker").queryset = assignable_workers(user.organisation_id)
        else:
            del self.fields["worker"]
        # Every registered rule, from whichever workflow: the registry does not list them.
        _typed_choice_field(self, "flag").choices = [
            ("", _("Any")),
            *((r.code, r.title) for r in sorted(all_rules(), key=lambda r: (r.priority, r.code))),
        ]


def check_override(
    form: forms.Form, cleaned: dict[str, Any], *, field: str, may_override: bool
) -> None:
    """A referral without her consent to share with that organisation: refused on `field`
    for a user who may not override, else the supervisor's written reason is required."""
    if not may_override:
        form.add_error(
            field,
            _(
                "She has not consented to share her file with this organisation. Record "
                "her consent first, or ask a supervisor to refer her."
            ),
        )
    elif not cleaned.get("override_reason", "").strip():
        form.add_error(
            "override_reason",
            _("She has not consented to share her file with this organisation: say why."),
        )


class ReferralForm(forms.Form):
    """Refer her to another organisation. Without her consent to share with it, only a
    supervisor may, and says why."""

    to_organisation = forms.ModelChoiceField(
        label=_("Refer her to"), queryset=Organisation.objects.none()
    )
    service = forms.ChoiceField(
        label=_("For the service"), choices=[("", "---------"), *Referral.Service.choices]
    )
    reason = forms.CharField(
        label=_("Why she is referred"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What she needs, and what she agreed to."),
    )
    override_reason = forms.CharField(
        label=_("Without her consent: why"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Only if she has not consented to share her file with this organisation. A "
            "supervisor's decision, recorded in the file's history."
        ),
    )

    def __init__(self, *args: Any, mother: Mother, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mother, self.user = mother, user
        _choice_field(self, "to_organisation").queryset = Organisation.objects.filter(
            is_active=True
        ).exclude(pk=mother.organisation_id)
        if not self.is_supervisor:
            del self.fields["override_reason"]
        limit_long_text(self)

    @property
    def is_supervisor(self) -> bool:
        return self.user.role in (Role.SUPERVISOR, Role.ADMINISTRATOR)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        organisation = cleaned.get("to_organisation")
        if organisation is None:
            return cleaned
        if active_sharing_consent(self.mother, organisation) is not None:
            cleaned["override_reason"] = ""
        else:
            check_override(self, cleaned, field="to_organisation", may_override=self.is_supervisor)
        return cleaned


class ReferralAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("accept", _("Accept: we take her on")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to decline."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_long_text(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("answer") == "decline" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Say why the referral is declined."))
        return cleaned


class AssignForm(forms.Form):
    """Who is responsible for her case (a supervisor of her organisation chooses)."""

    assigned_worker = forms.ModelChoiceField(
        label=_("Responsible social worker"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Not assigned"),
    )
    assigned_legal_officer = forms.ModelChoiceField(
        label=_("Legal officer"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_(
            "Legal officers of her organisation, or of an organisation she shares her file with."
        ),
    )

    def __init__(self, *args: Any, mother: Mother, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "assigned_worker").queryset = assignable_workers(mother.organisation_id)
        _choice_field(self, "assigned_legal_officer").queryset = assignable_legal_officers(mother)


class BulkAssignForm(forms.Form):
    """Reassign the women ticked on the case list to one worker."""

    women = forms.TypedMultipleChoiceField(coerce=str, choices=(), required=True)
    assigned_worker = forms.ModelChoiceField(
        label=_("Make responsible"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody (not assigned)"),
    )

    def __init__(
        self, *args: Any, user: User, choices: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _typed_choice_field(self, "women").choices = choices
        self.fields["women"].error_messages["required"] = _("Tick at least one woman.")
        if user.organisation_id is not None:
            _choice_field(self, "assigned_worker").queryset = assignable_workers(
                user.organisation_id
            )


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why close her case"), choices=[("", "---------"), *Closure.Reason.choices]
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Where she and her children are now, and what was agreed. Required for Other."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_long_text(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("reason") == Closure.Reason.OTHER and not cleaned.get("note", "").strip():
            self.add_error("note", _("Say why her case is closed."))
        return cleaned


class ClosureDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[("approve", _("Approve: close her case")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to refuse."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_long_text(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == "refuse" and not cleaned.get("note", "").strip():
            self.add_error("note", _("Say why the closure is refused."))
        return cleaned


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why reopen her case"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_long_text(self)


class ReferralRequestForm(forms.Form):
    """Ask the organisation that registered her to refer her to the user's own."""

    service = forms.ChoiceField(
        label=_("For the service"), choices=[("", "---------"), *Referral.Service.choices]
    )
    reason = forms.CharField(
        label=_("What she needs"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RequestAnswerForm(forms.Form):
    """Her organisation answers a request to refer her."""

    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("refer", _("Refer her: her file opens to them")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to decline."),
    )
    override_reason = forms.CharField(
        label=_("Without her consent: why"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Only if she has not consented to share her file with this organisation. A "
            "supervisor's decision, recorded in the file's history."
        ),
    )

    def __init__(self, *args: Any, referral: Referral, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.referral, self.user = referral, user
        self.has_consent = (
            active_sharing_consent(referral.mother, referral.to_organisation) is not None
        )
        if self.has_consent or user.role not in (Role.SUPERVISOR, Role.ADMINISTRATOR):
            del self.fields["override_reason"]
        limit_long_text(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        answer = cleaned.get("answer")
        if answer == "decline" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Say why the request is declined."))
        if answer == "refer" and not self.has_consent:
            check_override(
                self, cleaned, field="answer", may_override="override_reason" in self.fields
            )
        return cleaned
