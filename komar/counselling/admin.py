"""Only reference data is edited in the admin. Sessions go through the audited views."""

from django.contrib import admin

from komar.counselling.models import Factor


@admin.register(Factor)
class FactorAdmin(admin.ModelAdmin):
    list_display = ["code", "group", "label_en", "label_km", "is_active", "order"]
    list_editable = ["order", "is_active"]
    list_filter = ["group", "is_active"]
    search_fields = ["code", "label_en", "label_km"]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Codes never change once sessions use them (and research exports count them).
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Retire a factor by unticking "active": past sessions keep pointing to it.
        return False
