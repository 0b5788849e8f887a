"""The register (a tick and the hours for each child), the snapshot and the checklist."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from komar.cases.forms import VersionedForm
from komar.cases.models import Child
from komar.monitoring.models import Score, Snapshot

DEFAULT_HOURS = Decimal("2")


def hour_key(hours: Decimal) -> str:
    """A number of hours as the choice's value: "2.0", "0.5" (as stored, one decimal)."""
    return f"{hours:.1f}"


def hour_choices() -> list[tuple[str, str]]:
    steps = [Decimal(n) / 2 for n in range(1, 2 * settings.KOMAR_CFS_MAX_HOURS + 1)]
    return [(hour_key(h), f"{h:.1f}".removesuffix(".0")) for h in steps]


class AttendanceForm(forms.Form):
    """One tick and one number of hours for each child on today's list."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(
        self,
        *args: Any,
        children: list[Child],
        saved: dict[int, Decimal],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.children = children
        choices = hour_choices()
        for child in children:
            key = child.code.hex
            self.fields[f"came_{key}"] = forms.BooleanField(
                label=child.display_name, required=False, initial=child.pk in saved
            )
            self.fields[f"hours_{key}"] = forms.TypedChoiceField(
                label=_("Hours"),
                choices=choices,
                coerce=Decimal,
                initial=hour_key(saved.get(child.pk, DEFAULT_HOURS)),
            )

    def rows(self) -> list[tuple[Child, forms.BoundField, forms.BoundField]]:
        return [(c, self[f"came_{c.code.hex}"], self[f"hours_{c.code.hex}"]) for c in self.children]

    def hours(self) -> dict[int, Decimal]:
        """The children ticked and their hours (after `is_valid()`)."""
        found = {}
        for child in self.children:
            if self.cleaned_data.get(f"came_{child.code.hex}"):
                found[child.pk] = self.cleaned_data[f"hours_{child.code.hex}"]
        return found


class SnapshotForm(VersionedForm):
    class Meta:
        model = Snapshot
        fields = list(Snapshot.RECORDED_FIELDS)
        widgets = {
            "space_description": forms.Textarea(attrs={"rows": 2}),
            "health_services": forms.Textarea(attrs={"rows": 2}),
            "visits_policy": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "food_allowance_riel": _("What the facility spends on each child's food per day."),
            "space_m2_per_child": _(
                "The floor area of the room where the children sleep, divided by the number of "
                "children and mothers in it; or describe the space below."
            ),
            "outdoor_minutes": _("The usual time a child spends outside the cell in the open air."),
            "cfs_open_days": _(
                "Filled in from the register; correct it if the register was not taken."
            ),
            "health_services": _("Who sees the children, how often, and where a sick child goes."),
            "visits_policy": _("When families may visit, and whether children may touch and play."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outdoor_minutes"].widget.attrs["max"] = 24 * 60
        self.fields["cfs_open_days"].widget.attrs["max"] = 31

    def clean_cfs_open_days(self) -> int | None:
        value: int | None = self.cleaned_data.get("cfs_open_days")
        if value is not None and value > 31:
            raise forms.ValidationError(_("A month has at most 31 days."))
        return value

    def clean_outdoor_minutes(self) -> int | None:
        value: int | None = self.cleaned_data.get("outdoor_minutes")
        if value is not None and value > 24 * 60:
            raise forms.ValidationError(_("A day has 1,440 minutes."))
        return value

    def data_for_action(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in Snapshot.RECORDED_FIELDS}


class ChecklistForm(forms.Form):
    """A score and its evidence for each indicator."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, scores: list[Score], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scores = scores
        for score in scores:
            key = score.indicator.key
            self.fields[f"score_{key}"] = forms.ChoiceField(
                label=score.indicator.text,
                choices=Score.Value.choices,
                widget=forms.RadioSelect,
                initial=score.value,
            )
            self.fields[f"evidence_{key}"] = forms.CharField(
                label=_("Evidence"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=score.evidence,
                help_text=_(
                    "What you saw, read or were told, and by whom (no names of women or children)."
                ),
            )

    def rows(self) -> list[tuple[Score, forms.BoundField, forms.BoundField]]:
        return [
            (s, self[f"score_{s.indicator.key}"], self[f"evidence_{s.indicator.key}"])
            for s in self.scores
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for score in self.scores:
            key = score.indicator.key
            value = cleaned.get(f"score_{key}")
            if (
                value
                and value != Score.Value.NOT_ASSESSED
                and not cleaned.get(f"evidence_{key}", "").strip()
            ):
                self.add_error(f"evidence_{key}", _("Write the evidence for this score."))
        return cleaned

    def values(self) -> dict[int, tuple[str, str]]:
        return {
            s.indicator_id: (
                self.cleaned_data[f"score_{s.indicator.key}"],
                self.cleaned_data.get(f"evidence_{s.indicator.key}", ""),
            )
            for s in self.scores
        }
