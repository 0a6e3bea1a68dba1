"""Where webhook events come from: loyalty's rows as they are written.

Loyalty declares no signals of its own, so the API listens to ``post_save`` of the rows
that record each event (a tier change, a card issued on an approved application, a
points ledger line); they are saved inside the service's transaction, so the delivery
rows commit (or roll back) with the change. Rows written in bulk (a spreadsheet import's
opening balances) send no event.

"Customer erased" is sent from the ``customer_erased`` point (``api.privacy``), inside
the erasure's transaction.
"""

from django.db.models.signals import post_save

from api.models import WebhookEvent
from api.webhooks import emit


def _member(customer) -> dict:
    return {
        "member_id": customer.pk,
        "store": customer.home_store.code if customer.home_store_id else None,
        "tier": customer.tier,
        "card_number": customer.card_number or None,
    }


def on_tier_change(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    emit(
        WebhookEvent.TIER_CHANGED,
        lambda: {
            **_member(instance.customer),
            "from_tier": instance.from_tier,
            "to_tier": instance.to_tier,
            "source": instance.source,
            "at": instance.at,
        },
    )


def on_card_issued(sender, instance, created, raw=False, **kwargs):
    if not created or raw or instance.application_id is None:
        return
    emit(
        WebhookEvent.CARD_APPROVED,
        lambda: {
            **_member(instance.customer),
            "card_number": instance.number,
            "card_tier": instance.tier,
            "application_id": instance.application_id,
            "issued_at": instance.issued_at,
        },
    )


def on_points_entry(sender, instance, created, raw=False, **kwargs):
    if not created or raw or not instance.points:
        return
    emit(
        WebhookEvent.POINTS_CHANGED,
        lambda: {
            "member_id": instance.customer_id,
            "kind": instance.kind,
            "points": instance.points,
            "balance": instance.balance_after,
            "receipt_number": instance.purchase.receipt_number if instance.purchase_id else None,
            "at": instance.at,
        },
    )


def connect() -> None:
    from api import privacy
    from crm import hooks
    from loyalty.models import MembershipCard, PointsEntry, TierChange

    post_save.connect(on_tier_change, sender=TierChange, dispatch_uid="api.webhooks.tier_changed")
    post_save.connect(on_card_issued, sender=MembershipCard, dispatch_uid="api.webhooks.card_approved")
    post_save.connect(on_points_entry, sender=PointsEntry, dispatch_uid="api.webhooks.points_changed")
    hooks.register("customer_erased", privacy.customer_erased)
    hooks.register("customer_data", privacy.customer_data)
