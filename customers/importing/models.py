"""An import of a store's Excel customer file, and its rows staged for checking.

Rows are staged in the database rather than kept in memory: the preview, the report
of rejected rows and the write itself all stream from here, so a 100,000-row file needs
no more memory than a 1,000-row one, and an import the worker lost can be picked up
where it stopped. A row written to the customer file is deleted in the same transaction;
the job keeps the counts, and the rows that stay are those rejected or not imported.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.access import ScopedQuerySet
from crm.models import Store


class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("Checking the file")
    REFUSED = "refused", _("File refused")
    CHECKED = "checked", _("Checked, waiting for confirmation")
    IMPORTING = "importing", _("Importing")
    # a context of its own: the project catalog's plain "Imported" is the customer source 导入
    DONE = "done", pgettext_lazy("import status", "Imported")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class ImportJobQuerySet(ScopedQuerySet):
    scope_field = "store"


class ImportJob(models.Model):
    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    language = models.CharField(max_length=10, blank=True, help_text="Language of the messages and report.")
    original_name = models.CharField(_("file name"), max_length=200)
    file = models.FileField(upload_to="imports/", max_length=300)
    report = models.FileField(upload_to="imports/", max_length=300, blank=True)

    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.CHECKING)
    message = models.TextField(_("message"), blank=True)
    warnings = models.JSONField(default=list, blank=True)
    # Per sheet: its title, header row number and header cells, to lay out the report.
    headers = models.JSONField(default=dict, blank=True)
    file_wins = models.BooleanField(
        _("file wins"), default=False, help_text=_("Overwrite what Kedang already holds with the file's values.")
    )

    # Progress: rows looked at in the current phase, out of (an estimate of) the total.
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)

    customer_rows = models.PositiveIntegerField(_("customer rows"), default=0)
    purchase_rows = models.PositiveIntegerField(_("purchase rows"), default=0)
    rejected_rows = models.PositiveIntegerField(_("rejected rows"), default=0)
    new_customers = models.PositiveIntegerField(_("new customers"), default=0)
    known_customers = models.PositiveIntegerField(_("customers already in Kedang"), default=0)

    created_count = models.PositiveIntegerField(_("customers created"), default=0)
    updated_count = models.PositiveIntegerField(_("customers updated"), default=0)
    purchases_count = models.PositiveIntegerField(_("purchases recorded"), default=0)
    failed_rows = models.PositiveIntegerField(_("rows not imported"), default=0)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # When its task last reached the queue (None: the broker was down), and when a worker
    # last showed progress: a job with neither for a while is re-queued by the sweeper.
    queued_at = models.DateTimeField(null=True, blank=True)
    worked_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        app_label = "customers"
        ordering = ["-created_at", "-id"]
        verbose_name = _("customer import")
        verbose_name_plural = _("customer imports")

    def __str__(self) -> str:
        return f"{self.store.code} {self.original_name}"

    @property
    def is_waiting_for_queue(self) -> bool:
        """Kept, but its task has not reached the queue yet (the sweeper will queue it)."""
        return self.queued_at is None and (
            self.status == ImportStatus.CHECKING or (self.status == ImportStatus.CHECKED and self.confirmed_at)
        )

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.CHECKING, ImportStatus.IMPORTING)

    @property
    def percent(self) -> int:
        if self.status in (ImportStatus.DONE, ImportStatus.CHECKED):
            return 100
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def valid_rows(self) -> int:
        return self.customer_rows + self.purchase_rows - self.rejected_rows

    @property
    def not_imported_rows(self) -> int:
        """Rows the import left out: rejected at the check, or failed while writing."""
        return self.rejected_rows + self.failed_rows


class RowSheet(models.TextChoices):
    CUSTOMERS = "customers", _("Customers")
    PURCHASES = "purchases", _("Purchases")


class RowStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REJECTED = "rejected", _("Rejected")
    IMPORTED = "imported", _("Imported")  # no longer stored: a written row is deleted
    FAILED = "failed", _("Not imported")


class ImportRow(models.Model):
    """One data row of the file, as checked: normalised values in ``data``; the cells as
    they were in ``raw`` (kept for rejected rows only, to copy them into the report)."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    sheet = models.CharField(max_length=10, choices=RowSheet.choices)
    row_number = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=RowStatus.choices)
    reason = models.TextField(blank=True)
    mobile = models.CharField(max_length=20, blank=True)
    card_number = models.CharField(max_length=32, blank=True)
    id_hash = models.CharField(max_length=64, blank=True)
    # Purchase rows: lines of one purchase share a group (customer, time, receipt).
    group_key = models.CharField(max_length=120, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    customer_id = models.BigIntegerField(null=True)  # the customer already in Kedang, if any
    data = models.JSONField(default=dict)
    raw = models.JSONField(default=list)

    class Meta:
        app_label = "customers"
        ordering = ["job", "sheet", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["job", "sheet", "row_number"], name="unique_import_row"),
        ]
        indexes = [
            models.Index(fields=["job", "sheet", "status", "row_number"]),
            models.Index(fields=["job", "mobile"]),
            models.Index(fields=["job", "card_number"]),
            models.Index(fields=["job", "group_key"]),
        ]

    def __str__(self) -> str:
        return f"{self.job_id}/{self.sheet}/{self.row_number}"
