"""Cambodia's national immunisation schedule for children under two, as reference data.

Source: Ministry of Health of Cambodia, National Immunization Programme (NIP), routine schedule
as reported to WHO and UNICEF (WHO Immunization Data portal, "Vaccination schedule for
Cambodia", https://immunizationdata.who.int/global/wiise-detail-page/vaccination-schedule-for-cambodia):
BCG and hepatitis B birth dose at birth (HepB within 24 hours); bOPV, DTP-HepB-Hib
(pentavalent) and PCV at 6, 10 and 14 weeks; IPV at 14 weeks; measles-rubella (MR) at 9 and
18 months; Japanese encephalitis (JE, live attenuated) at 9 months. The portal page could not be
opened from here: the doses are those the issue lists and the country profile is known to give;
an administrator checks them against the NIP card in use and corrects them in the admin.

A dose is overdue 28 days after its recommended age (14 days for the birth doses), the grace
this project chose (docs/health.md); the administrator may change it per dose.
"""

from django.db import migrations

SOURCE = (
    "Cambodia National Immunization Programme routine schedule, as reported to WHO/UNICEF "
    "(WHO Immunization Data portal, vaccination schedule for Cambodia). To verify against "
    "the NIP vaccination card in use."
)

VACCINES = [
    # slug, English, Khmer, protects against, order
    ("bcg", "BCG", "បេ.សេ.ហ្សេ (BCG)", "Tuberculosis", 1),
    ("hepb", "Hepatitis B (birth dose)", "រលាកថ្លើមប្រភេទបេ (ពេលកើត)", "Hepatitis B", 2),
    ("bopv", "Oral polio (bOPV)", "ប៉ូលីយ៉ូតាមមាត់ (bOPV)", "Poliomyelitis", 3),
    (
        "penta",
        "Pentavalent (DTP-HepB-Hib)",
        "វ៉ាក់សាំងប្រាំមុខ (DTP-HepB-Hib)",
        "Diphtheria, tetanus, whooping cough, hepatitis B, Haemophilus influenzae type b",
        4,
    ),
    ("pcv", "Pneumococcal (PCV)", "រលាកសួត (PCV)", "Pneumococcal disease", 5),
    ("ipv", "Inactivated polio (IPV)", "ប៉ូលីយ៉ូចាក់ (IPV)", "Poliomyelitis", 6),
    ("mr", "Measles-rubella (MR)", "កញ្ជ្រឹល-ស្អូច (MR)", "Measles, rubella", 7),
    ("je", "Japanese encephalitis (JE)", "រលាកខួរក្បាលជប៉ុន (JE)", "Japanese encephalitis", 8),
]

DOSES = [
    # vaccine, dose, English label, Khmer label, age in days, overdue after (days)
    ("bcg", 1, "BCG", "BCG", 0, 14),
    ("hepb", 1, "Hepatitis B birth dose", "រលាកថ្លើមបេ ពេលកើត", 0, 14),
    ("bopv", 1, "bOPV 1 (6 weeks)", "bOPV ១ (៦ សប្ដាហ៍)", 42, 28),
    ("bopv", 2, "bOPV 2 (10 weeks)", "bOPV ២ (១០ សប្ដាហ៍)", 70, 28),
    ("bopv", 3, "bOPV 3 (14 weeks)", "bOPV ៣ (១៤ សប្ដាហ៍)", 98, 28),
    ("penta", 1, "Penta 1 (6 weeks)", "ប្រាំមុខ ១ (៦ សប្ដាហ៍)", 42, 28),
    ("penta", 2, "Penta 2 (10 weeks)", "ប្រាំមុខ ២ (១០ សប្ដាហ៍)", 70, 28),
    ("penta", 3, "Penta 3 (14 weeks)", "ប្រាំមុខ ៣ (១៤ សប្ដាហ៍)", 98, 28),
    ("pcv", 1, "PCV 1 (6 weeks)", "PCV ១ (៦ សប្ដាហ៍)", 42, 28),
    ("pcv", 2, "PCV 2 (10 weeks)", "PCV ២ (១០ សប្ដាហ៍)", 70, 28),
    ("pcv", 3, "PCV 3 (14 weeks)", "PCV ៣ (១៤ សប្ដាហ៍)", 98, 28),
    ("ipv", 1, "IPV (14 weeks)", "IPV (១៤ សប្ដាហ៍)", 98, 28),
    ("mr", 1, "MR 1 (9 months)", "MR ១ (៩ ខែ)", 274, 28),
    ("mr", 2, "MR 2 (18 months)", "MR ២ (១៨ ខែ)", 548, 28),
    ("je", 1, "JE (9 months)", "JE (៩ ខែ)", 274, 28),
]


def seed(apps, schema_editor):
    """Idempotent: the browser tests' `reference_data` fixture runs it again (komar/conftest.py),
    and an administrator's corrections to a vaccine or dose already there are kept."""
    Vaccine = apps.get_model("health", "Vaccine")
    ScheduleDose = apps.get_model("health", "ScheduleDose")
    vaccines = {}
    for slug, name_en, name_km, against, order in VACCINES:
        vaccines[slug], _ = Vaccine.objects.get_or_create(
            slug=slug,
            defaults={
                "name_en": name_en,
                "name_km": name_km,
                "protects_against": against,
                "order": order,
            },
        )
    for slug, number, label_en, label_km, age, grace in DOSES:
        ScheduleDose.objects.get_or_create(
            vaccine=vaccines[slug],
            dose_number=number,
            defaults={
                "label_en": label_en,
                "label_km": label_km,
                "age_days": age,
                "overdue_after_days": grace,
                "source": SOURCE,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("health", "ScheduleDose").objects.all().delete()
    apps.get_model("health", "Vaccine").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("health", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
