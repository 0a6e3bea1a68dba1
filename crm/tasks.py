import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from crm.backup import back_up
from crm.jobs import DailyJobsFailed, run_daily_jobs

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5, default_retry_delay=300)
def run_daily_jobs_task(self, day: str | None = None, only: list[str] | None = None) -> dict:
    """Beat's daily entry point; the same function ``run_daily_jobs`` runs. When some jobs
    fail, the others' work stands and the task is retried for the failed ones only."""
    day = day or timezone.localdate().isoformat()
    try:
        return run_daily_jobs(dt.date.fromisoformat(day), only=only)
    except DailyJobsFailed as exc:
        logger.error("daily jobs for %s: %s failed, retrying them", day, ", ".join(exc.failed))
        raise self.retry(kwargs={"day": day, "only": exc.failed}, exc=exc) from exc


@shared_task(acks_late=True, reject_on_worker_lost=True)
def backup_task() -> str:
    """Beat's nightly backup (embedded setup); the same function ``manage.py backup`` runs."""
    return str(back_up(settings.KEDANG_BACKUP_DIR, settings.KEDANG_BACKUP_KEEP))
