"""Forms of the health records. Dates are typed day / month by name / year (`DateInput`); a
date before the child's birth or in the future is refused on its field. The measurement form is
short, for a phone: the date (today unless changed), weight, length or height and how it was
taken, then what else was measured.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from komar.cases.forms import DateInput, VersionedForm, limit_long_text, not_in_future
from komar.cases.models import Child
from komar.health.models import (
    HealthCheck,
    HealthEvent,
    Immunisation,
    Measurement,
    Milestone,
    ScheduleDose,
)

LYING_BEFORE_DAYS = 731


class _ChildForm(forms.ModelForm):
    """A form about one child: her dates may not precede her birth."""

    date_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.child = child
        for name in self.date_fields:
            if name in self.fields:
                self.fields[name].widget = DateInput()
                self.fields[name].validators.append(not_in_future)
        limit_long_text(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in self.date_fields:
            value = cleaned.get(name)
            if value is not None and value < self.child.date_of_birth:
                self.add_error(name, _("This date is before the child was born."))
        return cleaned


def _decimal(label: Any, *, low: str, high: str, places: int, help_text: Any = "") -> forms.Field:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal(low),
        max_value=Decimal(high),
        decimal_places=places,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": "6", "autocomplete": "off"}),
    )


class MeasurementForm(_ChildForm):
    date_fields = ("measured_on",)

    weight_kg = _decimal(_("Weight (kg)"), low="0.5", high="40", places=2)
    length_cm = _decimal(
        _("Length or height (cm)"),
        low="35",
        high="130",
        places=1,
        help_text=_("Lying down before 2 years, standing from 2 years."),
    )
    head_cm = _decimal(_("Head circumference (cm)"), low="25", high="60", places=1)
    muac_mm = forms.IntegerField(
        label=_("Mid-upper arm circumference, MUAC (mm)"),
        required=False,
        min_value=70,
        max_value=250,
        help_text=_("From 6 months. In millimetres: 12.5 cm is 125 mm."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": "4", "autocomplete": "off"}),
    )

    class Meta:
        model = Measurement
        fields = [
            "measured_on",
            "weight_kg",
            "length_cm",
            "position",
            "head_cm",
            "muac_mm",
            "oedema",
            "notes",
        ]
        widgets = {
            "position": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, child=child, **kwargs)
        position = self.fields["position"]
        assert isinstance(position, forms.ChoiceField)
        position.required = False
        position.choices = list(Measurement.Position.choices)
        if not self.is_bound and not self.instance.pk:
            today = timezone.localdate()
            self.initial.setdefault("measured_on", today)
            lying = (today - child.date_of_birth).days < LYING_BEFORE_DAYS
            self.initial.setdefault(
                "position", Measurement.Position.LYING if lying else Measurement.Position.STANDING
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        measured = [cleaned.get(n) for n in ("weight_kg", "length_cm", "head_cm", "muac_mm")]
        if all(value is None for value in measured) and not self.errors:
            raise forms.ValidationError(
                _("Enter at least one measurement: weight, length or height, head or arm.")
            )
        if cleaned.get("length_cm") is not None and not cleaned.get("position"):
            self.add_error("position", _("Say whether the child was lying down or standing."))
        return cleaned


class MeasurementEditForm(VersionedForm, MeasurementForm):
    class Meta(MeasurementForm.Meta):
        pass


class DoseChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


class ImmunisationForm(_ChildForm):
    date_fields = ("given_on",)

    dose = DoseChoice(queryset=ScheduleDose.objects.none(), label=_("Dose"))

    class Meta:
        model = Immunisation
        fields = ["dose", "given_on", "place", "from_card"]

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, child=child, **kwargs)
        given = Immunisation.objects.filter(child=child)
        if self.instance.pk:
            given = given.exclude(pk=self.instance.pk)
        doses = ScheduleDose.objects.select_related("vaccine").exclude(
            pk__in=given.values("dose_id")
        )
        if not self.instance.pk:
            doses = doses.filter(is_active=True)
        dose_field = self.fields["dose"]
        assert isinstance(dose_field, forms.ModelChoiceField)
        dose_field.queryset = doses


class ImmunisationEditForm(VersionedForm, ImmunisationForm):
    class Meta(ImmunisationForm.Meta):
        pass


class MilestoneForm(_ChildForm):
    date_fields = ("achieved_on",)

    class Meta:
        model = Milestone
        fields = ["kind", "achieved_on"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        kind = cleaned.get("kind")
        others = Milestone.objects.filter(child=self.child, kind=kind)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if kind and others.exists():
            self.add_error("kind", _("This milestone is already recorded: correct it instead."))
        return cleaned


class MilestoneEditForm(VersionedForm, MilestoneForm):
    class Meta(MilestoneForm.Meta):
        pass


class HealthEventForm(_ChildForm):
    date_fields = ("started_on", "ended_on")

    class Meta:
        model = HealthEvent
        fields = ["kind", "started_on", "ended_on", "place", "description"]
        widgets = {"kind": forms.RadioSelect, "description": forms.Textarea(attrs={"rows": 3})}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        started, ended = cleaned.get("started_on"), cleaned.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", _("This date is before the start."))
        return cleaned


class HealthEventEditForm(VersionedForm, HealthEventForm):
    class Meta(HealthEventForm.Meta):
        pass


class HealthCheckForm(_ChildForm):
    date_fields = ("checked_on",)

    class Meta:
        model = HealthCheck
        fields = ["checked_on", "examiner", "findings", "needs_follow_up"]
        widgets = {"findings": forms.Textarea(attrs={"rows": 3})}


class HealthCheckEditForm(VersionedForm, HealthCheckForm):
    class Meta(HealthCheckForm.Meta):
        pass
