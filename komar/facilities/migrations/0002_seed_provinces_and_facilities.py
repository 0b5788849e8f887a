"""Seed Cambodia's provinces and its 28 prisons (Ministry of Interior count, 2015).

The facility list is provisional: names are as given in public reports (see
docs/architecture.md); administrators correct them in the admin. Re-running is harmless.
"""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def seed(apps, schema_editor):
    Province = apps.get_model("facilities", "Province")
    Facility = apps.get_model("facilities", "Facility")
    with open(DATA / "provinces.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            Province.objects.update_or_create(
                code=row["code"], defaults={"name_en": row["name_en"], "name_km": row["name_km"]}
            )
    provinces = {p.code: p for p in Province.objects.all()}
    with open(DATA / "facilities.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            Facility.objects.get_or_create(
                name_en=row["name_en"],
                defaults={
                    "name_km": row["name_km"],
                    "province": provinces[row["province"]],
                    "kind": row["kind"],
                    "has_child_friendly_space": row["has_child_friendly_space"] == "1",
                    "holds_women": row["holds_women"] == "1",
                },
            )


class Migration(migrations.Migration):
    dependencies = [("facilities", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
