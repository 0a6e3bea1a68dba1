"""The defaults of DESIGN.md ("Follow-up cadence"); head office edits them afterwards."""

from django.db import migrations

from followups.defaults import SCRIPTS, STEPS, TEMPLATES


def add_defaults(apps, schema_editor):
    MessageTemplate = apps.get_model("followups", "MessageTemplate")
    CadenceRule = apps.get_model("followups", "CadenceRule")
    templates = {}
    for code, name, body in TEMPLATES:
        templates[code], _ = MessageTemplate.objects.get_or_create(code=code, defaults={"name": name, "body": body})
    for tier, steps in STEPS.items():
        for day, channel, purpose, template, script in steps:
            CadenceRule.objects.get_or_create(
                tier=tier,
                day_offset=day,
                channel=channel,
                defaults={
                    "purpose": purpose,
                    "template": templates.get(template),
                    "script": SCRIPTS.get(script, ""),
                },
            )


class Migration(migrations.Migration):
    dependencies = [("followups", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
