from celery import shared_task

from marketing import campaigns


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_campaigns_task() -> dict:
    """Every few minutes (beat): hand due campaign messages to the outbox."""
    return campaigns.queue_due()
