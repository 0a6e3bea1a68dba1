import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from crm.backup import back_up
from crm.jobs import run_daily_jobs


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_daily_jobs_task(day: str | None = None) -> dict:
    """Beat's daily entry point; the same function ``run_daily_jobs`` runs."""
    return run_daily_jobs(dt.date.fromisoformat(day) if day else timezone.localdate())


@shared_task(acks_late=True, reject_on_worker_lost=True)
def backup_task() -> str:
    """Beat's nightly backup (embedded setup); the same function ``manage.py backup`` runs."""
    return str(back_up(settings.KEDANG_BACKUP_DIR, settings.KEDANG_BACKUP_KEEP))
