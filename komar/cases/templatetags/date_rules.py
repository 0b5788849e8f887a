from __future__ import annotations

from collections.abc import Iterable

from django import template

from komar.cases.date_rules import CONFIRMED_LABELS

register = template.Library()


@register.filter
def confirmed_labels(kinds: Iterable[str]) -> str:
    """The improbable dates someone confirmed as right, named in the reader's language."""
    return ", ".join(str(CONFIRMED_LABELS.get(kind, kind)) for kind in kinds)
