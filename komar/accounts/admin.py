"""The admin edits organisations (a national administrator's work), through audited actions.

User accounts are not in the admin: who can see what (role, facilities, activation) changes only
on the team pages, through `accounts.actions`, so every change is in Komar's own audit.
"""

from django.contrib import admin

from komar.accounts.actions import do_set_organisation_facilities
from komar.accounts.models import Organisation
from komar.audit.actions import write_audit
from komar.audit.models import AuditEntry
from komar.lib.http import client_ip


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_km", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    fields = ["name_en", "name_km", "kind", "phone", "is_active", "facilities"]
    filter_horizontal = ["facilities"]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        # Its kind decides whether its staff see every woman of their facilities: audited.
        super().save_model(request, obj, form, change)
        changed = [name for name in form.changed_data if name != "facilities"]
        if changed or not change:
            write_audit(
                actor=request.user,
                action=AuditEntry.Action.CHANGE if change else AuditEntry.Action.CREATE,
                obj=obj,
                mother=None,
                fields=changed,
                ip=client_ip(request),
            )

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        # Where it works goes through the audited action, not the form's own save.
        facilities = form.cleaned_data.pop("facilities", None)
        form.save_m2m = lambda: None
        super().save_related(request, form, formsets, change)
        if facilities is not None:
            do_set_organisation_facilities(
                form.instance, facilities, actor=request.user, ip=client_ip(request)
            )
