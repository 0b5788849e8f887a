"""The free text moved to the notes (0006): its columns go, and the court's obligations take
their name back as a list of codes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("legal", "0006_move_text_to_notes")]

    operations = [
        migrations.RemoveField(model_name="screening", name="obligations_she_can_meet"),
        migrations.RemoveField(model_name="screening", name="care_if_detained"),
        migrations.RemoveField(model_name="application", name="obligations"),
        migrations.RenameField(
            model_name="application", old_name="obligation_codes", new_name="obligations"
        ),
    ]
