"""The default categories, departments and deadlines from the seeds; head office edits them."""

from django.db import migrations

from complaints.defaults import CATEGORIES, DEADLINES, DEPARTMENTS


def create_defaults(apps, schema_editor):
    Category = apps.get_model("complaints", "Category")
    Department = apps.get_model("complaints", "Department")
    Sla = apps.get_model("complaints", "Sla")
    for position, name in enumerate(CATEGORIES):
        category, _ = Category.objects.get_or_create(name=name, defaults={"position": position})
        for severity, (first, resolution) in DEADLINES.items():
            Sla.objects.get_or_create(
                category=category,
                severity=severity,
                defaults={"first_response_hours": first, "resolution_hours": resolution},
            )
    for position, name in enumerate(DEPARTMENTS):
        Department.objects.get_or_create(name=name, defaults={"position": position})


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
