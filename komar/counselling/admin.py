"""Only reference data is edited in the admin. Sessions go through the audited views."""

from django import forms
from django.contrib import admin
from django.db import models

from komar.counselling.models import Factor


@admin.register(Factor)
class FactorAdmin(admin.ModelAdmin):
    list_display = ["code", "group", "label_en", "label_km", "is_active", "order"]
    list_editable = ["order", "is_active"]
    list_filter = ["group", "is_active"]
    search_fields = ["code", "label_en", "label_km"]
    # Evidence links are typed without a scheme; assume https (Django 6's default).
    formfield_overrides = {
        models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}
    }

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Codes never change once sessions use them (and research exports count them).
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Retire a factor by unticking "active": past sessions keep pointing to it.
        return False
