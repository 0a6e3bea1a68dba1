"""Loyalty's public workflows. Other apps call these names; the work is done in
``points`` (ledger, gifts), ``tiers`` (rules, evaluation, eligibility), ``applications``
(register, cards, tier changes) and ``benefits``."""

from loyalty.applications import (
    ApplicationError,
    approve_application,
    approve_applications,
    enter_application,
    issue_card,
    issue_points_card,
    new_card_number,
    record_collected,
    record_mailed,
    record_notified,
    reject_application,
    set_tier_by_hand,
    submit_application,
    withdraw_application,
)
from loyalty.benefits import benefits_for, discount_rate, update_matrix
from loyalty.points import (
    PointsError,
    ReversalResult,
    adjust_points,
    earn_for_new_purchase,
    earn_for_purchase,
    earn_points,
    expire_points,
    ledger_sum,
    open_balance,
    points_balance,
    points_for_amount,
    points_to_next_gift,
    redeem_gift,
    reverse_purchase_points,
)
from loyalty.tiers import (
    RuleError,
    check_eligibility,
    current_rules,
    evaluate_tier,
    next_tier_gap,
    tier_check,
    update_rules,
)

__all__ = [
    "ApplicationError",
    "PointsError",
    "ReversalResult",
    "RuleError",
    "adjust_points",
    "approve_application",
    "approve_applications",
    "benefits_for",
    "check_eligibility",
    "current_rules",
    "discount_rate",
    "earn_for_new_purchase",
    "earn_for_purchase",
    "earn_points",
    "enter_application",
    "evaluate_tier",
    "expire_points",
    "issue_card",
    "issue_points_card",
    "ledger_sum",
    "new_card_number",
    "next_tier_gap",
    "on_purchase_recorded",
    "open_balance",
    "points_balance",
    "points_for_amount",
    "points_to_next_gift",
    "record_collected",
    "record_mailed",
    "record_notified",
    "redeem_gift",
    "reject_application",
    "reverse_purchase_points",
    "set_tier_by_hand",
    "submit_application",
    "tier_check",
    "update_matrix",
    "update_rules",
    "withdraw_application",
]


def on_purchase_recorded(purchase) -> None:
    """Provider of the ``purchase_recorded`` hook (order 10, inside the purchase's
    transaction, customer row locked): earn points, then check the tier rules."""
    from django.utils import timezone

    from crm.db import insert_with_it

    customer, on = purchase.customer, timezone.localdate(purchase.purchased_at)
    if customer.tier == "C":
        issue_points_card(customer, by=purchase.clerk, store=purchase.store)
    # The tier evaluation is written in the points' statement: one read, one write.
    evaluation = evaluate_tier(customer, on, purchase=purchase, record=False)
    earn_for_new_purchase(purchase, also=[insert_with_it(evaluation)])
    check_eligibility(customer, on, by=purchase.clerk, purchase=purchase, evaluation=evaluation)
