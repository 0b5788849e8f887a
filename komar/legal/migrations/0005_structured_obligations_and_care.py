"""Structured obligations of judicial supervision and per-child care: the new columns, beside
the free text they replace (moved into the notes by 0006, dropped by 0007)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("legal", "0004_hearings_scheduled_and_versions")]

    operations = [
        migrations.AddField(
            model_name="screening",
            name="care",
            field=models.JSONField(
                blank=True, default=list, verbose_name="who would care for each child"
            ),
        ),
        migrations.AddField(
            model_name="screening",
            name="care_note",
            field=models.TextField(blank=True, verbose_name="about the care of her children"),
        ),
        migrations.AddField(
            model_name="screening",
            name="obligations",
            field=models.JSONField(
                blank=True,
                default=list,
                verbose_name="obligations of judicial supervision she can meet",
            ),
        ),
        migrations.AddField(
            model_name="screening",
            name="obligations_note",
            field=models.TextField(blank=True, verbose_name="other conditions or details"),
        ),
        migrations.AddField(
            model_name="application",
            name="obligation_codes",
            field=models.JSONField(
                blank=True, default=list, verbose_name="obligations set by the court"
            ),
        ),
        migrations.AddField(
            model_name="application",
            name="obligations_note",
            field=models.TextField(blank=True, verbose_name="other conditions or details"),
        ),
    ]
