from django.contrib import admin

from komar.legal.models import LegalLimit


@admin.register(LegalLimit)
class LegalLimitAdmin(admin.ModelAdmin):
    """Reference data an administrator corrects when the law or its reading changes."""

    list_display = (
        "offence_class",
        "police_custody_hours",
        "detention_months",
        "extension_months",
        "max_extensions",
        "capped_at_half_minimum_penalty",
    )

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
