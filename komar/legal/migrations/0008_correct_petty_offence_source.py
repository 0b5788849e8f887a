"""The source of the petty-offence limit, corrected: art. 204 allows pre-trial detention only
for an offence punishable by one year of imprisonment or more (not "by imprisonment"), and the
sources checked are named (docs/legal.md, "Sources checked"). A row an administrator has
already corrected is left as it is."""

from django.db import migrations

SEEDED = (
    "Code of Criminal Procedure 2007, arts. 204-209: pre-trial detention is ordered "
    "only for a felony or a misdemeanour punishable by imprisonment; a petty offence "
    "allows none."
)
CORRECTED = (
    "Code of Criminal Procedure 2007, art. 204: pre-trial detention may be ordered only for a "
    "felony or a misdemeanour punishable by imprisonment of one year or more; a petty offence "
    "allows none (art. 204 as summarised by the Asian Human Rights Commission, AHRC-STM-194-"
    "2008: to verify against the Khmer text)."
)


def correct(apps, schema_editor):
    LegalLimit = apps.get_model("legal", "LegalLimit")
    LegalLimit.objects.filter(offence_class="petty", source=SEEDED).update(source=CORRECTED)


def restore(apps, schema_editor):
    LegalLimit = apps.get_model("legal", "LegalLimit")
    LegalLimit.objects.filter(offence_class="petty", source=CORRECTED).update(source=SEEDED)


class Migration(migrations.Migration):
    dependencies = [("legal", "0007_drop_free_text_obligations_and_care")]
    operations = [migrations.RunPython(correct, restore)]
