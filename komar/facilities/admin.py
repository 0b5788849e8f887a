from django.contrib import admin

from komar.facilities.models import Facility, Province


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_km"]
    search_fields = ["name_en", "name_km"]


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = [
        "name_en",
        "name_km",
        "province",
        "kind",
        "has_child_friendly_space",
        "holds_women",
        "is_active",
    ]
    list_filter = ["kind", "province", "has_child_friendly_space", "holds_women", "is_active"]
    search_fields = ["name_en", "name_km"]
