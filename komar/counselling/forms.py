"""The counselling session form: one server-rendered page that works without JavaScript.

`SessionEntry` holds the session form and one decision row per child, and checks what needs
both (at least one decision; a written justification when an institution is proposed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import models
from django.db.models import Q
from django.forms.boundfield import BoundWidget
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from komar.cases.forms import (
    DateInput,
    VersionedForm,
    casework_date,
    clean_person_name,
    limit_long_text,
)
from komar.cases.models import Child, Mother
from komar.counselling.actions import session_problems
from komar.counselling.models import (
    DECISION_FIELDS,
    CareOption,
    ChildDecision,
    CounsellingSession,
    Factor,
    Topic,
)
from komar.lib.dates import add_months
from komar.lib.fields import ModelMultipleChoiceField

# UN Guidelines for the Alternative Care of Children, para. 67: review at least every 3 months.
REVIEW_AFTER_DAYS = 90
REVIEW_MONTHS = 3

SESSION_FIELDS = [
    "held_on",
    "stage",
    "about_unborn_child",
    "with_prison_staff",
    "with_relatives",
    "with_lawyer",
    "with_interpreter",
    "participants_note",
    "options_discussed",
    "topics_given",
    "mothers_words",
    "preference",
    "institution_justification",
    "review_on",
]


def _label(model: type[models.Model], name: str) -> Any:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return capfirst(field.verbose_name)


@dataclass
class FactorRow:
    """One factor in the form: its tick box and its "main factor" radio button.

    The tick box is labelled by the factor's name; the radio button by the name and its column
    header ("The main one"), through `aria-labelledby` with the ids below.
    """

    factor: Factor
    checkbox: BoundWidget
    radio: BoundWidget

    @property
    def label_id(self) -> str:
        return f"factor-{self.factor.pk}"


@dataclass
class FactorGroup:
    label: str
    rows: list[FactorRow]
    main_header_id: str


class SessionForm(forms.ModelForm):
    options_discussed = forms.MultipleChoiceField(
        label=_label(CounsellingSession, "options_discussed"),
        choices=CareOption.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    topics_given = forms.MultipleChoiceField(
        label=_label(CounsellingSession, "topics_given"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    factors = ModelMultipleChoiceField(
        label=_("Factors behind her choice"),
        queryset=Factor.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    main_factor = forms.ModelChoiceField(
        label=_("The main factor"),
        queryset=Factor.objects.none(),
        widget=forms.RadioSelect,
        required=False,
        blank=True,
        empty_label=_("She named no main factor"),
    )

    class Meta:
        model = CounsellingSession
        fields = SESSION_FIELDS
        widgets = {
            "held_on": DateInput(),
            "review_on": DateInput(),
            "mothers_words": forms.Textarea(attrs={"rows": 4}),
            "institution_justification": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "mothers_words": _("Write what she said, in Khmer or in English, as she said it."),
            "institution_justification": _(
                "Required if a residential institution is her preference or a decision. It "
                "raises a flag: a best-interests determination is then required."
            ),
            "review_on": _("At the latest three months after the session."),
        }

    def __init__(self, *args: Any, mother: Mother, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mother = mother
        session = self.instance if self.instance.pk else None
        if not mother.is_pregnant and not (session and session.about_unborn_child):
            del self.fields["about_unborn_child"]
        # Active factors; a correction also keeps those on this session that were retired since.
        saved = list(session.session_factors.all()) if session else []
        offered = Factor.objects.filter(
            Q(is_active=True) | Q(pk__in=[sf.factor_id for sf in saved])
        )
        for name in ("factors", "main_factor"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = offered
        preference = self.fields["preference"]
        assert isinstance(preference, forms.ChoiceField)
        preference.choices = [("", _("Not stated")), *CareOption.choices]
        limit_long_text(self)
        if not self.is_bound and session is not None:
            self.initial["factors"] = [sf.factor_id for sf in saved]
            self.initial["main_factor"] = next((sf.factor_id for sf in saved if sf.is_main), None)
        elif not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("held_on", today)
            self.initial.setdefault("review_on", today + dt.timedelta(days=REVIEW_AFTER_DAYS))

    def clean_held_on(self) -> dt.date:
        return casework_date(self.cleaned_data["held_on"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        held_on, review_on = cleaned.get("held_on"), cleaned.get("review_on")
        if held_on and review_on and review_on < held_on:
            self.add_error("review_on", _("The review date is before the session."))
        elif held_on and review_on and review_on > add_months(held_on, REVIEW_MONTHS):
            self.add_error(
                "review_on",
                _(
                    "Review the decision within three months of the session (UN Guidelines "
                    "for the Alternative Care of Children, para. 67)."
                ),
            )
        main = cleaned.get("main_factor")
        if main is not None and main not in cleaned.get("factors", []):
            self.add_error(
                "main_factor", _("The main factor must be one of the factors ticked above.")
            )
        return cleaned

    @property
    def participant_fields(self) -> list[forms.BoundField]:
        names = ["with_prison_staff", "with_relatives", "with_lawyer", "with_interpreter"]
        return [self[name] for name in names]

    def factor_groups(self) -> list[FactorGroup]:
        """Active factors grouped Personal, then External, each with its two inputs."""
        checkboxes = {str(w.data["value"]): w for w in self["factors"]}
        radios = {str(w.data["value"]): w for w in self["main_factor"]}
        field = self.fields["factors"]
        assert isinstance(field, forms.ModelChoiceField) and field.queryset is not None
        factors = list(field.queryset)
        groups = []
        for group, label in Factor.Group.choices:
            header_id = f"main-factor-{group}"
            rows = [
                FactorRow(f, checkboxes[str(f.pk)], radios[str(f.pk)])
                for f in factors
                if f.group == group
            ]
            for row in rows:
                attrs = row.radio.data["attrs"]
                row.radio.data["attrs"] = {
                    **attrs,
                    "aria-labelledby": f"{row.label_id} {header_id}",
                }
            if rows:
                groups.append(FactorGroup(str(label), rows, header_id))
        return groups

    def no_main_factor_radio(self) -> BoundWidget:
        return next(w for w in self["main_factor"] if str(w.data["value"]) == "")

    def session_data(self) -> dict[str, Any]:
        """The session's own fields, as `do_record_session` takes them."""
        return {name: self.cleaned_data[name] for name in SESSION_FIELDS if name in self.fields}


class SessionEditForm(VersionedForm, SessionForm):
    """A correction: the same form, carrying the version it started from."""

    class Meta(SessionForm.Meta):
        fields = SESSION_FIELDS


class DecisionForm(forms.Form):
    """What was decided in this session for one child, or for her unborn child."""

    decision = forms.ChoiceField(
        label=_label(ChildDecision, "decision"),
        choices=[("", _("No decision in this session")), *CareOption.choices],
        required=False,
    )
    # No answer is assumed: "who decided" is chosen for each decision.
    decided_by = forms.ChoiceField(
        label=_label(ChildDecision, "decided_by"),
        choices=[("", "---------"), *ChildDecision.DecidedBy.choices],
        required=False,
    )
    carer_name = forms.CharField(
        label=_label(ChildDecision, "carer_name"),
        max_length=150,
        required=False,
        help_text=_("The person or place that will care for the child, if known."),
    )
    notes = forms.CharField(label=_label(ChildDecision, "notes"), max_length=300, required=False)

    def __init__(
        self,
        data: Any = None,
        *,
        prefix: str,
        child: Child | None,
        saved: ChildDecision | None = None,
    ) -> None:
        initial = {name: getattr(saved, name) for name in DECISION_FIELDS} if saved else None
        super().__init__(data, prefix=prefix, initial=initial)
        self.child = child

    @property
    def summary_caption(self) -> str:
        """Whose row this is, in the page's error summary."""
        return self.child.display_name if self.child else str(_("Her unborn child"))

    def clean_carer_name(self) -> str:
        return clean_person_name(self.cleaned_data["carer_name"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision"):
            if not cleaned.get("decided_by"):
                self.add_error("decided_by", _("Say who decided."))
        elif cleaned.get("carer_name") or cleaned.get("notes"):
            self.add_error(
                "decision", _("Choose the decision, or clear the carer and notes of this row.")
            )
        return cleaned

    @property
    def has_decision(self) -> bool:
        return bool(getattr(self, "cleaned_data", {}).get("decision"))

    def as_decision(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "child": self.child,
            "decision": data["decision"],
            "decided_by": data["decided_by"],
            "carer_name": data["carer_name"],
            "notes": data["notes"],
        }


class SessionEntry:
    """The whole page: the session form and a decision row for each of her children."""

    def __init__(
        self,
        data: Any,
        *,
        mother: Mother,
        children: list[Child],
        session: CounsellingSession | None = None,
    ) -> None:
        saved = {d.child_id: d for d in session.decisions.all()} if session else {}
        self.mother = mother
        self.form: SessionForm = (
            SessionEditForm(data, mother=mother, instance=session)
            if session is not None
            else SessionForm(data, mother=mother)
        )
        self.rows = [
            DecisionForm(data, prefix=f"child-{c.code}", child=c, saved=saved.get(c.pk))
            for c in children
        ]
        # Her unborn child's row: while she is pregnant, and on a correction of a session that was
        # about her unborn child (the form keeps its tick box in the same cases).
        about_unborn = mother.is_pregnant or bool(session and session.about_unborn_child)
        self.unborn_row = (
            DecisionForm(data, prefix="unborn", child=None, saved=saved.get(None))
            if about_unborn
            else None
        )
        self.decisions_error = ""

    @property
    def all_rows(self) -> list[DecisionForm]:
        return [*self.rows, *([self.unborn_row] if self.unborn_row is not None else [])]

    @property
    def has_errors(self) -> bool:
        return bool(
            self.form.errors or self.decisions_error or any(r.errors for r in self.all_rows)
        )

    def is_valid(self) -> bool:
        self.form.is_valid()
        for row in self.all_rows:
            row.is_valid()
        # The checks below need several forms; they run even when one form has other errors, so
        # that she sees every problem at once.
        about_unborn = self.form.cleaned_data.get("about_unborn_child", False)
        unborn = self.unborn_row
        if unborn is not None and unborn.has_decision and not about_unborn:
            unborn.add_error(
                "decision",
                _("Tick “about her unborn child” above, or leave this row without a decision."),
            )
        decided = [r for r in self.all_rows if r.has_decision]
        if not decided:
            self.decisions_error = str(_("Record a decision for at least one child."))
        proposes_institution = self.form.cleaned_data.get("preference") == (
            CareOption.INSTITUTION
        ) or any(r.cleaned_data["decision"] == CareOption.INSTITUTION for r in decided)
        if (
            proposes_institution
            and not self.form.cleaned_data.get("institution_justification")
            and "institution_justification" not in self.form.errors
        ):
            self.form.add_error(
                "institution_justification",
                _(
                    "A residential institution is the last resort: write why it is considered. "
                    "Saving it raises a flag: a best-interests determination is then required."
                ),
            )
        held_on, stage = self.form.cleaned_data.get("held_on"), self.form.cleaned_data.get("stage")
        if held_on is not None and stage:
            rows = {r.child.pk: r for r in decided if r.child is not None}
            children = [r.child for r in decided if r.child is not None]
            for child, problem in session_problems(
                self.mother, held_on=held_on, stage=stage, children=children
            ):
                if child is None:
                    self.form.add_error(problem.field, problem.message)
                else:
                    rows[child.pk].add_error("decision", problem.message)
        return not self.has_errors

    def decisions(self) -> list[dict[str, Any]]:
        return [r.as_decision() for r in self.all_rows if r.has_decision]
