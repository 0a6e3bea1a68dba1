"""A real Celery worker against Redis and the test's PostgreSQL database.

The worker is a separate process: it sees the rows this test commits
(``transaction=True``) because it gets the test database's name in DATABASE_URL.
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from customers.tests.factories import CustomerFactory
from followups.models import FollowUpTask, MessageStatus, OutboundMessage

# One Redis database per checkout, so two suites on one machine do not flush each other,
# and under pytest-xdist one per test process (gw1 takes the next database, and so on).
REDIS_URL = os.environ.get("KEDANG_TEST_REDIS_URL", "redis://127.0.0.1:6379/2")
if os.environ.get("PYTEST_XDIST_WORKER", "").startswith("gw"):
    _base, _db = REDIS_URL.rsplit("/", 1)
    REDIS_URL = f"{_base}/{int(_db) + int(os.environ['PYTEST_XDIST_WORKER'][2:])}"
DAY = dt.date(2025, 6, 18)
ROOT = Path(settings.BASE_DIR)

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_broker():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs the test database on PostgreSQL (set DATABASE_URL)")
    client.flushdb()
    yield client
    client.flushdb()


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    def __init__(self, tmp_path: Path):
        self.outbox = tmp_path / "sms-outbox"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": REDIS_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_VISIBILITY_TIMEOUT": "2",
            "KEDANG_VAR_DIR": str(tmp_path / "var"),
            "KEDANG_SMS_BACKEND": "followups.tests.slow_backend.SmsBackend",
            "KEDANG_SMS_OUTBOX_DIR": str(self.outbox),
            "KEDANG_SMS_CLAIM_TIMEOUT": "1",
            "CONN_MAX_AGE": "0",
        }
        self.log = tmp_path / "worker.log"
        self.process = None

    def start(self):
        command = [sys.executable, "-m", "celery", "-A", "crm", "worker", "--pool=solo", "-l", "info"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def deliveries(self) -> list[str]:
        log = self.outbox / "deliveries.log"
        return log.read_text().split() if log.exists() else []


@pytest.fixture
def worker(tmp_path, redis_broker, cadence_defaults):
    worker = Worker(tmp_path)
    yield worker
    worker.stop()


def send_daily_task():
    """What beat sends at KEDANG_DAILY_JOBS_AT, for a fixed day."""
    producer = Celery()
    # An explicit connection: Celery prefers the CELERY_BROKER_URL environment variable
    # (set by bin/test) over any broker given to the app.
    with producer.connection_for_write(REDIS_URL) as connection_to_redis:
        producer.send_task(
            settings.CELERY_BEAT_SCHEDULE["daily-jobs"]["task"], args=[DAY.isoformat()], connection=connection_to_redis
        )


def wait_for(condition, seconds: float, worker: Worker):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out; worker log:\n{worker.log.read_text()[-3000:]}")


def birthdays(store, n):
    return [CustomerFactory(home_store=store, birthday=dt.date(1990, DAY.month, DAY.day)) for _ in range(n)]


def test_the_daily_task_on_a_worker_creates_the_days_follow_ups(worker, store_a):
    customers = birthdays(store_a, 3)
    worker.env["SLOW_SMS_SECONDS"] = "0"
    worker.start()
    send_daily_task()

    wait_for(lambda: OutboundMessage.objects.filter(status=MessageStatus.SENT).count() == 3, 30, worker)
    assert set(FollowUpTask.objects.filter(greeting="birthday").values_list("customer", flat=True)) == {
        c.pk for c in customers
    }
    assert sorted(worker.deliveries()) == sorted(f"task:{t.pk}" for t in FollowUpTask.objects.all())


def test_a_worker_killed_mid_job_and_restarted_does_everything_exactly_once(worker, store_a):
    """Slow (about 10 s): a real Celery worker process is started, killed mid-job and
    restarted, and Redis must make the unacknowledged task visible again."""
    birthdays(store_a, 30)
    worker.start()
    send_daily_task()
    wait_for(lambda: len(worker.deliveries()) >= 5, 30, worker)
    worker.kill()
    assert len(worker.deliveries()) < 30, "the job finished before the kill; slow the backend down"

    time.sleep(2.5)  # the unacknowledged task becomes visible again (CELERY_VISIBILITY_TIMEOUT=2)
    worker.start()
    wait_for(lambda: OutboundMessage.objects.filter(status=MessageStatus.SENT).count() == 30, 45, worker)

    assert FollowUpTask.objects.filter(greeting="birthday").count() == 30
    assert OutboundMessage.objects.count() == 30
    deliveries = worker.deliveries()
    assert len(deliveries) == 30
    assert len(set(deliveries)) == 30
