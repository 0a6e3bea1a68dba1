import datetime as dt
import logging

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.utils import timezone

from crm import jobs
from crm.backup import back_up
from crm.jobs import DailyJobsFailed

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5, default_retry_delay=300)
def run_daily_jobs_task(self, day: str | None = None, only: list[str] | None = None) -> dict:
    """Beat's daily entry point; the same function ``run_daily_jobs`` runs. When some jobs
    fail, the others' work stands and the task is retried for the failed ones only.

    Each job's end is recorded in DailyRun, so a run a dead worker left is caught up
    (``crm.jobs.catch_up``)."""
    day = day or timezone.localdate().isoformat()
    date, node = dt.date.fromisoformat(day), self.request.hostname or ""
    jobs.record_progress(date, node)
    results, failed = {}, []
    for job in jobs.registered_jobs():
        if only and job.name not in only:
            continue
        try:
            results |= jobs.run_daily_jobs(date, only=[job.name])
        except DailyJobsFailed as exc:
            failed += exc.failed
        jobs.record_progress(date, node)
    if failed:
        logger.error("daily jobs for %s: %s failed, retrying them", day, ", ".join(failed))
        exc = DailyJobsFailed(failed, results)
        raise self.retry(kwargs={"day": day, "only": failed}, exc=exc) from exc
    jobs.record_progress(date, node, finished=True)
    return results


@shared_task
def catch_up_daily_jobs_task(restarted_node: str = "") -> str | None:
    """Beat, every KEDANG_SWEEP_EVERY seconds, and every worker start: today's missed run."""
    day = jobs.catch_up(restarted_node=restarted_node)
    return day.isoformat() if day else None


@worker_ready.connect
def _catch_up_on_start(sender=None, **kwargs) -> None:
    """A worker (re)started: if today's jobs are due and not done, queue them now rather
    than when Redis would give back a dead worker's task."""
    from crm.queue import enqueue

    enqueue(catch_up_daily_jobs_task, getattr(sender, "hostname", "") or "")


@shared_task(acks_late=True, reject_on_worker_lost=True)
def backup_task() -> str:
    """Beat's nightly backup (embedded setup); the same function ``manage.py backup`` runs."""
    return str(back_up(settings.KEDANG_BACKUP_DIR, settings.KEDANG_BACKUP_KEEP))
