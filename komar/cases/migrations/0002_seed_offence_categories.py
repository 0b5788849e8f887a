"""Offence categories used by LICADHO's prison monitoring; editable reference data."""

from django.db import migrations

CATEGORIES = [
    ("drug_use", "Drug use", "ការប្រើប្រាស់គ្រឿងញៀន", True, False),
    ("drug_possession", "Drug possession or trafficking", "ការកាន់កាប់ ឬជួញដូរគ្រឿងញៀន", True, False),
    ("theft", "Theft", "ចោរកម្ម", False, False),
    ("receiving_stolen_goods", "Receiving stolen goods", "ការលាក់ទុកទ្រព្យដែលបានមកពីបទល្មើស", False, False),
    ("breach_of_trust", "Breach of trust", "ការរំលោភលើទំនុកចិត្ត", False, False),
    ("property_damage", "Property damage", "ការបំផ្លិចបំផ្លាញទ្រព្យសម្បត្តិ", False, False),
    ("illegal_fishing", "Illegal fishing", "ការនេសាទខុសច្បាប់", False, False),
    ("human_trafficking", "Human trafficking", "ការជួញដូរមនុស្ស", False, False),
    ("violent", "Violent offence", "បទល្មើសប្រើហិង្សា", False, True),
    ("other", "Other", "ផ្សេងៗ", False, False),
]


def seed(apps, schema_editor):
    OffenceCategory = apps.get_model("cases", "OffenceCategory")
    for order, (code, en, km, drug, violent) in enumerate(CATEGORIES, start=1):
        OffenceCategory.objects.get_or_create(
            code=code,
            defaults={
                "label_en": en,
                "label_km": km,
                "is_drug_related": drug,
                "is_violent": violent,
                "order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
