import datetime as dt

from celery import shared_task
from celery.signals import worker_ready
from django.utils import timezone

from crm import jobs


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def run_daily_jobs_task(self, day: str | None = None) -> dict:
    """Beat's daily entry point; the same function ``run_daily_jobs`` runs, recorded in
    DailyRun so a run a dead worker left is caught up (``crm.jobs.catch_up``)."""
    day = dt.date.fromisoformat(day) if day else timezone.localdate()
    node = self.request.hostname or ""
    jobs.record_progress(day, node)
    results = {}
    for job in jobs.registered_jobs():
        results |= jobs.run_daily_jobs(day, only=[job.name])
        jobs.record_progress(day, node)
    jobs.record_progress(day, node, finished=True)
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
