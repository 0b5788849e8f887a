"""Every woman has a case number now (0011): it becomes required and unique."""

from django.db import migrations, models

from komar.cases.name_search_sql import reinstall


class Migration(migrations.Migration):
    dependencies = [("cases", "0011_casework_essentials")]

    operations = [
        migrations.AlterField(
            model_name="mother",
            name="case_number",
            field=models.CharField(
                editable=False, max_length=20, unique=True, verbose_name="case number"
            ),
        ),
        # cases_mother was rebuilt on SQLite: reinstall the search triggers.
        migrations.RunPython(reinstall, migrations.RunPython.noop),
    ]
