"""Today's daily jobs, missed or interrupted, are queued again once due and quiet."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from crm import jobs
from crm.models import DailyRun

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 11, 24)


def at(hour, minute=0):
    return dt.datetime.combine(DAY, dt.time(hour, minute), SHANGHAI)


@pytest.fixture(autouse=True)
def eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the queued run happens here and now
    settings.KEDANG_DAILY_JOBS_AT = "08:00"


@pytest.fixture
def ran(monkeypatch):
    days = []
    monkeypatch.setattr(jobs, "_jobs", {"test.count": jobs.DailyJob("test.count", days.append, 1)})
    return days


def test_nothing_is_caught_up_before_the_daily_time(db, ran):
    with time_machine.travel(at(7, 59)):
        assert jobs.catch_up() is None
    assert ran == [] and not DailyRun.objects.exists()


def test_a_day_no_worker_ran_is_run_once_it_is_due(db, ran):
    with time_machine.travel(at(9, 30)):
        assert jobs.catch_up() == DAY
        assert jobs.catch_up() is None
    assert ran == [DAY]
    assert DailyRun.objects.get(day=DAY).finished_at is not None


def test_a_run_in_progress_is_left_alone_until_it_has_been_quiet_for_a_while(db, ran, settings):
    with time_machine.travel(at(8, 0)):
        jobs.record_progress(DAY, "celery@a")
    with time_machine.travel(at(8, 5)):
        assert jobs.catch_up() is None
    with time_machine.travel(at(8, 0) + dt.timedelta(seconds=settings.KEDANG_DAILY_STALE_AFTER + 1)):
        assert jobs.catch_up() == DAY
    assert ran == [DAY]


def test_a_restarted_node_catches_up_its_own_run_at_once(db, ran):
    with time_machine.travel(at(8, 0)):
        jobs.record_progress(DAY, "celery@a")
    with time_machine.travel(at(8, 1)):
        assert jobs.catch_up(restarted_node="celery@b") is None
        assert jobs.catch_up(restarted_node="celery@a") == DAY
    assert ran == [DAY]
