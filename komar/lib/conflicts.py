"""What the other person saved, when two people edit one record at once (optimistic locking).

The edit views show the user, beside what she typed, the saved value of every field where the
two differ, in words: a choice's label, Yes or No, a date in her language's format.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _


def saved_display(current: models.Model, name: str) -> Any:
    value = getattr(current, name, None)
    display = getattr(current, f"get_{name}_display", None)
    if callable(display):
        return display()
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.date):
        return date_format(value)
    return value


def field_differences(
    form: forms.BaseForm,
    current: models.Model,
    *,
    names: Iterable[str] | None = None,
    shown: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The fields (all of the form's, or `names`) whose typed value differs from the saved one.

    `shown` gives the words for saved values that `saved_display` cannot find (lists of codes).
    """
    differences = []
    for name in form.fields if names is None else names:
        if name == "version" or name not in form.fields or name not in form.cleaned_data:
            continue
        if form.cleaned_data[name] == getattr(current, name, None):
            continue
        saved = (shown or {}).get(name, saved_display(current, name))
        differences.append({"label": form[name].label, "saved": saved})
    return differences
