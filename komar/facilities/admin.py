from django.contrib import admin
from django.utils.translation import gettext_lazy as _

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
        "facts_updated_on",
    ]
    list_filter = ["kind", "province", "has_child_friendly_space", "holds_women", "is_active"]
    search_fields = ["name_en", "name_km"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name_en",
                    "name_km",
                    "province",
                    "kind",
                    "holds_women",
                    "is_active",
                    "notes",
                ]
            },
        ),
        (
            _("Facts told to every mother counselled here"),
            {
                "description": _(
                    "Printed on the facility information sheet and copied on each counselling "
                    "session as they stand that day. Write short, plain sentences in both "
                    "languages, and update the date when you check them."
                ),
                "fields": [
                    "food_allowance_riel",
                    "has_child_friendly_space",
                    ("health_care_en", "health_care_km"),
                    ("space_en", "space_km"),
                    ("outdoor_time_en", "outdoor_time_km"),
                    ("visiting_en", "visiting_km"),
                    "facts_updated_on",
                ],
            },
        ),
    ]
