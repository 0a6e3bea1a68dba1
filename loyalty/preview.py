"""The ``sale_preview`` hook: what a sale not yet recorded would earn and where it would
leave the customer, read-only, from the same rules the purchase will be recorded with."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from customers.models import Customer, Tier
from loyalty.models import UPGRADE_TIERS, tier_rank
from loyalty.points import points_balance, points_for_amount
from loyalty.tiers import ZERO, standings


def gap_after_sale(customer: Customer, amount: Decimal, on: dt.date | None = None) -> dict:
    """``qualifies_for``: the highest card this sale makes the customer eligible for (or
    None); ``next``: the gap to the next card above that, after the sale (or None at gold)."""
    on = on or timezone.localdate()
    found = standings(customer, on) if customer.pk else {}
    qualifies, next_gap = None, None
    for tier in UPGRADE_TIERS:
        if tier_rank(tier) <= tier_rank(customer.tier):
            continue
        standing = found.get(tier)
        rule = standing.rule if standing else _rule(tier)
        single = max(standing.max_single if standing else ZERO, amount)
        cumulative = (standing.cumulative if standing else customer.cumulative_spend) + amount
        if single >= rule.single_threshold or cumulative >= rule.cumulative_threshold:
            qualifies = tier
            next_gap = None
        elif next_gap is None:
            next_gap = {
                "tier": tier,
                "tier_label": Tier(tier).label,
                "single_needed": rule.single_threshold,
                "cumulative_needed": max(ZERO, rule.cumulative_threshold - cumulative),
            }
    return {"qualifies_for": Tier(qualifies).label if qualifies else None, "next": next_gap}


def _rule(tier: str):
    from loyalty.tiers import current_rules

    return next(r for r in current_rules().rules.all() if r.tier == tier)


def sale_preview(customer: Customer | None, total: Decimal) -> dict | None:
    if customer is None:
        return None
    points = points_for_amount(total)
    balance = points_balance(customer) if customer.pk else 0
    return {"points": points, "balance_after": balance + points, **gap_after_sale(customer, total)}
