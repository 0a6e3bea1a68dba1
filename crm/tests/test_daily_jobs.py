"""One failing daily job does not stop the others; the beat task retries only the failed."""

import datetime as dt
import logging

import pytest
from django.core.management import CommandError, call_command

from crm import jobs
from crm.jobs import DailyJob, DailyJobsFailed, run_daily_jobs
from crm.models import Store
from crm.tasks import run_daily_jobs_task

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 6, 30)


@pytest.fixture
def three_jobs(monkeypatch):
    """Only three jobs: a store renamed before and after one that raises until ``heal``."""
    calls = []
    state = {"broken": True}

    def before(day):
        calls.append("before")
        Store.objects.filter(code="S001").update(name="早")
        return {"renamed": 1}

    def broken(day):
        calls.append("broken")
        Store.objects.filter(code="S001").update(name="坏")  # rolled back with the failure
        if state["broken"]:
            raise RuntimeError("gateway down")
        return {"fixed": 1}

    def after(day):
        calls.append("after")
        Store.objects.filter(code="S002").update(name="晚")
        return {}

    registry = {
        "test.before": DailyJob("test.before", before, 10),
        "test.broken": DailyJob("test.broken", broken, 20),
        "test.after": DailyJob("test.after", after, 30),
    }
    monkeypatch.setattr(jobs, "_jobs", registry)
    return calls, state


def names():
    return dict(Store.objects.values_list("code", "name"))


def test_it_runs_the_jobs_after_a_failing_one_and_names_it(store_a, store_b, three_jobs, caplog):
    calls, _state = three_jobs
    with caplog.at_level(logging.ERROR, logger="crm.jobs"), pytest.raises(DailyJobsFailed) as failure:
        run_daily_jobs(DAY)
    assert calls == ["before", "broken", "after"]
    assert failure.value.failed == ["test.broken"]
    assert set(failure.value.results) == {"test.before", "test.after"}
    assert names() == {"S001": "早", "S002": "晚"}, "the failed job's writes are rolled back, the others' stay"
    logged = [record for record in caplog.records if "test.broken" in record.getMessage()]
    assert logged and logged[0].exc_info is not None and "gateway down" in str(logged[0].exc_info[1])


def test_the_command_exits_non_zero_naming_the_failed_job(store_a, store_b, three_jobs, capsys):
    with pytest.raises(CommandError, match="failed: test.broken"):
        call_command("run_daily_jobs", date=DAY.isoformat())
    out = capsys.readouterr().out
    assert "test.before" in out and "test.after" in out


def test_the_beat_task_retries_only_the_failed_job(store_a, store_b, three_jobs, settings):
    calls, state = three_jobs
    original = jobs._jobs["test.broken"].fn

    def heals_after_one_failure(day):
        try:
            return original(day)
        finally:
            state["broken"] = False

    jobs._jobs["test.broken"] = DailyJob("test.broken", heals_after_one_failure, 20)
    result = run_daily_jobs_task.apply(kwargs={"day": DAY.isoformat()})
    assert calls == ["before", "broken", "after", "broken"]
    assert result.successful() and result.get() == {"test.broken": {"fixed": 1}}
    assert names()["S001"] == "坏"
