"""The free text of the obligations and of who will care for the children, moved into the
notes kept beside the new choices: nothing typed is lost, and no choice is guessed from it."""

from django.db import migrations


def move_text_to_notes(apps, schema_editor):
    Screening = apps.get_model("legal", "Screening")
    Application = apps.get_model("legal", "Application")
    for screening in Screening.objects.all().iterator():
        obligations = screening.obligations_she_can_meet.strip()
        care = screening.care_if_detained.strip()
        if obligations or care:
            screening.obligations_note = _joined(screening.obligations_note, obligations)
            screening.care_note = _joined(screening.care_note, care)
            screening.save(update_fields=["obligations_note", "care_note"])
    for application in Application.objects.exclude(obligations="").iterator():
        application.obligations_note = _joined(
            application.obligations_note, application.obligations.strip()
        )
        application.save(update_fields=["obligations_note"])


def move_notes_back(apps, schema_editor):
    Screening = apps.get_model("legal", "Screening")
    Application = apps.get_model("legal", "Application")
    for screening in Screening.objects.all().iterator():
        screening.obligations_she_can_meet = screening.obligations_note
        screening.care_if_detained = screening.care_note
        screening.save(update_fields=["obligations_she_can_meet", "care_if_detained"])
    for application in Application.objects.exclude(obligations_note="").iterator():
        application.obligations = application.obligations_note
        application.save(update_fields=["obligations"])


def _joined(*texts: str) -> str:
    return "\n".join(t for t in texts if t)


class Migration(migrations.Migration):
    dependencies = [("legal", "0005_structured_obligations_and_care")]
    operations = [migrations.RunPython(move_text_to_notes, move_notes_back)]
