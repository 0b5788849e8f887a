"""Show audit entries in the user's language: record and field names, not database names."""

from __future__ import annotations

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from komar.audit.models import AuditEntry

register = template.Library()


@register.filter
def record_name(entry: AuditEntry) -> str:
    try:
        model = apps.get_model(entry.object_type)
    except (LookupError, ValueError):
        return entry.object_type
    return str(model._meta.verbose_name)


def field_label(model: type[models.Model], name: str) -> str:
    """A field's name in the reader's language.

    An action may audit a name that is not a plain field: a model lists those in
    `AUDIT_LABELS` (for example a session's "factors"). A reverse relation is named after the
    related records. Anything else is shown as recorded.
    """
    extra = getattr(model, "AUDIT_LABELS", {})
    if name in extra:
        return str(extra[name])
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    verbose = getattr(field, "verbose_name", None)
    if verbose is None and field.related_model is not None:
        related = field.related_model
        assert not isinstance(related, str)
        verbose = related._meta.verbose_name_plural
    return str(verbose or name)


@register.filter
def field_names(entry: AuditEntry) -> str:
    try:
        model = apps.get_model(entry.object_type)
    except (LookupError, ValueError):
        return ", ".join(entry.fields)
    return ", ".join(field_label(model, name) for name in entry.fields)
