"""The seed's loyalty defaults (DESIGN.md "Tiers", seed 003's benefits table). Migration
0002 creates them and the code falls back on them; head office edits them afterwards.
Plain data only (no model imports), so the migration can import it.
"""

from decimal import Decimal

# tier: (single purchase, cumulative spend, window in days or None for all time)
TIER_RULES = {
    "B": (Decimal("1500"), Decimal("5000"), None),
    "A": (Decimal("3000"), Decimal("10000"), 182),
}

# benefit: the tiers that get it
BENEFIT_MATRIX = {
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
# The discount at the till per tier, until head office sets its own.
DISCOUNT = {"A": Decimal("0.10"), "B": Decimal("0.05"), "C": None}
