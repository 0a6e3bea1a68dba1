"""The contact rhythm of seed 002, as head office finds it before editing."""

from django.db import migrations

DEFAULTS = [
    # value class, contact every (days), review every (months), dedicated manager, holiday greetings
    ("important", 7, 1, True, True),
    ("major", 14, 3, False, True),
    ("ordinary", 30, 6, False, False),
    ("small", 91, 0, False, False),
]


def add_defaults(apps, schema_editor):
    ServiceRhythm = apps.get_model("distributors", "ServiceRhythm")
    for value_class, days, months, dedicated, greetings in DEFAULTS:
        ServiceRhythm.objects.get_or_create(
            value_class=value_class,
            defaults={
                "contact_every_days": days,
                "review_every_months": months,
                "dedicated_manager": dedicated,
                "holiday_greetings": greetings,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("distributors", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
