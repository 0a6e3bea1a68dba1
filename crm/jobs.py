"""The daily jobs. Each app registers its own in ``AppConfig.ready()``:

    from crm.jobs import daily_job

    @daily_job("followups.generate", order=30)
    def generate(day: date) -> dict: ...

Jobs run in ``order`` (lower first) and must be idempotent: running a day twice, or two
runs of the same day at once, leaves what one run leaves. Each returns a small dict of
counts that ``run_daily_jobs`` prints and the Celery task logs.
"""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DailyJob:
    name: str
    fn: Callable[[dt.date], dict | None]
    order: int


_jobs: dict[str, DailyJob] = {}


def daily_job(name: str, order: int = 50) -> Callable:
    def decorator(fn):
        _jobs[name] = DailyJob(name=name, fn=fn, order=order)
        return fn

    return decorator


def registered_jobs() -> list[DailyJob]:
    return sorted(_jobs.values(), key=lambda job: (job.order, job.name))


class DailyJobsFailed(Exception):
    """Some jobs raised; the others ran. ``failed`` names them, ``results`` has the counts
    of those that finished."""

    def __init__(self, failed: list[str], results: dict[str, dict]):
        super().__init__(f"daily jobs failed: {', '.join(failed)}")
        self.failed = failed
        self.results = results


def run_daily_jobs(day: dt.date, only: list[str] | None = None) -> dict[str, dict]:
    """Run every registered job (or those named in ``only``) for ``day``.

    A job that raises does not stop the others: its traceback is logged, and once every
    job has run, ``DailyJobsFailed`` names the ones that failed.
    """
    results: dict[str, dict] = {}
    failed: list[str] = []
    for job in registered_jobs():
        if only and job.name not in only:
            continue
        logger.info("daily job %s for %s", job.name, day)
        try:
            results[job.name] = _run(job, day) or {}
        except Exception:
            logger.exception("daily job %s for %s failed", job.name, day)
            failed.append(job.name)
    if failed:
        raise DailyJobsFailed(failed, results)
    return results


def _run(job: DailyJob, day: dt.date) -> dict | None:
    # Inside a transaction (a caller's, or a test's) a failed job rolls back to its own
    # savepoint, so the jobs after it still have a usable connection.
    if connection.in_atomic_block:
        with transaction.atomic():
            return job.fn(day)
    return job.fn(day)


# --- catching up a missed day -------------------------------------------------------------
#
# Beat sends the daily task once, at KEDANG_DAILY_JOBS_AT. If the worker that took it
# dies, Redis gives the task back only after its visibility timeout, and a day with no
# worker at that minute is never run at all. So each run is recorded (DailyRun), and
# ``catch_up`` — on every worker start and from beat every KEDANG_SWEEP_EVERY seconds —
# queues today's run again when it is due and not done, and nobody has worked on it for
# KEDANG_DAILY_STALE_AFTER seconds (or the node that had it has just restarted). The jobs
# are idempotent, so a run queued twice does no harm.


def _due_day(now: dt.datetime) -> dt.date | None:
    local = timezone.localtime(now)
    hour, minute = (int(part) for part in settings.KEDANG_DAILY_JOBS_AT.split(":"))
    return local.date() if (local.hour, local.minute) >= (hour, minute) else None


def record_progress(day: dt.date, node: str = "", finished: bool = False) -> None:
    from crm.models import DailyRun

    now = timezone.now()
    DailyRun.objects.get_or_create(day=day)
    fields = {"worked_at": now, "worked_by": node[:200]}
    if finished:
        fields |= {"finished_at": now, "runs": F("runs") + 1}
    DailyRun.objects.filter(day=day).update(**fields)


def catch_up(now: dt.datetime | None = None, restarted_node: str = "") -> dt.date | None:
    """Queue today's daily jobs if they are due and not done; the day queued, or None."""
    from crm.models import DailyRun
    from crm.queue import enqueue
    from crm.tasks import run_daily_jobs_task

    now = now or timezone.now()
    day = _due_day(now)
    if day is None:
        return None
    run, _created = DailyRun.objects.get_or_create(day=day)
    if run.finished_at:
        return None
    stale = now - dt.timedelta(seconds=settings.KEDANG_DAILY_STALE_AFTER)
    quiet = Q(queued_at__isnull=True) | Q(queued_at__lt=stale)
    quiet &= Q(worked_at__isnull=True) | Q(worked_at__lt=stale)
    if restarted_node:
        quiet |= Q(worked_by=restarted_node)  # that node died with it; it cannot be running
    # claim: of two catch-ups at once, one moves queued_at and sends the task
    if not DailyRun.objects.filter(quiet, pk=run.pk, queued_at=run.queued_at, finished_at__isnull=True).update(
        queued_at=now, worked_by=""
    ):
        return None
    if not enqueue(run_daily_jobs_task, day.isoformat()):
        DailyRun.objects.filter(pk=run.pk, queued_at=now).update(queued_at=run.queued_at)
        return None
    logger.info("daily jobs for %s queued again (missed or interrupted)", day)
    return day
