"""Forms for case notes and documents. The date rules are checked here, to show the worker
what is wrong on the field concerned, and again by the actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from komar.cases.forms import (
    ConfirmsDates,
    DateInput,
    VersionedForm,
    limit_long_text,
    not_in_future,
)
from komar.cases.models import Child, Mother
from komar.casework import files
from komar.casework.actions import document_problems, note_problems
from komar.casework.models import CaseNote, Document

NOTE_FIELDS = ["kind", "held_on", "child", "participants", "discussed", "agreed"]


class _AboutAChild(forms.ModelForm):
    """The optional `child` field offers only her children; empty means "about her"."""

    def __init__(self, *args: Any, mother: Mother, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mother = mother
        field = self.fields["child"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Child.objects.filter(mother=mother).order_by("date_of_birth", "pk")
        field.empty_label = _("Her, not one child in particular")


class CaseNoteForm(ConfirmsDates, _AboutAChild):
    class Meta:
        model = CaseNote
        fields = NOTE_FIELDS
        widgets = {
            "held_on": DateInput(),
            "discussed": forms.Textarea(attrs={"rows": 6}),
            "agreed": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "participants": _("Names and roles, for example: she, her sister, the prison nurse."),
            "agreed": _("What each person will do, and by when."),
        }

    def __init__(self, *args: Any, mother: Mother, **kwargs: Any) -> None:
        super().__init__(*args, mother=mother, **kwargs)
        limit_long_text(self)

    def clean_held_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["held_on"]
        not_in_future(value)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("held_on"):
            self.check_dates(
                note_problems(self.mother, held_on=cleaned["held_on"], child=cleaned.get("child"))
            )
        return cleaned


class CaseNoteEditForm(VersionedForm, CaseNoteForm):
    class Meta(CaseNoteForm.Meta):
        pass


class DocumentForm(ConfirmsDates, _AboutAChild):
    file = forms.FileField(
        label=_("File"),
        widget=forms.FileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
    )

    class Meta:
        model = Document
        fields = ["kind", "child", "dated_on", "note", "file"]
        widgets = {"dated_on": DateInput()}
        help_texts = {
            "dated_on": _("The day it was issued or signed; for a photo, the day it was taken."),
            "note": _("For example: a copy; the original is with her sister."),
        }

    def __init__(self, *args: Any, mother: Mother, **kwargs: Any) -> None:
        super().__init__(*args, mother=mother, **kwargs)
        self.content = b""
        self.fields["file"].help_text = files.limits_help()

    def clean_dated_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["dated_on"]
        not_in_future(value)
        return value

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        try:
            files.check_size(upload.size or 0)
            upload.seek(0)
            content = upload.read()
            files.check_content(content)
        except files.Refused as refused:
            raise forms.ValidationError(refused.message) from None
        self.content = content
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("dated_on") and cleaned.get("kind"):
            self.check_dates(
                document_problems(
                    self.mother,
                    dated_on=cleaned["dated_on"],
                    kind=cleaned["kind"],
                    child=cleaned.get("child"),
                )
            )
        return cleaned


class DocumentRemovalForm(forms.Form):
    """Why a document attached by mistake is removed (required, kept with the document)."""

    reason = forms.CharField(
        label=_("Why it is removed"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: another woman's ID card; the wrong page was scanned."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_long_text(self)
