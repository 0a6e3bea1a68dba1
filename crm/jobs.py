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


def run_daily_jobs(day: dt.date, only: list[str] | None = None) -> dict[str, dict]:
    """Run every registered job (or those named in ``only``) for ``day``."""
    results: dict[str, dict] = {}
    for job in registered_jobs():
        if only and job.name not in only:
            continue
        logger.info("daily job %s for %s", job.name, day)
        results[job.name] = job.fn(day) or {}
    return results
