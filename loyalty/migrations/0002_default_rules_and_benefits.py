from django.db import migrations

from loyalty.defaults import BENEFIT_MATRIX as MATRIX
from loyalty.defaults import DISCOUNT
from loyalty.defaults import TIER_RULES as RULES


def seed(apps, schema_editor):
    RuleVersion = apps.get_model("loyalty", "RuleVersion")
    TierRule = apps.get_model("loyalty", "TierRule")
    TierBenefit = apps.get_model("loyalty", "TierBenefit")
    if not RuleVersion.objects.exists():
        version = RuleVersion.objects.create(number=1, note="DESIGN.md defaults")
        for tier, (single, cumulative, window) in RULES.items():
            TierRule.objects.create(
                version=version,
                tier=tier,
                single_threshold=single,
                cumulative_threshold=cumulative,
                window_days=window,
            )
    TierBenefit.objects.bulk_create(
        [
            TierBenefit(
                benefit=benefit,
                tier=tier,
                enabled=tier in tiers,
                rate=DISCOUNT[tier] if benefit == "discount" else None,
            )
            for benefit, tiers in MATRIX.items()
            for tier in "ABC"
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("loyalty", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
