"""Task notes the system wrote in English become codes (followups.notes)."""

from django.db import migrations

OLD_ENGLISH = {
    "too late to send": "system:too_late",
    "no SMS consent or invalid number": "system:no_sms",
    "quarterly cadence": "system:quarterly",
}


def to_codes(apps, schema_editor):
    FollowUpTask = apps.get_model("followups", "FollowUpTask")
    for old, code in OLD_ENGLISH.items():
        FollowUpTask.objects.filter(note=old).update(note=code)


def to_english(apps, schema_editor):
    FollowUpTask = apps.get_model("followups", "FollowUpTask")
    for old, code in OLD_ENGLISH.items():
        FollowUpTask.objects.filter(note=code).update(note=old)


class Migration(migrations.Migration):
    dependencies = [("followups", "0004_card_ready_template")]

    operations = [migrations.RunPython(to_codes, to_english)]
