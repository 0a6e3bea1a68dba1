"""An upload while the broker is down is kept and queued later; stuck jobs are re-queued
or cancelled by their user."""

import contextlib
import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from crm.celery import app
from customers.importing import services
from customers.importing.models import ImportJob, ImportStatus
from customers.tests.spreadsheets.workbooks import mobile, workbook

DEAD_BROKER = "redis://127.0.0.1:1/0"


@contextlib.contextmanager
def broker_down(monkeypatch, settings):
    """The broker's address answers nothing (a real connection refused), for what runs inside."""
    with monkeypatch.context() as patch:
        settings.CELERY_TASK_ALWAYS_EAGER = False
        patch.setenv("CELERY_BROKER_URL", DEAD_BROKER)
        patch.setattr(app.conf, "broker_url", DEAD_BROKER)
        patch.setattr(app, "_pool", None)
        patch.setattr(app.amqp, "_producer_pool", None)
        yield
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def upload(tmp_path):
    path = workbook(
        tmp_path / "南京西路.xlsx", [[f"顾客{n}", "女", mobile(n), "", "", "", "", 0, 0, 0] for n in range(3)]
    )
    return lambda: open(path, "rb")


def test_an_upload_while_the_broker_is_down_is_kept_and_checked_when_it_is_back(
    client_for, manager_a, store_a, upload, monkeypatch, settings
):
    client = client_for(manager_a)
    with broker_down(monkeypatch, settings):
        response = client.post(
            reverse("spreadsheets:import_start"), {"store": store_a.pk, "file": upload()}, follow=True
        )

    job = ImportJob.objects.get()
    assert response.status_code == 200
    assert (job.status, job.queued_at) == (ImportStatus.CHECKING, None)
    page = response.content.decode()
    assert "文件已保存，稍后将进行检查" in page
    assert job.file and job.file.storage.exists(job.file.name)

    # the broker is back: beat's sweeper queues the check, and the worker (eager here) runs it
    assert services.requeue_stuck() == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED and job.queued_at is not None
    assert job.new_customers == 3
    assert services.requeue_stuck() == 0


def test_a_job_a_killed_worker_left_in_checking_is_queued_again_only_after_the_quiet_period(
    manager_a, store_a, upload, settings
):
    job = services.start_import(store=store_a, user=manager_a, upload=upload(), name="a.xlsx", size=100, enqueue=False)
    ImportJob.objects.filter(pk=job.pk).update(queued_at=timezone.now(), worked_at=timezone.now())

    assert services.requeue_stuck() == 0  # a worker may still be on it
    later = timezone.now() + dt.timedelta(seconds=settings.KEDANG_IMPORT_STUCK_AFTER + 1)
    assert services.requeue_stuck(now=later) == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED


def test_the_user_can_cancel_a_stuck_job_but_not_one_a_worker_is_on(client_for, manager_a, store_a, upload, settings):
    job = services.start_import(store=store_a, user=manager_a, upload=upload(), name="a.xlsx", size=100, enqueue=False)
    ImportJob.objects.filter(pk=job.pk).update(queued_at=timezone.now(), worked_at=timezone.now())
    client = client_for(manager_a)

    client.post(reverse("spreadsheets:import_cancel", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKING  # progress a moment ago: not stuck

    with time_machine.travel(timezone.now() + dt.timedelta(seconds=settings.KEDANG_IMPORT_STUCK_AFTER + 1)):
        page = client.get(reverse("spreadsheets:import_detail", args=[job.pk])).content.decode()
        assert "取消本次导入" in page
        client.post(reverse("spreadsheets:import_cancel", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED
    assert services.requeue_stuck(now=timezone.now() + dt.timedelta(days=1)) == 0
