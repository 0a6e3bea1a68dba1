from celery import shared_task
from django.db import DatabaseError

from api import webhooks


@shared_task(
    acks_late=True, reject_on_worker_lost=True, autoretry_for=(DatabaseError,), retry_backoff=30, max_retries=5
)
def deliver_webhook_task(delivery_id: int) -> str | None:
    """The first try of one delivery, right after the change committed."""
    delivery = webhooks.attempt(delivery_id)
    return delivery.status if delivery else None


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_due_webhooks_task() -> dict:
    """Beat: retries whose backoff is over, and deliveries a dead worker left half-sent."""
    return webhooks.send_due()
