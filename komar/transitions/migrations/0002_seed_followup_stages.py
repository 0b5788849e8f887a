"""The follow-up visits after a separation: 2 weeks, 1, 3, 6 and 12 months (a project choice,
domain notes 5(b) item 6)."""

from django.db import migrations

STAGES = [
    # code, months, days, English, Khmer
    ("2w", 0, 14, "2 weeks after", "២ សប្តាហ៍ក្រោយ"),
    ("1m", 1, 0, "1 month after", "១ ខែក្រោយ"),
    ("3m", 3, 0, "3 months after", "៣ ខែក្រោយ"),
    ("6m", 6, 0, "6 months after", "៦ ខែក្រោយ"),
    ("12m", 12, 0, "12 months after", "១២ ខែក្រោយ"),
]


def seed(apps, schema_editor):
    stage = apps.get_model("transitions", "FollowUpStage")
    for order, (code, months, days, en, km) in enumerate(STAGES, start=1):
        stage.objects.update_or_create(
            code=code,
            defaults={"months": months, "days": days, "label_en": en, "label_km": km, "order": order},
        )


def unseed(apps, schema_editor):
    apps.get_model("transitions", "FollowUpStage").objects.filter(
        code__in=[s[0] for s in STAGES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("transitions", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
