"""Reference data only: the checklist's indicators (an administrator edits their wording and the
rule cited, or retires one). Snapshots, registers and checklists are written through the pages."""

from django.contrib import admin

from komar.monitoring.models import Indicator


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["key", "topic", "rule", "order", "is_active"]
    list_filter = ["topic", "is_active"]
    ordering = ["order", "key"]
