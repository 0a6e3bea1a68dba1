from celery import shared_task
from django.utils import timezone

from reports import summary


@shared_task(acks_late=True, reject_on_worker_lost=True)
def refresh_today_task() -> dict:
    """Hourly: today's daily figures (not the periods), so dashboards are at most an
    hour behind during the day. Idempotent like the daily job."""
    return summary.summarise(timezone.localdate(), periods=False)
