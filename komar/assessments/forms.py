from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from komar.assessments.actions import (
    DeterminationReason,
    assessment_problems,
    determination_problems,
)
from komar.assessments.models import Assessment, Determination, Element, Rating
from komar.cases.forms import (
    DateInput,
    VersionedForm,
    casework_date,
    clean_person_name,
    limit_long_text,
)
from komar.cases.models import Child
from komar.counselling.models import CareOption

# Why a formal determination is required: each reason with the standard it rests on.
REASON_LABELS: dict[str, Promise] = {
    DeterminationReason.CONTESTED: _("The mother contests the separation"),
    DeterminationReason.OVER_LIMIT: _("The child is inside and over the stay limit"),
    DeterminationReason.INSTITUTION: _("A residential care institution is proposed"),
}
REASON_STANDARDS: dict[str, Promise] = {
    DeterminationReason.CONTESTED: _(
        "Bangkok Rule 52(1): separation is decided by an individual assessment of the child's "
        "best interests. A separation the mother does not agree to is decided by a panel "
        "(UNHCR best-interests determination)."
    ),
    DeterminationReason.OVER_LIMIT: _(
        "Bangkok Rule 52(2): a child leaves only once alternative care has been identified. UN "
        "Guidelines for the Alternative Care of Children, para. 48: removing a child living in "
        "prison is decided like any other separation."
    ),
    DeterminationReason.INSTITUTION: _(
        "UN Guidelines for the Alternative Care of Children, paras. 21-22: care for young "
        "children, especially under three, is family-based; an institution is the last resort."
    ),
}

# What to look at under each element (UN CRC General Comment No. 14, paras 52-79).
ELEMENT_HELP: dict[str, Promise] = {
    Element.VIEWS: _("What the child expresses, in words or behaviour, given age and maturity."),
    Element.IDENTITY: _("Name, birth registration, nationality, language, culture and religion."),
    Element.FAMILY: _(
        "Relationships with the mother, father, brothers, sisters and wider family; keeping the "
        "family together."
    ),
    Element.CARE: _(
        "Who looks after the child day to day; risks of harm, neglect or exploitation; safety "
        "where the child lives."
    ),
    Element.VULNERABILITY: _(
        "Very young age, disability, illness, exposure to violence or drug use."
    ),
    Element.HEALTH: _("Growth, nutrition, immunisation, illness and access to health care."),
    Element.DEVELOPMENT: _("Play, stimulation, early learning, the child-friendly space, school."),
}


ASSESSMENT_FIELDS = [
    "occasion",
    "assessed_on",
    "options_compared",
    "recommendation",
    "recommendation_reasons",
    "mother_contests_separation",
]


class AssessmentForm(forms.ModelForm):
    """The assessment itself; the seven elements are in `ElementForm`s beside it."""

    class Meta:
        model = Assessment
        fields = ASSESSMENT_FIELDS
        widgets = {
            "assessed_on": DateInput(),
            "options_compared": forms.Textarea(attrs={"rows": 4}),
            "recommendation_reasons": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "options_compared": _(
                "Each care option considered, with what speaks for and against it. Family-based "
                "care first; an institution only as a last resort."
            ),
            "mother_contests_separation": _(
                "She does not agree that the child should be separated from her."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        recommendation = self.fields["recommendation"]
        assert isinstance(recommendation, forms.ChoiceField)
        recommendation.choices = [("", _("No recommendation yet")), *CareOption.choices]
        limit_long_text(self)

    def clean_assessed_on(self) -> dt.date:
        return casework_date(self.cleaned_data["assessed_on"])


class AssessmentEditForm(VersionedForm, AssessmentForm):
    class Meta(AssessmentForm.Meta):
        fields = ASSESSMENT_FIELDS


class ElementForm(forms.Form):
    """One element of the assessment: the evidence gathered and how it is rated."""

    evidence = forms.CharField(
        label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    rating = forms.ChoiceField(label=_("Rating"), choices=Rating.choices)

    def __init__(self, data: Any = None, *, element: str, **kwargs: Any) -> None:
        super().__init__(data, prefix=f"element-{element}", **kwargs)
        limit_long_text(self)
        self.element = element
        self.label = Element(element).label
        self.help = ELEMENT_HELP.get(element, "")

    @property
    def summary_caption(self) -> str:
        """The element, in the page's error summary."""
        return str(self.label)


class AssessmentForms:
    """The assessment form and one form per element, validated and shown together."""

    def __init__(
        self,
        data: Any = None,
        *,
        instance: Assessment | None = None,
        initial: dict[str, Any] | None = None,
        child: Child | None = None,
    ) -> None:
        saved: dict[str, tuple[str, str]] = {}
        self.child = child if child is not None else getattr(instance, "child", None)
        self.main: AssessmentForm
        if instance is None:
            self.main = AssessmentForm(data, initial=initial)
        else:
            self.main = AssessmentEditForm(data, instance=instance)
            saved = {e.element: (e.evidence, e.rating) for e in instance.elements.all()}
        self.elements = []
        for code in Element.values:
            evidence, rating = saved.get(code, ("", Rating.NOT_ASSESSED))
            initial_element = {"evidence": evidence, "rating": rating}
            self.elements.append(ElementForm(data, element=code, initial=initial_element))

    @property
    def is_bound(self) -> bool:
        return self.main.is_bound

    def is_valid(self) -> bool:
        results = [self.main.is_valid(), *[f.is_valid() for f in self.elements]]
        assessed_on = self.main.cleaned_data.get("assessed_on")
        if self.child is not None and assessed_on is not None:
            for problem in assessment_problems(self.child, assessed_on):
                self.main.add_error(problem.field, problem.message)
                results.append(False)
        return all(results)

    def data(self) -> dict[str, Any]:
        """The assessment's fields, for the actions (without the version)."""
        return {k: v for k, v in self.main.cleaned_data.items() if k != "version"}

    def element_data(self) -> dict[str, tuple[str, str]]:
        return {
            f.element: (f.cleaned_data["evidence"], f.cleaned_data["rating"]) for f in self.elements
        }

    def entered(self) -> Assessment:
        """An unsaved assessment holding what is entered now, to check the determination rules."""
        contests = self.main["mother_contests_separation"].value()
        recommendation = self.main["recommendation"].value()
        return Assessment(
            mother_contests_separation=bool(contests),
            recommendation=recommendation if isinstance(recommendation, str) else "",
        )


class DeterminationForm(forms.ModelForm):
    reasons = forms.MultipleChoiceField(
        label=_("Why a determination is required"),
        choices=list(REASON_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one reason.")},
    )

    class Meta:
        model = Determination
        fields = ["held_on", "decision", "decision_reasons", "dissent", "review_on"]
        widgets = {
            "held_on": DateInput(),
            "review_on": DateInput(),
            "decision_reasons": forms.Textarea(attrs={"rows": 4}),
            "dissent": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "dissent": _("Who on the panel disagreed, and why."),
            "review_on": _("When the panel's decision is to be looked at again."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_long_text(self)

    def clean_held_on(self) -> dt.date:
        return casework_date(self.cleaned_data["held_on"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        held, review = cleaned.get("held_on"), cleaned.get("review_on")
        if held and review and review <= held:
            self.add_error("review_on", _("The review date must be after the date of the panel."))
        return cleaned


class PanelMemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), required=False, max_length=150)
    role = forms.CharField(label=_("Role on the panel"), required=False, max_length=150)

    @property
    def is_filled(self) -> bool:
        return bool(self.cleaned_data.get("name") or self.cleaned_data.get("role"))

    def clean_name(self) -> str:
        return clean_person_name(self.cleaned_data["name"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        name, role = cleaned.get("name"), cleaned.get("role")
        if name and not role:
            self.add_error("role", _("Enter this member's role on the panel."))
        if role and not name:
            self.add_error("name", _("Enter this member's name."))
        return cleaned


PANEL_ROWS = 6
PANEL_MINIMUM = 3


class DeterminationForms:
    """The determination and a fixed number of panel rows; blank rows are ignored."""

    def __init__(
        self, data: Any = None, *, initial: dict[str, Any] | None = None, child: Child | None = None
    ) -> None:
        self.child = child
        self.main = DeterminationForm(data, initial=initial)
        self.members = [PanelMemberForm(data, prefix=f"member{i}") for i in range(PANEL_ROWS)]
        self.panel_error = ""

    def is_valid(self) -> bool:
        main_ok = self.main.is_valid()
        held_on = self.main.cleaned_data.get("held_on")
        if self.child is not None and held_on is not None:
            for problem in determination_problems(self.child, held_on):
                self.main.add_error(problem.field, problem.message)
                main_ok = False
        members_ok = all([f.is_valid() for f in self.members])
        if members_ok and len(self.member_data()) < PANEL_MINIMUM:
            self.panel_error = str(
                _("A panel has at least three members: enter each one's name and role.")
            )
            members_ok = False
        return main_ok and members_ok

    def data(self) -> dict[str, Any]:
        return {k: v for k, v in self.main.cleaned_data.items() if k != "reasons"}

    def reasons(self) -> list[str]:
        return list(self.main.cleaned_data["reasons"])

    def member_data(self) -> list[tuple[str, str]]:
        return [
            (f.cleaned_data["name"], f.cleaned_data["role"]) for f in self.members if f.is_filled
        ]
