"""Uploaded workbooks hold ID-card numbers in plain text, so they do not stay around.

A refused or cancelled upload is deleted at once, a finished import's upload when it
finishes; the rest (checked but never confirmed, failed) and the reports of rows not
imported go after ``KEDANG_IMPORT_FILE_RETENTION_DAYS`` (7) through the daily job.
Files are written 0600 (``FILE_UPLOAD_PERMISSIONS``); staged rows keep ID numbers only
encrypted (``data``) or masked (``raw``, which the report copies).
"""

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from customers.importing.models import ImportJob


def discard_upload(job: ImportJob) -> None:
    """Delete the uploaded workbook now (the staged rows are all the import still needs)."""
    if job.file:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")


def purge_old_files(day: dt.date) -> dict:
    """Delete uploads and reports of imports older than the retention period."""
    cutoff = timezone.make_aware(dt.datetime.combine(day, dt.time.min)) - dt.timedelta(
        days=settings.KEDANG_IMPORT_FILE_RETENTION_DAYS
    )
    jobs = ImportJob.objects.filter(created_at__lt=cutoff).filter(~Q(file="") | ~Q(report=""))
    deleted = 0
    for job in jobs.only("pk", "file", "report").iterator():
        for field in (job.file, job.report):
            if field:
                field.delete(save=False)
                deleted += 1
        ImportJob.objects.filter(pk=job.pk).update(file="", report="")
    return {"import_files_deleted": deleted}
