"""What the benefits matrix (head office's, in loyalty) decides in marketing: who gets a
new-arrival or promotion notice first, and who is on the holiday gift list."""

from customers.models import Customer, Tier
from loyalty.models import BenefitKind, TierBenefit

# A campaign that is neither a new-arrival nor a promotion notice: gold and silver first.
DEFAULT_PRIORITY = (Tier.A, Tier.B)
TIER_ORDER = {Tier.A: 0, Tier.B: 1, Tier.C: 2}


def tiers_with(benefit: str) -> list[str]:
    """The tiers the matrix gives ``benefit`` to, best first."""
    tiers = TierBenefit.objects.filter(benefit=benefit, enabled=True).values_list("tier", flat=True)
    return sorted(tiers, key=lambda t: TIER_ORDER.get(t, 9))


def priority_tiers(notice: str) -> list[str]:
    """The tiers that get a campaign first: the matrix's row for a new-arrival or promotion
    notice (新品上市优先通知, 促销优先通知), gold and silver for any other message."""
    if notice in (BenefitKind.NEW_ARRIVALS, BenefitKind.PROMOTIONS):
        return tiers_with(notice)
    return list(DEFAULT_PRIORITY)


def tier_labels(tiers: list[str]) -> str:
    return "、".join(str(Tier(t).label) for t in tiers)


def holiday_gift_customers(user, store=None):
    """The important customers for holiday gifts (节日优先送禮): those of the tiers the matrix
    gives holiday gifts to, in the stores ``user`` sees, best tier and biggest spend first."""
    customers = Customer.objects.visible_to(user).filter(tier__in=tiers_with(BenefitKind.HOLIDAY_GIFTS))
    if store is not None:
        customers = customers.filter(home_store=store)
    return customers.select_related("home_store", "clerk__staff").order_by("tier", "-cumulative_spend", "pk")
