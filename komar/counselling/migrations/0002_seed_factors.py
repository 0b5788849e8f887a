"""Load the provisional decision-factor taxonomy (This Life Cambodia's personal/external
grouping; factors from other Cambodian sources, one URL each). Administrators rename, add,
retire and reorder factors in the admin; codes never change. Re-running is harmless."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "decision-factors.csv"


def seed(apps, schema_editor):
    Factor = apps.get_model("counselling", "Factor")
    with open(DATA, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            Factor.objects.get_or_create(
                code=row["code"],
                defaults={
                    "group": row["group"],
                    "label_en": row["label_en"],
                    "label_km": row["label_km"],
                    "evidence": row["evidence"],
                    "order": int(row["order"]),
                },
            )


class Migration(migrations.Migration):
    dependencies = [("counselling", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
