"""The form renderer (`FORM_RENDERER`): Django's, with select boxes written in Python.

Django renders a `<select>` through a template that includes one more template per option, and
another for each tag's attributes: the case list's filter form, with six selects and 60
options, took 6.1 ms to render at 100,000 women, 4.2 ms with this (docs/performance.md).
`Renderer` writes the same elements, attributes, escaping and localised labels as Django's
`select.html`, `select_option.html` and `attrs.html` (not their blank lines between options; a
test compares both on every kind of select), and leaves every other template, and any select
whose options use another template, to Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # not in the stubs

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _attrs(attrs: Mapping[str, Any]) -> SafeString:
    """`attrs.html`: ` name="value"`, a bare ` name` for True, nothing for False."""
    return format_html_join(
        "",
        " {}{}",
        (
            (name, "" if value is True else format_html('="{}"', str(value)))
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _shown(value: Any) -> Any:
    """A label as `{{ label }}` shows it: a date or a number localised (the time zone, then the
    active language's formats); `format_html` then escapes it."""
    return localize(template_localtime(value))


def _option(option: Mapping[str, Any]) -> str:
    return format_html(
        '<option value="{}"{}>{}</option>',
        str(option["value"]),
        _attrs(option["attrs"]),
        _shown(option["label"]),
    )


def render_select(widget: Mapping[str, Any]) -> str | None:
    """The HTML of `select.html` for this widget context, or None when an option has a
    template of its own."""
    parts: list[str] = [
        format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))
    ]
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', _shown(group_name)))
        for option in group_choices:
            if option.get("template_name", OPTION) != OPTION:
                return None
            parts.append("\n  " + _option(option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class Renderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == SELECT:
            html = render_select(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request=request)
