from django.db import migrations


def create(apps, schema_editor):
    from loyalty.vouchers import DEFAULT_TYPES

    VoucherType = apps.get_model("loyalty", "VoucherType")
    for values in DEFAULT_TYPES:
        if not VoucherType.objects.filter(rule=values["rule"]).exists():
            VoucherType.objects.create(valid_days=31, **values)


class Migration(migrations.Migration):
    dependencies = [("loyalty", "0003_vouchers")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
