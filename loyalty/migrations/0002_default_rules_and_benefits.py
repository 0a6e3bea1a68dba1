from decimal import Decimal

from django.db import migrations

# DESIGN.md "Tiers": silver 1,500 single or 5,000 cumulative; gold 3,000 single or
# 10,000 cumulative within 182 days.
RULES = {"B": ("1500.00", "5000.00", None), "A": ("3000.00", "10000.00", 182)}

MATRIX = {
    "gifts_for_points": "ABC",
    "holiday_gifts": "AB",
    "new_arrivals": "ABC",
    "promotions": "ABC",
    "birthday_wishes": "ABC",
    "birthday_voucher": "AB",
    "club_events": "A",
    "callbacks": "ABC",
    "anniversary_gift": "AB",
    "discount": "AB",
    "home_visits": "A",
}
DISCOUNT = {"A": Decimal("0.10"), "B": Decimal("0.05"), "C": None}


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
                single_threshold=Decimal(single),
                cumulative_threshold=Decimal(cumulative),
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
