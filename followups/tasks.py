from celery import shared_task
from django.db import DatabaseError

from followups.services import outbox


@shared_task(
    acks_late=True, reject_on_worker_lost=True, autoretry_for=(DatabaseError,), retry_backoff=30, max_retries=5
)
def send_outbox_task() -> dict:
    """Beat's regular sweep of the outbox: new messages, retries whose backoff is over,
    and messages a dead worker left half-sent. Safe to run anywhere, any number of times."""
    return outbox.send_due_messages()
