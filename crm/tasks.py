import datetime as dt

from celery import shared_task
from django.utils import timezone

from crm.jobs import run_daily_jobs


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_daily_jobs_task(day: str | None = None) -> dict:
    """Beat's daily entry point; the same function ``run_daily_jobs`` runs."""
    return run_daily_jobs(dt.date.fromisoformat(day) if day else timezone.localdate())
