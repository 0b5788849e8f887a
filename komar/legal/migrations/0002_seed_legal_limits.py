"""The limits of police custody and pre-trial detention per class of offence, as read from the
Code of Criminal Procedure 2007. Reference data: an administrator corrects them in the admin.
Re-running is harmless (existing rows are kept as corrected)."""

from django.db import migrations

LIMITS = [
    {
        "offence_class": "felony",
        "police_custody_hours": 48,
        "police_custody_extension_hours": 24,
        "detention_allowed": True,
        "detention_months": 6,
        "extension_months": 6,
        "max_extensions": 2,
        "capped_at_half_minimum_penalty": False,
        "source": (
            "Code of Criminal Procedure 2007, art. 96: police custody 48 hours from arrival at "
            "the police, extendable for a felony with the prosecutor's written approval (24 "
            "hours: to verify against the Khmer text); art. 208: pre-trial detention for a "
            "felony 6 months, extendable by 6 months at most twice (18 months in all; longer "
            "only for crimes against humanity, genocide and war crimes)."
        ),
    },
    {
        "offence_class": "misdemeanour",
        "police_custody_hours": 48,
        "police_custody_extension_hours": 0,
        "detention_allowed": True,
        "detention_months": 4,
        "extension_months": 2,
        "max_extensions": 1,
        "capped_at_half_minimum_penalty": True,
        "source": (
            "Code of Criminal Procedure 2007, art. 96: police custody 48 hours, no extension for "
            "a misdemeanour; art. 209: pre-trial detention for a misdemeanour 4 months, "
            "extendable once by 2 months, and never more than half the minimum penalty "
            "incurred (ICJ, Southeast Asia security laws: Cambodia; the term and extension to "
            "verify against the Khmer text)."
        ),
    },
    {
        "offence_class": "petty",
        "police_custody_hours": 48,
        "police_custody_extension_hours": 0,
        "detention_allowed": False,
        "detention_months": 0,
        "extension_months": 0,
        "max_extensions": 0,
        "capped_at_half_minimum_penalty": False,
        "source": (
            "Code of Criminal Procedure 2007, arts. 204-209: pre-trial detention is ordered "
            "only for a felony or a misdemeanour punishable by imprisonment; a petty offence "
            "allows none."
        ),
    },
]


def seed(apps, schema_editor):
    LegalLimit = apps.get_model("legal", "LegalLimit")
    for row in LIMITS:
        LegalLimit.objects.get_or_create(offence_class=row["offence_class"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("legal", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
