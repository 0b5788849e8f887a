"""Show audit entries in the user's language: record and field names, not database names."""

from __future__ import annotations

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from komar.audit.models import AuditEntry

register = template.Library()


@register.filter
def record_name(entry: AuditEntry) -> str:
    try:
        model = apps.get_model(entry.object_type)
    except (LookupError, ValueError):
        return entry.object_type
    return str(model._meta.verbose_name)


@register.filter
def field_names(entry: AuditEntry) -> str:
    try:
        model = apps.get_model(entry.object_type)
    except (LookupError, ValueError):
        return ", ".join(entry.fields)
    labels = []
    for name in entry.fields:
        try:
            labels.append(str(model._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:
            labels.append(name)
    return ", ".join(labels)
