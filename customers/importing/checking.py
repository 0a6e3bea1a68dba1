"""Phase one of an import: read the workbook, check every row, stage it. Writes no customer.

The rows are read with python-calamine (``reading.py``) and checked in batches and staged as
``ImportRow``s; duplicates inside the file and the customer of each purchase are then
found with queries on the staged rows, so memory stays flat however long the file is.
"""

from collections.abc import Iterator
from itertools import islice

from django.db import connection
from django.db.models import Exists, F, Min, OuterRef, Q, Subquery, Window
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import staff_profile
from customers.importing import bulk, safety
from customers.importing.columns import (
    CUSTOMER_COLUMNS,
    CUSTOMER_SHEET_NAMES,
    PURCHASE_COLUMNS,
    PURCHASE_SHEET_NAMES,
    find_sheet,
    match_headers,
)
from customers.importing.models import ImportJob, ImportRow, ImportStatus, RowSheet, RowStatus
from customers.importing.reading import Workbook
from customers.importing.report import write_report
from customers.importing.rows import check_customer_row, check_purchase_row
from customers.models import Customer

BATCH = 1000
HEADER_SEARCH_ROWS = 10
# Columns the customer sheet must have; the purchase sheet needs a key, a time and an amount.
_CUSTOMER_NEEDS = ({"name"}, {"mobile", "card_number"})
_PURCHASE_NEEDS = ({"mobile", "card_number"}, {"purchased_at"}, {"amount", "unit_price"})


class SheetProblem(safety.FileRefused):
    pass


def check_job(job: ImportJob) -> ImportJob:
    """Check ``job``'s file and stage its rows; leaves the job CHECKED or REFUSED."""
    ImportRow.objects.filter(job=job).delete()
    try:
        facts = safety.check_workbook(job.file.path)
        workbook = Workbook(job.file.path)
    except safety.FileRefused as refusal:
        return _refuse(job, str(refusal))
    except Exception:  # calamine raises several kinds of error on a damaged file
        return _refuse(
            job, _("This workbook could not be read; it may be damaged. Open it in Excel and save it again.")
        )
    warnings = []
    if facts.formula_cells:
        warnings.append(
            _(
                "%(count)s cells contain formulas: their last calculated values were read; "
                "no formula was run. Check those columns in the preview."
            )
            % {"count": facts.formula_cells}
        )
    try:
        with workbook:
            headers = {}
            customer_title = find_sheet(workbook.sheetnames, CUSTOMER_SHEET_NAMES)
            purchase_title = find_sheet(workbook.sheetnames, PURCHASE_SHEET_NAMES)
            if customer_title is None:
                others = [t for t in workbook.sheetnames if t != purchase_title]
                if not others:
                    raise SheetProblem(_("The workbook has no 顾客 (customers) sheet."))
                customer_title = others[0]
            estimate = sum(workbook.row_estimate(t) for t in (customer_title, purchase_title) if t)
            ImportJob.objects.filter(pk=job.pk).update(
                progress_total=estimate, progress_done=0, worked_at=timezone.now()
            )
            done = 0
            for sheet, title, columns, needs, check in (
                (RowSheet.CUSTOMERS, customer_title, CUSTOMER_COLUMNS, _CUSTOMER_NEEDS, check_customer_row),
                (RowSheet.PURCHASES, purchase_title, PURCHASE_COLUMNS, _PURCHASE_NEEDS, check_purchase_row),
            ):
                if title is None:
                    continue
                # Every row there is, whatever size the file states (hand-made files are often wrong).
                rows = workbook.rows(title)
                header_cells, positions, unknown, header_row = _find_header(rows, columns, needs, title)
                headers[sheet] = {"title": title, "cells": header_cells, "row": header_row}
                if unknown:
                    warnings.append(
                        _("Sheet “%(sheet)s”: these columns are not known and were ignored: %(columns)s")
                        % {"sheet": title, "columns": "、".join(unknown)}
                    )
                done = _stage_rows(job, sheet, rows, header_row, positions, len(header_cells), check, done)
    except SheetProblem as problem:
        ImportRow.objects.filter(job=job).delete()
        return _refuse(job, str(problem))

    _analyse()
    _match_existing(job)
    _reject_duplicates(job)
    _reject_orphan_purchases(job)
    job.warnings = warnings
    job.headers = headers
    job.status = ImportStatus.CHECKED
    _count(job)
    write_report(job)  # the rows left out, to read before confirming
    job.save()
    return job


def _refuse(job: ImportJob, message: str) -> ImportJob:
    from customers.privacy.uploads import discard_upload

    job.status = ImportStatus.REFUSED
    job.message = message
    job.save(update_fields=["status", "message"])
    discard_upload(job)  # a refused file is not kept (it may hold ID numbers in plain text)
    return job


def _find_header(rows: Iterator, columns: dict, needs: tuple, title: str):
    """The first row (of the first few) that names the columns the sheet needs."""
    for number, cells in enumerate(islice(rows, HEADER_SEARCH_ROWS), start=1):
        positions, unknown = match_headers(cells, columns)
        found = set(positions.values())
        if all(found & need for need in needs):
            header_cells = [("" if c is None else str(c).strip()) for c in cells]
            while header_cells and not header_cells[-1]:
                header_cells.pop()
            return header_cells, positions, unknown, number
    wanted = " / ".join("、".join(str(columns[f][0]) for f in sorted(need)) for need in needs)
    raise SheetProblem(
        _("Sheet “%(sheet)s” has no header row with the columns we need (%(columns)s) in its first rows.")
        % {"sheet": title, "columns": wanted}
    )


def mask_cell(value) -> str:
    """An ID-card cell as staged and reported: never the whole number (PIPL), whether or
    not it was valid. A masked number imports again as "no ID number"."""
    text = str(value).strip()
    return f"{text[:3]}{'*' * (len(text) - 7)}{text[-4:]}" if len(text) > 7 else "*" * len(text)


def _raw(cells, width: int, secret: frozenset = frozenset()) -> list:
    """The row's cells as JSON-ready values, to copy rejected rows into the report; the
    cells at the ``secret`` positions (the ID-card column) masked."""
    out = []
    for i, value in enumerate(cells[:width]):
        if i in secret and value not in (None, ""):
            out.append(mask_cell(value))
        elif value is None or isinstance(value, bool | int | float | str):
            out.append(value)
        else:
            out.append(str(value))
    return out


_STAGED = (
    "job_id",
    "sheet",
    "row_number",
    "status",
    "reason",
    "mobile",
    "card_number",
    "id_hash",
    "group_key",
    "amount",
    "data",
    "raw",
)


def _stage_rows(job, sheet, rows, header_row, positions, width, check, done) -> int:
    """Check and stage the rows below the header, a batch at a time; returns rows read so far."""
    number = header_row
    secret = frozenset(i for i, name in positions.items() if name == "id_number")
    while chunk := list(islice(rows, BATCH)):
        batch = []
        for cells in chunk:
            number += 1
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                continue
            checked = check({field: cells[i] for i, field in positions.items() if i < len(cells)})
            batch.append(
                (
                    job.pk,
                    sheet,
                    number,
                    RowStatus.REJECTED if checked.errors else RowStatus.VALID,
                    "; ".join(checked.errors),
                    checked.mobile,
                    checked.card_number,
                    checked.id_hash,
                    checked.group_key,
                    checked.amount,
                    checked.data,
                    _raw(cells, width, secret),
                )
            )
        bulk.insert_rows(ImportRow, _STAGED, batch)
        done += len(chunk)
        ImportJob.objects.filter(pk=job.pk).update(progress_done=done, worked_at=timezone.now())
    return done


def _staged(job, sheet):
    return ImportRow.objects.filter(job=job, sheet=sheet)


def _match_existing(job: ImportJob) -> None:
    """Link each staged customer row to the customer Kedang already has (mobile first,
    then VIP number); reject rows whose customer is on a file the importer cannot see,
    whose mobile and VIP number point at two customers, or whose ID number is someone else's."""
    visible = _visible_customers(job)
    rows = _staged(job, RowSheet.CUSTOMERS).filter(status=RowStatus.VALID)
    customers = Customer.objects.all()
    by_mobile = customers.filter(mobile=OuterRef("mobile")).exclude(mobile__isnull=True).exclude(mobile="")
    by_card = customers.filter(card_number=OuterRef("card_number")).exclude(card_number__isnull=True)
    by_card = by_card.exclude(card_number="")
    by_id = customers.filter(id_number_hash=OuterRef("id_hash")).exclude(id_number_hash="")
    annotated = rows.annotate(
        mobile_match=Subquery(by_mobile.values("pk")[:1]),
        card_match=Subquery(by_card.values("pk")[:1]),
        id_match=Subquery(by_id.values("pk")[:1]),
        mobile_visible=Exists(visible.filter(mobile=OuterRef("mobile"))),
        card_visible=Exists(visible.filter(card_number=OuterRef("card_number"))),
    ).filter(Q(mobile_match__isnull=False) | Q(card_match__isnull=False))
    changed = []
    for row in annotated.only("pk").iterator(chunk_size=2000):
        by_mobile_first = row.mobile_match is not None
        target = row.mobile_match if by_mobile_first else row.card_match
        target_visible = row.mobile_visible if by_mobile_first else row.card_visible
        if row.mobile_match and row.card_match and row.mobile_match != row.card_match:
            row.status = RowStatus.REJECTED
            row.reason = _("The mobile and the VIP number belong to two different customers.")
        elif row.id_match and row.id_match != target:
            row.status, row.reason = RowStatus.REJECTED, _("This ID number belongs to another customer.")
        elif not target_visible:
            row.status = RowStatus.REJECTED
            row.reason = _("This customer is on another store's file; ask head office to share them with your store.")
        else:
            row.customer_id = target
        changed.append(row)
        if len(changed) >= 2000:
            ImportRow.objects.bulk_update(changed, ["status", "reason", "customer_id"])
            changed = []
    if changed:
        ImportRow.objects.bulk_update(changed, ["status", "reason", "customer_id"])
    # New customers whose ID number is already on file under someone else.
    rows.filter(customer_id__isnull=True).exclude(id_hash="").filter(
        Exists(Customer.objects.filter(id_number_hash=OuterRef("id_hash")))
    ).update(status=RowStatus.REJECTED, reason=_("This ID number belongs to another customer."))


def _visible_customers(job: ImportJob):
    """Customers the importer may update; from the command line (no user), all of them."""
    if job.created_by is None or staff_profile(job.created_by) is None:
        return Customer.objects.all()
    return Customer.objects.visible_to(job.created_by)


def _reject_duplicates(job: ImportJob) -> None:
    """A customer twice in the file: the first row is kept, later ones are rejected.

    One window query per key (a sort, not a lookup per row), so it stays fast at 100,000 rows.
    """
    for key, label in (("mobile", _("mobile")), ("card_number", _("VIP number")), ("id_hash", _("ID number"))):
        valid = _staged(job, RowSheet.CUSTOMERS).filter(status=RowStatus.VALID).exclude(**{key: ""})
        duplicates = valid.annotate(first=Window(Min("row_number"), partition_by=[F(key)])).filter(
            row_number__gt=F("first")
        )
        changed = []
        for pk, first in duplicates.values_list("pk", "first").iterator(chunk_size=2000):
            reason = _("The same %(key)s as row %(row)s.") % {"key": label, "row": first}
            changed.append(ImportRow(pk=pk, status=RowStatus.REJECTED, reason=reason))
        for start in range(0, len(changed), 2000):
            ImportRow.objects.bulk_update(changed[start : start + 2000], ["status", "reason"])


def _analyse() -> None:
    """Fresh statistics after staging many rows, so PostgreSQL picks the indexes."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {ImportRow._meta.db_table}")


def _reject_orphan_purchases(job: ImportJob) -> None:
    """Purchases must belong to a customer of the file (a row that will be imported) or
    one already in Kedang that the importer can see."""
    customers = _staged(job, RowSheet.CUSTOMERS).filter(status=RowStatus.VALID)
    visible = _visible_customers(job)
    purchases = _staged(job, RowSheet.PURCHASES).filter(status=RowStatus.VALID)
    in_file = Exists(customers.filter(mobile=OuterRef("mobile")).exclude(mobile="")) | Exists(
        customers.filter(card_number=OuterRef("card_number")).exclude(card_number="")
    )
    in_kedang = Exists(visible.filter(mobile=OuterRef("mobile")).exclude(mobile__isnull=True)) | Exists(
        visible.filter(card_number=OuterRef("card_number")).exclude(card_number__isnull=True)
    )
    purchases.exclude(in_file).exclude(in_kedang).update(
        status=RowStatus.REJECTED,
        reason=_("No customer with this mobile or VIP number is being imported or is on this store's file."),
    )


def _count(job: ImportJob) -> None:
    staged = ImportRow.objects.filter(job=job)
    job.customer_rows = staged.filter(sheet=RowSheet.CUSTOMERS).count()
    job.purchase_rows = staged.filter(sheet=RowSheet.PURCHASES).count()
    job.rejected_rows = staged.filter(status=RowStatus.REJECTED).count()
    valid_customers = staged.filter(sheet=RowSheet.CUSTOMERS, status=RowStatus.VALID)
    job.new_customers = valid_customers.filter(customer_id__isnull=True).count()
    job.known_customers = valid_customers.filter(customer_id__isnull=False).count()
    job.progress_done = job.progress_total = job.customer_rows + job.purchase_rows
