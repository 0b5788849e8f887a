"""The error summary at the top of a form page: every error of every form on the page, each
linked to its field, in one box that takes the focus when the page opens after a failed save.

    {% load form_help %}
    {% error_summary mother_form episode_form children=child_forms %}

Arguments are forms, lists of forms, or objects with `subforms` (the forms they hold). A form's
`summary_caption`, if it has one, is put before each of its errors ("Sok Vichet · Who decided:
..."); the forms of the registration page's children are numbered ("Child 2 · Sex: ...").
`message` and `target` add one message of the page's own, linked to the element with that id
(for example "Record a decision for at least one child." and "decisions").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django import forms, template
from django.utils.translation import gettext

register = template.Library()


@dataclass(frozen=True)
class SummaryItem:
    message: str
    label: str = ""
    href: str = ""

    @property
    def text(self) -> str:
        if not self.label:
            return self.message
        if self.label.endswith("?"):  # a question: "Does she have children? Say whether ..."
            return f"{self.label} {self.message}"
        return gettext("%(label)s: %(message)s") % {"label": self.label, "message": self.message}


def summary_items(part: Any, caption: str = "") -> Iterator[SummaryItem]:
    """The errors of `part` (a form, a list of forms, an object with `subforms`), in page
    order: each form's own errors first, then those of its fields."""
    if part is None or isinstance(part, str):
        return
    if isinstance(part, forms.BaseForm):
        caption = str(getattr(part, "summary_caption", "") or caption)
        if part.is_bound:
            yield from _form_items(part, caption)
    elif isinstance(part, Iterable):
        for item in part:
            yield from summary_items(item, caption)
        return
    for sub in getattr(part, "subforms", ()):
        yield from summary_items(sub, caption)


def _form_items(form: forms.BaseForm, caption: str) -> Iterator[SummaryItem]:
    for error in form.non_field_errors():
        yield SummaryItem(str(error), caption)
    for field in form:
        if not field.errors:
            continue
        label = " · ".join(str(x) for x in (caption, field.label) if x)
        target = "" if field.is_hidden else _input_id(field)
        for error in field.errors:
            yield SummaryItem(str(error), label, f"#{target}" if target else "")


def _input_id(field: forms.BoundField) -> str:
    """The id of the field's input, or of the first of its radio buttons or tick boxes (which
    Django does not give as the field's label target)."""
    widget = field.field.widget
    if isinstance(widget, forms.widgets.ChoiceWidget) and widget.input_type in (
        "radio",
        "checkbox",
    ):
        return f"{field.auto_id}_0" if field.auto_id else ""
    return field.id_for_label


@register.inclusion_tag("includes/error_summary.html")
def error_summary(
    *parts: Any,
    children: Iterable[Any] = (),
    message: str = "",
    target: str = "",
) -> dict[str, Any]:
    items = [item for part in parts for item in summary_items(part)]
    for n, part in enumerate(children, 1):
        items.extend(summary_items(part, gettext("Child %(n)s") % {"n": n}))
    if message:
        items.append(SummaryItem(str(message), "", f"#{target}" if target else ""))
    return {"items": items}
