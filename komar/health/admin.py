from django.contrib import admin

from komar.health.models import ScheduleDose, Vaccine


class DoseInline(admin.TabularInline):
    model = ScheduleDose
    extra = 0
    fields = ("dose_number", "label_en", "label_km", "age_days", "overdue_after_days", "is_active")


@admin.register(Vaccine)
class VaccineAdmin(admin.ModelAdmin):
    """The national immunisation schedule: reference data an administrator corrects when the
    programme changes (doses are deactivated, never deleted once given)."""

    list_display = ("name_en", "name_km", "slug", "order")
    inlines = [DoseInline]


@admin.register(ScheduleDose)
class ScheduleDoseAdmin(admin.ModelAdmin):
    list_display = (
        "label_en",
        "vaccine",
        "dose_number",
        "age_days",
        "overdue_after_days",
        "is_active",
    )
    list_filter = ("vaccine", "is_active")

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
