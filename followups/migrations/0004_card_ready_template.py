"""The card-ready SMS of the card register (seed 003 step 11); head office edits it."""

from django.db import migrations

BODY = "{name}您好，您的{card}已办好，请到{store}领取，或回电告知邮寄地址。"


def add_template(apps, schema_editor):
    MessageTemplate = apps.get_model("followups", "MessageTemplate")
    MessageTemplate.objects.get_or_create(code="card_ready", defaults={"name": "会员卡已办好（领卡通知）", "body": BODY})


class Migration(migrations.Migration):
    dependencies = [("followups", "0003_indexes_for_reports")]

    operations = [migrations.RunPython(add_template, migrations.RunPython.noop)]
