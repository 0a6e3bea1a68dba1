from celery import shared_task

from complaints.escalation import escalate


@shared_task(acks_late=True, reject_on_worker_lost=True)
def escalate_task() -> dict:
    """Beat's hourly check; the daily job runs the same function."""
    return escalate()
