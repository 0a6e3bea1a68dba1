"""Importing a store's customer workbook: the workflow the views, the task and the command share.

    job = start_import(store=..., user=..., upload=file, name="南京西路.xlsx")   # saved, not read
    check(job.pk)            # reads and checks every row; writes no customer (task)
    confirm(job, user, file_wins=False)                                     # the user's yes
    run(job.pk)              # writes the valid rows, a transaction per batch (task)

Nothing reaches the customer file before ``confirm``; re-importing the same file changes
nothing (customers are matched by mobile, then VIP number; purchases by a stable key).
"""

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation

from crm.models import Store, staff_profile
from customers.importing import checking, safety, writing
from customers.importing.models import ImportJob, ImportStatus
from customers.importing.safety import FileRefused
from customers.privacy.uploads import discard_upload

__all__ = ["FileRefused", "can_import_into", "check", "confirm", "run", "start_import"]


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
        from customers.tasks import check_import_task

        transaction.on_commit(lambda: check_import_task.delay(job.pk))
    return job


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
    if confirmed and enqueue:
        from customers.tasks import run_import_task

        transaction.on_commit(lambda: run_import_task.delay(job.pk))
    job.refresh_from_db()
    return bool(confirmed)


def cancel(job: ImportJob, user) -> bool:
    """Drop a checked import the user decided against; its staged rows go with it."""
    if user is not None and not can_import_into(user, job.store):
        raise PermissionDenied
    cancelled = ImportJob.objects.filter(
        pk=job.pk, status__in=[ImportStatus.CHECKED, ImportStatus.REFUSED], confirmed_at__isnull=True
    ).update(status=ImportStatus.CANCELLED)
    if cancelled:
        job.rows.all().delete()
        discard_upload(job)
    job.refresh_from_db()
    return bool(cancelled)


def run(job_id: int) -> ImportJob:
    job = ImportJob.objects.only("language").get(pk=job_id)
    with translation.override(job.language or None):
        return writing.run_job(job_id)
