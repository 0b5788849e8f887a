"""Only reference data is edited in the admin. Personal data goes through the audited views."""

from django.contrib import admin

from komar.cases.models import OffenceCategory


@admin.register(OffenceCategory)
class OffenceCategoryAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "label_en",
        "label_km",
        "is_drug_related",
        "is_violent",
        "is_active",
        "order",
    ]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active", "is_drug_related"]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Codes never change once records use them; retire a category instead.
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
