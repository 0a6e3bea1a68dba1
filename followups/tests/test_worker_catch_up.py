"""A whole worker killed in the middle of today's daily jobs (in the SMS outbox), with a
Redis visibility timeout far too long to help: the restarted worker catches today's run
up at once, and every message goes out exactly once."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from crm.models import DailyRun
from customers.tests.factories import CustomerFactory
from followups.models import FollowUpTask, MessageStatus, OutboundMessage
from followups.tests.test_celery_worker import REDIS_URL, redis_broker, wait_for, worker  # noqa: F401 -- fixtures

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def send_todays_daily_task():
    from celery import Celery
    from django.conf import settings

    producer = Celery()
    with producer.connection_for_write(REDIS_URL) as connection_to_redis:
        producer.send_task(settings.CELERY_BEAT_SCHEDULE["daily-jobs"]["task"], connection=connection_to_redis)


def test_a_worker_killed_during_the_daily_jobs_is_caught_up_on_restart_and_sends_each_message_once(worker, store_a):  # noqa: F811
    """About 15 s: a real worker started twice, 30 messages at 0.15 s each."""
    today = timezone.localdate()
    for _ in range(30):
        CustomerFactory(home_store=store_a, birthday=dt.date(1990, today.month, min(today.day, 28)))
    worker.env |= {"CELERY_VISIBILITY_TIMEOUT": "3600", "KEDANG_DAILY_JOBS_AT": "00:00"}
    if today.day > 28:
        pytest.skip("birthdays on the 29th-31st are greeted by another rule")
    worker.start()
    send_todays_daily_task()
    wait_for(lambda: len(worker.deliveries()) >= 5, 60, worker)
    worker.kill()
    assert len(worker.deliveries()) < 30, "the job finished before the kill; slow the backend down"
    assert DailyRun.objects.get(day=today).finished_at is None

    restarted = time.monotonic()
    worker.start()
    wait_for(lambda: DailyRun.objects.filter(day=today, finished_at__isnull=False).exists(), 60, worker)
    caught_up_in = time.monotonic() - restarted

    assert OutboundMessage.objects.filter(status=MessageStatus.SENT).count() == 30
    assert FollowUpTask.objects.filter(greeting="birthday").count() == 30
    deliveries = worker.deliveries()
    assert len(deliveries) == len(set(deliveries)) == 30
    assert caught_up_in < 60  # well within the 15 minutes promised; Redis alone would take an hour
