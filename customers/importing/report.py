"""Workbooks an import hands back: the report of rows not imported, and the blank template."""

from tempfile import TemporaryFile

from django.core.files.base import File
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.xlsx import Sheet, write_workbook
from customers.importing.columns import CUSTOMER_COLUMNS, PURCHASE_COLUMNS
from customers.importing.models import ImportJob, ImportRow, RowSheet, RowStatus

REASON_HEADER = gettext_lazy("Reason not imported")
ROW_HEADER = gettext_lazy("Row in the file")
# Rows listed on the page; the report holds them all.
PREVIEW_ROWS = 200


def rows_left_out(job: ImportJob, limit: int = PREVIEW_ROWS) -> list[ImportRow]:
    """The first rows the import leaves out (rejected, or failed while writing), with their
    reasons, in file order: what the preview lists before the manager confirms. One query."""
    rows = ImportRow.objects.filter(job=job, status__in=[RowStatus.REJECTED, RowStatus.FAILED])
    return list(rows.order_by("sheet", "row_number").only("sheet", "row_number", "status", "reason")[:limit])


def _report_rows(job: ImportJob, sheet: str, width: int):
    rows = ImportRow.objects.filter(job=job, sheet=sheet, status__in=[RowStatus.REJECTED, RowStatus.FAILED])
    for row in rows.order_by("row_number").only("row_number", "raw", "reason").iterator(chunk_size=2000):
        cells = list(row.raw[:width]) + [None] * max(0, width - len(row.raw))
        yield [*cells, row.reason, row.row_number]


def write_report(job: ImportJob) -> None:
    """Copy every rejected (or not imported) row with its reason into ``job.report``.

    The sheets keep the file's own headers and column order, so the user can correct
    the rows in the report and import it again; the two extra columns are ignored then.
    """
    if job.report:
        job.report.delete(save=False)
    if (
        not job.headers
        or not ImportRow.objects.filter(job=job, status__in=[RowStatus.REJECTED, RowStatus.FAILED]).exists()
    ):
        return
    sheets = []
    for sheet in (RowSheet.CUSTOMERS, RowSheet.PURCHASES):
        layout = job.headers.get(sheet)
        if not layout:
            continue
        width = len(layout["cells"])
        sheets.append(
            Sheet(layout["title"], [*layout["cells"], REASON_HEADER, ROW_HEADER], _report_rows(job, sheet, width))
        )
    with TemporaryFile() as handle:
        write_workbook(handle, sheets)
        handle.seek(0)
        name = job.original_name.rsplit(".", 1)[0]
        suffix = _("report")
        job.report.save(f"{job.store.code}/{name}-{suffix}.xlsx", File(handle), save=False)


def write_template(target) -> None:
    """An empty workbook with the columns an import understands, in the user's language."""
    customer_headers = [header for field, (header, _a) in CUSTOMER_COLUMNS.items() if field != "store"]
    purchase_headers = [header for field, (header, _a) in PURCHASE_COLUMNS.items() if field != "name"]
    notes = [
        [_("Fill one row per customer in the first sheet; a mobile number or a VIP number is required.")],
        [_("The purchase sheet is optional: one row per item bought, keyed by the customer's mobile or VIP number.")],
        [_("Dates may be written 1990-03-15, 1990/3/15 or 1990年3月15日; amounts in yuan, without formulas.")],
        [_("Columns may be in any order; headers in Simplified or Traditional Chinese or English are recognised.")],
    ]
    write_workbook(
        target,
        [
            Sheet(_("Customers"), customer_headers, []),
            Sheet(_("Purchases"), purchase_headers, []),
            Sheet(_("Instructions"), [_("How to fill this workbook")], notes),
        ],
    )
