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

from django.db import connection, transaction

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
