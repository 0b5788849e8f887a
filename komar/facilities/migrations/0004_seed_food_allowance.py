"""The per-child food allowance is 1,750 riel a day in every prison, unchanged since 2018
(LICADHO, 1 June 2025). Administrators update it in the facility record."""

from django.db import migrations


def seed(apps, schema_editor):
    Facility = apps.get_model("facilities", "Facility")
    Facility.objects.filter(holds_women=True, food_allowance_riel__isnull=True).update(
        food_allowance_riel=1750
    )


class Migration(migrations.Migration):
    dependencies = [("facilities", "0003_facility_facts_updated_on_and_more")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
