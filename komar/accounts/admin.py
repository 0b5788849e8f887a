from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from komar.accounts.models import Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_km", "kind", "is_active"]
    list_filter = ["kind", "is_active"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "organisation", "role", "is_active"]
    list_filter = ["role", "organisation", "is_active"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        ("Komar", {"fields": ("full_name", "organisation", "role", "facilities", "language")}),
    )
    filter_horizontal = ["facilities", "groups", "user_permissions"]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # People are deactivated, never deleted: the audit trail points at them.
        return False
