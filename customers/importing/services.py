"""Importing a store's customer workbook: the workflow the views, the task and the command share.

    job = start_import(store=..., user=..., upload=file, name="南京西路.xlsx")   # saved, not read
    check(job.pk)            # reads and checks every row; writes no customer (task)
    confirm(job, user, file_wins=False)                                     # the user's yes
    run(job.pk)              # writes the valid rows, a transaction per batch (task)

Nothing reaches the customer file before ``confirm``; re-importing the same file changes
nothing (customers are matched by mobile, then VIP number; purchases by a stable key).
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from crm.models import Store, staff_profile
from crm.queue import enqueue
from customers.importing import checking, safety, writing
from customers.importing.models import ImportJob, ImportStatus
from customers.importing.safety import FileRefused
from customers.privacy.uploads import discard_upload

__all__ = [
    "FileRefused",
    "can_cancel",
    "can_import_into",
    "cancel",
    "check",
    "confirm",
    "queue_job",
    "requeue_stuck",
    "run",
    "start_import",
]


def can_import_into(user, store: Store) -> bool:
    """Head office imports into any store; a store manager only into their own."""
    profile = staff_profile(user)
    if profile is None:
        return False
    if profile.is_head_office:
        return True
    return profile.is_manager and profile.store_id == store.pk


def start_import(*, store: Store, user, upload, name: str, size: int, enqueue: bool = True) -> ImportJob:
    """Keep the uploaded file as a new job and (with ``enqueue``) queue its check.

    Raises PermissionDenied if ``user`` may not import into ``store`` and FileRefused
    for a file over the size limit (the content is checked by ``check``).
    """
    if user is not None and not can_import_into(user, store):
        raise PermissionDenied
    safety.check_size(size)
    job = ImportJob(
        store=store,
        created_by=user,
        original_name=name[:200],
        language=translation.get_language() or "",
        progress_total=0,
    )
    job.save()
    job.file.save(f"{store.code}/{job.pk}.xlsx", File(upload), save=True)
    if enqueue:
        transaction.on_commit(lambda: queue_job(job))
    return job


def queue_job(job: ImportJob) -> bool:
    """Send the job's next task (check, or the confirmed write) to the broker and note it;
    False if the broker is down (the job is kept; ``requeue_stuck`` sends it later)."""
    from customers.tasks import check_import_task, run_import_task

    task = check_import_task if job.status == ImportStatus.CHECKING else run_import_task
    if not enqueue(task, job.pk):
        return False
    ImportJob.objects.filter(pk=job.pk, queued_at=job.queued_at).update(queued_at=timezone.now())
    job.refresh_from_db(fields=["queued_at"])
    return True


def _stuck(now):
    """Jobs a worker should be on but nobody is: never queued, or silent since ``now``."""
    quiet = Q(queued_at__isnull=True) | Q(queued_at__lt=now) & (Q(worked_at__isnull=True) | Q(worked_at__lt=now))
    waiting = Q(status=ImportStatus.CHECKING) | Q(
        status__in=[ImportStatus.CHECKED, ImportStatus.IMPORTING], confirmed_at__isnull=False
    )
    return ImportJob.objects.filter(waiting & quiet)


def requeue_stuck(now=None) -> int:
    """Re-queue the jobs stuck in checking or importing (broker down at upload, or a worker
    killed mid-job) for ``KEDANG_IMPORT_STUCK_AFTER`` seconds; how many were sent."""
    now = now or timezone.now()
    silent_since = now - dt.timedelta(seconds=settings.KEDANG_IMPORT_STUCK_AFTER)
    sent = 0
    for job in _stuck(silent_since).order_by("pk"):
        # claim: another sweeper that got there first has moved queued_at
        claimed = ImportJob.objects.filter(pk=job.pk, queued_at=job.queued_at).update(queued_at=now)
        if claimed and enqueue(_task_for(job), job.pk):
            sent += 1
        elif claimed:
            ImportJob.objects.filter(pk=job.pk, queued_at=now).update(queued_at=job.queued_at)
    return sent


def _task_for(job: ImportJob):
    from customers.tasks import check_import_task, run_import_task

    return check_import_task if job.status == ImportStatus.CHECKING else run_import_task


def check(job_id: int) -> ImportJob:
    job = ImportJob.objects.select_related("store", "created_by").get(pk=job_id)
    if job.status != ImportStatus.CHECKING:
        return job
    with translation.override(job.language or None):
        return checking.check_job(job)


def confirm(job: ImportJob, user, *, file_wins: bool = False, enqueue: bool = True) -> bool:
    """Record the user's confirmation once and queue the write; False if already confirmed."""
    if user is not None and not can_import_into(user, job.store):
        raise PermissionDenied
    confirmed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.CHECKED, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now(), confirmed_by=user, file_wins=file_wins
    )
    job.refresh_from_db()
    if confirmed and enqueue:
        transaction.on_commit(lambda: queue_job(job))
    return bool(confirmed)


def can_cancel(job: ImportJob, now=None) -> bool:
    """A checked import not yet confirmed, or one stuck in checking or importing."""
    if job.status in (ImportStatus.CHECKED, ImportStatus.REFUSED) and job.confirmed_at is None:
        return True
    return _cancellable(now).filter(pk=job.pk).exists()


def _cancellable(now=None):
    now = now or timezone.now()
    unchecked = Q(status__in=[ImportStatus.CHECKED, ImportStatus.REFUSED], confirmed_at__isnull=True)
    return ImportJob.objects.filter(
        unchecked | Q(pk__in=_stuck(now - dt.timedelta(seconds=settings.KEDANG_IMPORT_STUCK_AFTER)).values("pk"))
    )


def cancel(job: ImportJob, user) -> bool:
    """Drop an import the user decided against, or one stuck in checking or importing
    (rows an interrupted write already recorded stay); its staged rows go with it."""
    if user is not None and not can_import_into(user, job.store):
        raise PermissionDenied
    cancelled = _cancellable().filter(pk=job.pk).update(status=ImportStatus.CANCELLED)
    if cancelled:
        job.rows.all().delete()
        discard_upload(job)
        if job.report:
            job.report.delete(save=False)
            ImportJob.objects.filter(pk=job.pk).update(report="")
    job.refresh_from_db()
    return bool(cancelled)


def run(job_id: int) -> ImportJob:
    job = ImportJob.objects.only("language").get(pk=job_id)
    with translation.override(job.language or None):
        return writing.run_job(job_id)
