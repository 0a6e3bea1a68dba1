"""The benefits matrix: which tier gets what, and the tier discount at the till."""

from decimal import Decimal

from django.db import transaction

from crm.access import audit
from crm.db import Compiled
from customers.models import Customer, Tier
from loyalty import defaults
from loyalty.models import BenefitKind, TierBenefit

# Seed 003's table (loyalty.defaults, also used by migration 0002).
DEFAULT_MATRIX = {BenefitKind(benefit): tiers for benefit, tiers in defaults.BENEFIT_MATRIX.items()}
DEFAULT_DISCOUNT = {Tier(tier): rate for tier, rate in defaults.DISCOUNT.items()}


def ensure_matrix() -> None:
    """Every (benefit, tier) cell exists; missing ones get the seed's defaults."""
    TierBenefit.objects.bulk_create(
        [
            TierBenefit(
                benefit=benefit,
                tier=tier,
                enabled=tier in tiers,
                rate=DEFAULT_DISCOUNT[tier] if benefit == BenefitKind.DISCOUNT else None,
            )
            for benefit, tiers in DEFAULT_MATRIX.items()
            for tier in Tier.values
        ],
        ignore_conflicts=True,
    )


def matrix() -> list[dict]:
    """Rows in the seed's order: {"benefit", "label", "cells": {tier: TierBenefit}}."""
    cells = {(c.benefit, c.tier): c for c in TierBenefit.objects.all()}
    if len(cells) < len(BenefitKind.values) * len(Tier.values):
        ensure_matrix()
        cells = {(c.benefit, c.tier): c for c in TierBenefit.objects.all()}
    return [
        {"benefit": kind.value, "label": kind.label, "cells": [cells[(kind.value, tier)] for tier in ("A", "B", "C")]}
        for kind in BenefitKind
    ]


def benefits_for(tier: str) -> list[TierBenefit]:
    order = {kind: i for i, kind in enumerate(BenefitKind.values)}
    cells = TierBenefit.objects.filter(tier=tier, enabled=True)
    return sorted(cells, key=lambda c: order.get(c.benefit, 99))


def discount_rate(customer: Customer | None) -> Decimal | None:
    """The ``discount_rate`` hook: the tier's discount, if the matrix gives one."""
    if customer is None:
        return None
    rates = _DISCOUNT_RATE(BenefitKind.DISCOUNT.value, customer.tier)
    return rates[0][0] if rates and rates[0][0] else None


# At every sale and quote: the SQL compiled once per process.
_DISCOUNT_RATE = Compiled(
    lambda benefit, tier: (
        TierBenefit.objects.filter(benefit=benefit, tier=tier, enabled=True).order_by("pk").values_list("rate")[:1]
    )
)


@transaction.atomic
def update_matrix(changes: dict[tuple[str, str], dict], *, by) -> int:
    """``changes``: (benefit, tier) -> {"enabled", "detail", "rate"}. Returns cells changed."""
    ensure_matrix()
    changed = 0
    for (benefit, tier), values in changes.items():
        cell = TierBenefit.objects.select_for_update().get(benefit=benefit, tier=tier)
        new = {
            "enabled": bool(values.get("enabled")),
            "detail": (values.get("detail") or "").strip()[:100],
            "rate": values.get("rate") if benefit == BenefitKind.DISCOUNT else None,
        }
        if any(getattr(cell, k) != v for k, v in new.items()):
            for k, v in new.items():
                setattr(cell, k, v)
            cell.updated_by = by
            cell.save()
            changed += 1
    if changed:
        audit(by, "loyalty.benefits_changed", None, cells=changed)
    return changed
