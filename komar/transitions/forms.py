"""The transitions workflow's forms. Dates as day, month and year (`DateInput`); every long text
bounded; the checks the actions make again are made here first, so that bad input is a clear
error on its field and nothing typed is lost."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from komar.accounts.models import User
from komar.cases.forms import DateInput, VersionedForm, limit_long_text
from komar.cases.models import Child, Mother
from komar.lib.dates import add_months
from komar.lib.phones import clean_phone
from komar.transitions.actions import review_limit
from komar.transitions.models import (
    Carer,
    CarerAssessment,
    FollowUpVisit,
    PlanOption,
    PreparationStep,
    Reintegration,
    SupportNeed,
    TransitionPlan,
)


def _not_future(value: dt.date | None) -> dt.date | None:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(_("This date is in the future."))
    return value


class CarerForm(VersionedForm):
    children = forms.ModelMultipleChoiceField(
        label=_("Children she may care for"),
        queryset=Child.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Carer
        fields = [
            "name_km",
            "name_latin",
            "relationship",
            "age",
            "phone",
            "province",
            "district",
            "commune",
            "village",
            "household",
            "livelihood",
            "health",
            "is_emergency_carer",
        ]
        widgets = {
            "household": forms.Textarea(attrs={"rows": 2}),
            "livelihood": forms.Textarea(attrs={"rows": 2}),
            "health": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "relationship": _("For example grandmother, aunt, father."),
            "is_emergency_carer": _("The carer to call if a separation happens suddenly."),
        }

    def __init__(self, *args: Any, mother: Mother, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            del self.fields["version"]
        children = cast(forms.ModelMultipleChoiceField, self.fields["children"])
        children.queryset = mother.children.all()
        children.label_from_instance = lambda c: c.display_name  # type: ignore[assignment]
        if self.instance.pk and not self.is_bound:
            self.initial["children"] = list(self.instance.children.all())
        limit_long_text(self)

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])

    def clean_age(self) -> int | None:
        age = self.cleaned_data["age"]
        if age is not None and not 10 <= age <= 100:
            raise forms.ValidationError(_("Give an age between 10 and 100."))
        return age

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("name_km") and not data.get("name_latin"):
            self.add_error("name_km", _("Give her name in Khmer script or in Latin letters."))
        return data


class CarerAssessmentForm(forms.ModelForm):
    support_needs = forms.MultipleChoiceField(
        label=_("Support needed"),
        choices=SupportNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = CarerAssessment
        fields = [
            "assessed_on",
            "willingness",
            "conditions",
            "prior_care",
            "violence",
            "substance_use",
            "protection_concerns",
            "safety_notes",
            "home_visit_on",
            "home_visit_findings",
            "support_needs",
            "distance_km",
            "visit_cost_riel",
            "village_chief",
            "commune_chief",
            "cccw_contact",
            "dswo_contact",
        ]
        widgets = {
            "assessed_on": DateInput(),
            "home_visit_on": DateInput(),
            "willingness": forms.RadioSelect,
            "conditions": forms.Textarea(attrs={"rows": 2}),
            "prior_care": forms.Textarea(attrs={"rows": 2}),
            "safety_notes": forms.Textarea(attrs={"rows": 2}),
            "home_visit_findings": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "home_visit_findings": _(
                "Photos of the home go with the woman's documents (attach a document)."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ChoiceField, self.fields["willingness"]
        ).choices = CarerAssessment.Willingness.choices
        limit_long_text(self)

    def clean_assessed_on(self) -> dt.date | None:
        return _not_future(self.cleaned_data["assessed_on"])

    def clean_home_visit_on(self) -> dt.date | None:
        return _not_future(self.cleaned_data["home_visit_on"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("willingness") == CarerAssessment.Willingness.CONDITIONS
            and not (data.get("conditions") or "").strip()
        ):
            self.add_error("conditions", _("Write down her conditions."))
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("return", _("Return with comments"))],
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(
        label=_("Comments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional when you approve; required when you return it."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_long_text(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "return" and not (data.get("comments") or "").strip():
            self.add_error("comments", _("Say what needs to change."))
        return data


class PlanForm(VersionedForm):
    class Meta:
        model = TransitionPlan
        fields = [
            "option",
            "carer",
            "option_reason",
            "mothers_view",
            "childs_view",
            "goals",
            "planned_on",
            "contact_plan",
            "transport_paid_by",
            "responsible",
            "review_on",
        ]
        widgets = {
            "planned_on": DateInput(),
            "review_on": DateInput(),
            "option_reason": forms.Textarea(attrs={"rows": 2}),
            "mothers_view": forms.Textarea(attrs={"rows": 3}),
            "childs_view": forms.Textarea(attrs={"rows": 2}),
            "goals": forms.Textarea(attrs={"rows": 3}),
            "contact_plan": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "carer": _("Only carers whose assessment a supervisor approved are listed."),
            "option_reason": _(
                "When no assessed carer is named, say why this family-based option is chosen. "
                "A residential institution needs a formal determination and a reason."
            ),
            "review_on": _("At most three months ahead."),
            "contact_plan": _("Visits to the prison, phone calls, how often, and who goes."),
        }

    def __init__(self, *args: Any, plan: TransitionPlan, workers: Any, **kwargs: Any) -> None:
        super().__init__(*args, instance=plan, **kwargs)
        carer = cast(forms.ModelChoiceField, self.fields["carer"])
        carer.queryset = Carer.objects.filter(
            mother_id=plan.mother_id, status=Carer.Status.APPROVED
        )
        carer.label_from_instance = lambda c: f"{c.display_name} ({c.relationship})"  # type: ignore[assignment]
        responsible = cast(forms.ModelChoiceField, self.fields["responsible"])
        responsible.queryset = workers
        responsible.label_from_instance = lambda u: u.full_name or u.username  # type: ignore[assignment]
        cast(forms.ChoiceField, self.fields["option"]).choices = [
            ("", "---------"),
            *PlanOption.choices,
        ]
        limit_long_text(self)

    def clean_review_on(self) -> dt.date | None:
        value = self.cleaned_data["review_on"]
        today = timezone.localdate()
        if value is not None and value > review_limit(today):
            raise forms.ValidationError(
                _("The review date is at most three months ahead (by %(date)s).")
                % {"date": review_limit(today).strftime("%d/%m/%Y")}
            )
        if value is not None and value < today:
            raise forms.ValidationError(_("The review date has passed."))
        return value

    def clean_planned_on(self) -> dt.date | None:
        value = self.cleaned_data["planned_on"]
        if value is not None and value < self.instance.child.date_of_birth:
            raise forms.ValidationError(_("This date is before the child's birth."))
        if value is not None and value > add_months(timezone.localdate(), 36):
            raise forms.ValidationError(_("This date is more than three years ahead."))
        return value


class StepForm(forms.ModelForm):
    class Meta:
        model = PreparationStep
        fields = ["kind", "description", "due_on", "responsible"]
        widgets = {"due_on": DateInput(), "description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"responsible": _("A name or a role: the carer, the social worker, ...")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_long_text(self)


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DateInput())
    next_review_on = forms.DateField(
        label=_("Next review"), widget=DateInput(), help_text=_("At most three months ahead.")
    )

    def clean_reviewed_on(self) -> dt.date | None:
        return _not_future(self.cleaned_data["reviewed_on"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        reviewed, following = data.get("reviewed_on"), data.get("next_review_on")
        if reviewed and following and not reviewed < following <= review_limit(reviewed):
            self.add_error(
                "next_review_on",
                _("The next review comes after this one and at most three months later."),
            )
        return data


class SeparationForm(forms.Form):
    separated_on = forms.DateField(label=_("Date of separation"), widget=DateInput())
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.child = child
        limit_long_text(self)

    def clean_separated_on(self) -> dt.date | None:
        value = _not_future(self.cleaned_data["separated_on"])
        placement = self.child.current_placement
        if value is not None and placement is not None and value <= placement.start_date:
            raise forms.ValidationError(
                _("The separation comes after the child began living with her mother inside.")
            )
        return value


class OverrideForm(SeparationForm):
    """A supervisor's emergency separation without an approved plan and assessed carer."""

    kind = forms.ChoiceField(label=_("Where the child lives now"), choices=PlanOption.choices)
    carer = forms.ModelChoiceField(
        label=_("Carer on the file"), queryset=Carer.objects.none(), required=False
    )
    carer_name = forms.CharField(label=_("Or the carer's name"), max_length=150, required=False)
    carer_relationship = forms.CharField(
        label=_("Carer's relationship to the child"), max_length=100, required=False
    )
    carer_contact = forms.CharField(
        label=_("Carer's phone or address"), max_length=200, required=False
    )
    override_reason = forms.CharField(
        label=_("Why the child must leave now, without an approved plan"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, child=child, **kwargs)
        carer = cast(forms.ModelChoiceField, self.fields["carer"])
        carer.queryset = Carer.objects.filter(mother_id=child.mother_id)
        carer.label_from_instance = lambda c: f"{c.display_name} ({c.relationship})"  # type: ignore[assignment]
        limit_long_text(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("carer") and not (data.get("carer_name") or "").strip():
            self.add_error("carer_name", _("Name the person who now cares for the child."))
        return data


class VisitForm(forms.ModelForm):
    next_due_on = forms.DateField(
        label=_("Next visit on"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty to follow the schedule."),
    )

    class Meta:
        model = FollowUpVisit
        fields = [
            "visited_on",
            "wellbeing",
            "health_growth",
            "weight_kg",
            "height_cm",
            "education",
            "carer_coping",
            "support_given",
            "contact_with_mother",
            "protection_concerns",
            "stability",
        ]
        widgets = {
            "visited_on": DateInput(),
            "wellbeing": forms.Textarea(attrs={"rows": 2}),
            "health_growth": forms.Textarea(attrs={"rows": 2}),
            "carer_coping": forms.Textarea(attrs={"rows": 2}),
            "support_given": forms.Textarea(attrs={"rows": 2}),
            "contact_with_mother": forms.Textarea(attrs={"rows": 2}),
            "protection_concerns": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, visit: FollowUpVisit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.visit = visit
        self.fields["visited_on"].required = True
        self.fields["stability"].required = True
        limit_long_text(self)

    def clean_visited_on(self) -> dt.date | None:
        value = _not_future(self.cleaned_data["visited_on"])
        if value is not None and value < self.visit.separation.separated_on:
            raise forms.ValidationError(_("The visit comes after the separation."))
        return value

    def clean_weight_kg(self) -> Any:
        value = self.cleaned_data["weight_kg"]
        if value is not None and not 1 <= value <= 80:
            raise forms.ValidationError(_("Give a weight between 1 and 80 kg."))
        return value

    def clean_height_cm(self) -> Any:
        value = self.cleaned_data["height_cm"]
        if value is not None and not 40 <= value <= 180:
            raise forms.ValidationError(_("Give a height between 40 and 180 cm."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        visited, following = data.get("visited_on"), data.get("next_due_on")
        if visited and following and following <= visited:
            self.add_error("next_due_on", _("The next visit comes after this one."))
        return data


class NotificationForm(forms.Form):
    to = forms.ChoiceField(
        label=_("Letter to"),
        choices=[
            ("dswo", _("District social welfare office")),
            ("cccw", _("Commune committee for women and children")),
        ],
    )
    sent_on = forms.DateField(label=_("Sent on"), widget=DateInput())

    def clean_sent_on(self) -> dt.date | None:
        return _not_future(self.cleaned_data["sent_on"])


class ReintegrationForm(forms.ModelForm):
    class Meta:
        model = Reintegration
        fields = ["decided_on", "option", "notes", "closure_criteria"]
        widgets = {
            "decided_on": DateInput(),
            "option": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "closure_criteria": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "closure_criteria": _(
                "For example: the child has lived settled with her mother for six months, "
                "school enrolment done, no protection concern."
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["option"]).choices = Reintegration.Option.choices
        limit_long_text(self)

    def clean_decided_on(self) -> dt.date | None:
        return _not_future(self.cleaned_data["decided_on"])


def workers_for(mother: Mother) -> Any:
    """The case workers of her organisation, who may be responsible for a plan."""
    return User.objects.filter(
        organisation_id=mother.organisation_id,
        is_active=True,
        role__in=["social_worker", "supervisor", "administrator"],
    ).order_by("full_name", "username")
