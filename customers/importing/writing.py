"""Phase two of an import, after the user confirmed: write the checked rows, a batch at a time.

Each batch is one transaction: either all of its rows are written (customers, opening
balances, the loyalty opening entries through ``customers_imported``) or none, and then the
rows are marked "not imported" with the reason, for the report. Batches are claimed with
``select_for_update(skip_locked=True)``, so a re-delivered task or a second worker carries
on where the first stopped and never writes a row twice.

New customers are created in bulk: an import brings in tens of thousands at once, and
their opening balance is a bookkeeping entry, not a sale, so ``purchase_recorded`` is not
sent for it (no points earned, no follow-up planned, no card application opened). Rows of
the purchase sheet are real past sales, written in bulk by ``history`` with what
``record_purchase(is_imported=True)`` would write for each.
"""

import datetime as dt
import logging
import uuid
from decimal import Decimal
from itertools import groupby
from operator import attrgetter
from typing import NamedTuple

from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access import audit
from customers.importing import bulk, history
from customers.importing.context import WriteContext
from customers.importing.models import ImportJob, ImportRow, ImportStatus, RowSheet, RowStatus
from customers.importing.signals import ImportedCustomer, customers_imported
from customers.models import ZERO, Customer, Purchase, PurchaseLine, SourceChannel, Tier
from customers.privacy import consent
from customers.services import LineData

log = logging.getLogger(__name__)

CUSTOMER_BATCH = 2000
PURCHASE_GROUPS = 1000  # sales per batch (written in bulk: a handful of statements each)
# Fixed, so the same file always yields the same purchase keys: re-importing it finds
# the purchases already recorded and records nothing.
KEY_NAMESPACE = uuid.UUID("6f1c2f4e-3b59-4a53-9d7e-2f0c7a1e5b10")
# Fields filled from the file when Kedang has none (or always, when the file wins).
_FILLABLE = ("gender", "card_number", "address", "birthday", "wedding_anniversary")


def run_job(job_id: int) -> ImportJob:
    """Write a confirmed job's rows. Safe to call again: it resumes, never repeats."""
    claimed = ImportJob.objects.filter(
        pk=job_id, confirmed_at__isnull=False, status__in=[ImportStatus.CHECKED, ImportStatus.IMPORTING]
    ).update(status=ImportStatus.IMPORTING, worked_at=timezone.now())
    job = ImportJob.objects.select_related("store").get(pk=job_id)
    if not claimed:
        return job
    staged = ImportRow.objects.filter(job=job)
    to_write = staged.filter(status=RowStatus.VALID).count()
    ImportJob.objects.filter(pk=job.pk).update(progress_total=to_write, progress_done=0)
    ctx = WriteContext(job)

    customers = staged.filter(sheet=RowSheet.CUSTOMERS, status=RowStatus.VALID).order_by("row_number")
    after = 0  # the batches go down the file: no index scan over the rows already written
    while batch := list(customers.filter(row_number__gt=after).values_list("pk", "row_number")[:CUSTOMER_BATCH]):
        pks = [pk for pk, _number in batch]
        after = batch[-1][1]
        _guarded(job, pks, lambda pks=pks: _write_customers(ctx, pks))

    purchases = staged.filter(sheet=RowSheet.PURCHASES, status=RowStatus.VALID)
    while keys := list(
        purchases.order_by("group_key").values_list("group_key", flat=True).distinct()[:PURCHASE_GROUPS]
    ):
        pks = list(purchases.filter(group_key__in=keys).values_list("pk", flat=True))
        _guarded(job, pks, lambda keys=keys: _write_purchases(ctx, keys))

    return _finish(job)


def _guarded(job: ImportJob, pks: list[int], write) -> None:
    """Run one batch; if it fails, nothing of it stays and its rows say why."""
    try:
        write()
    except Exception as error:  # any failure of the batch: a database error, a receiver
        log.exception("import %s: batch failed", job.pk)
        rows = ImportRow.objects.filter(pk__in=pks, status=RowStatus.VALID)
        numbers = list(rows.order_by("row_number").values_list("row_number", flat=True))
        reason = _(
            "Not imported: the batch of rows %(first)s–%(last)s could not be written (%(error)s); "
            "nothing of that batch was saved. Import the file again to bring these rows in."
        ) % {"first": numbers[0] if numbers else "", "last": numbers[-1] if numbers else "", "error": _short(error)}
        failed = rows.update(status=RowStatus.FAILED, reason=reason)
        ImportJob.objects.filter(pk=job.pk).update(
            failed_rows=F("failed_rows") + failed, progress_done=F("progress_done") + failed, worked_at=timezone.now()
        )


def _short(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else error.__class__.__name__)[:200]


# --- customers ------------------------------------------------------------------------


class _Staged(NamedTuple):
    """A staged customer row, as the write needs it."""

    pk: int
    row_number: int
    mobile: str
    card_number: str
    id_hash: str
    data: dict


def _write_customers(ctx: WriteContext, pks: list[int]) -> None:
    job = ctx.job
    with transaction.atomic():
        rows = [
            _Staged(*values)
            for values in ImportRow.objects.select_for_update(skip_locked=True)
            .filter(pk__in=pks, status=RowStatus.VALID)
            .order_by("row_number")
            .values_list(*_Staged._fields)
        ]
        if not rows:
            return
        mobiles = [r.mobile for r in rows if r.mobile]
        cards = [r.card_number for r in rows if r.card_number]
        by_mobile = {c.mobile: c for c in Customer.objects.select_for_update().filter(mobile__in=mobiles)}
        by_card = {c.card_number: c for c in Customer.objects.select_for_update().filter(card_number__in=cards)}
        history = _history_totals(job, mobiles, cards)

        created, updated = [], 0
        for row in rows:
            existing = by_mobile.get(row.mobile) or by_card.get(row.card_number)
            if existing is not None:
                updated += _fill(existing, row, job.file_wins)
            else:
                spent_in_history = history.get(("m", row.mobile), ZERO) if row.mobile else ZERO
                if not row.mobile:
                    spent_in_history = history.get(("c", row.card_number), ZERO)
                created.append((row, _new_customer(ctx, row, spent_in_history)))

        bulk.insert_objects(new := [customer for _row, (customer, _opening) in created])
        bulk.insert_objects(consent.imported_records(new, by=ctx.by, store=ctx.store, at=ctx.now))
        _open_balances(ctx, [(customer, opening) for _row, (customer, opening) in created])
        if created:
            customers_imported.send(
                sender=Customer,
                customers=[
                    ImportedCustomer(
                        customer=customer,
                        points=int(row.data.get("points") or 0),
                        tier=row.data.get("tier") or "",
                        key=f"import-opening:{customer.pk}",
                    )
                    for row, (customer, _opening) in created
                ],
                by=ctx.by,
            )
        _written(rows)
        ImportJob.objects.filter(pk=job.pk).update(
            created_count=F("created_count") + len(created),
            updated_count=F("updated_count") + updated,
            progress_done=F("progress_done") + len(rows),
            worked_at=timezone.now(),
        )


def _written(rows) -> None:
    """Staged rows written to the customer file are done with: they go, in the batch's
    transaction (deleting is far cheaper than rewriting them as "imported"). The job keeps
    the counts; the rows left are the rejected and the not imported, for the report."""
    ImportRow.objects.filter(pk__in=[r.pk for r in rows], status=RowStatus.VALID).delete()


def _history_totals(job: ImportJob, mobiles: list[str], cards: list[str]) -> dict:
    """What the purchase sheet will add to each customer's spend, by ("m", mobile) / ("c", card)."""
    purchases = ImportRow.objects.filter(job=job, sheet=RowSheet.PURCHASES, status=RowStatus.VALID)
    totals = {}
    for mobile, total in purchases.filter(mobile__in=mobiles).values_list("mobile").annotate(Sum("amount")):
        totals[("m", mobile)] = total or ZERO
    for card, total in (
        purchases.filter(mobile="", card_number__in=cards).values_list("card_number").annotate(Sum("amount"))
    ):
        totals[("c", card)] = total or ZERO
    return totals


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _new_customer(ctx: WriteContext, row: _Staged, spent_in_history: Decimal) -> tuple[Customer, Decimal]:
    """A customer as the file has them, and the opening balance to record.

    The file's cumulative spend includes the purchases of the purchase sheet, which are
    recorded one by one afterwards; the opening balance is the rest, so the spend ends
    up equal to the file's.
    """
    data = row.data
    opening = max(ZERO, Decimal(data.get("cumulative_spend") or "0") - spent_in_history)
    last_purchase = dt.datetime.fromisoformat(data["last_purchase"]) if data.get("last_purchase") else None
    member_since = _date(data.get("member_since"))
    messaging, consented = data.get("messaging"), data.get("data_consent") == "yes"
    customer = Customer(
        home_store=ctx.store,
        clerk=ctx.clerk(data.get("clerk", "")),
        name=data["name"],
        gender=data.get("gender") or "",
        mobile=data.get("mobile") or None,
        card_number=data.get("card_number") or None,
        address=data.get("address") or "",
        birthday=_date(data.get("birthday")),
        wedding_anniversary=_date(data.get("wedding_anniversary")),
        tier=data.get("tier") or Tier.C,
        visit_count=int(data.get("visit_count") or 0),
        cumulative_spend=opening,
        # Only a date the file gives: an undated opening balance is not a visit today.
        last_purchase_at=last_purchase,
        member_since=member_since or (timezone.localdate(last_purchase) if last_purchase else None),
        # Consent only from the file's consent column; otherwise it is to be confirmed
        # at the next visit, with no marketing until then (an opt-out always counts).
        data_consent_at=ctx.now if consented else None,
        data_consent_by=ctx.by if consented else None,
        consent_pending=not consented,
        marketing_consent=consented and messaging == "yes",
        marketing_consent_at=ctx.now if messaging == "opted_out" or (consented and messaging == "yes") else None,
        marketing_opt_out_at=ctx.now if messaging == "opted_out" else None,
        source_channel=SourceChannel.IMPORT,
    )
    if data.get("id_number"):
        customer.id_number_encrypted = data["id_number"]
        customer.id_number_hash = row.id_hash
    customer.opening_at = last_purchase or _opening_time(ctx, member_since)
    return customer, opening


def _opening_time(ctx: WriteContext, member_since: dt.date | None) -> dt.datetime:
    if member_since is None:
        return ctx.now
    return timezone.make_aware(dt.datetime.combine(member_since, dt.time(12)))


def _open_balances(ctx: WriteContext, created: list[tuple[Customer, Decimal]]) -> None:
    """One imported purchase per new customer with spend: their cumulative spend before Kedang."""
    opening = [(customer, amount) for customer, amount in created if amount > 0]
    note = _("Opening balance from the store's spreadsheet")
    purchase_ids = bulk.insert_rows(
        Purchase,
        (
            "store_id",
            "customer_id",
            "clerk_id",
            "receipt_number",
            "purchased_at",
            "subtotal",
            "total",
            "is_imported",
            "idempotency_key",
            "note",
        ),
        (
            (
                ctx.store.pk,
                customer.pk,
                None,
                f"OPEN-{customer.pk}",
                # Dated at the last purchase the file knows of, else when the customer joined,
                # else the import: the file's spend happened by then.
                customer.opening_at,
                amount,
                amount,
                True,
                str(uuid.uuid5(KEY_NAMESPACE, f"opening:{customer.pk}")),
                note,
            )
            for customer, amount in opening
        ),
        returning=True,
    )
    item = _("Opening balance (import)")
    bulk.insert_rows(
        PurchaseLine,
        ("purchase_id", "item", "quantity", "unit_price", "line_total"),
        (
            (purchase_id, item, 1, amount, amount)
            for purchase_id, (_customer, amount) in zip(purchase_ids, opening, strict=True)
        ),
    )


def _fill(customer: Customer, row: _Staged, file_wins: bool) -> int:
    """Bring the file's values into a customer Kedang already has; returns 1 if changed.

    Only the file's non-blank values count. Without "file wins" a field is filled only
    where Kedang has nothing; with it, the file's value replaces Kedang's. Spend, points,
    visits and tier are never touched: Kedang keeps that customer's own history.
    """
    data = row.data
    changed = []
    incoming = {
        "name": data.get("name") or "",
        "gender": data.get("gender") or "",
        "card_number": data.get("card_number") or None,
        "address": data.get("address") or "",
        "birthday": _date(data.get("birthday")),
        "wedding_anniversary": _date(data.get("wedding_anniversary")),
        "mobile": data.get("mobile") or None,
    }
    for field in (*_FILLABLE, "mobile", "name"):
        value = incoming[field]
        if not value:
            continue
        current = getattr(customer, field)
        if current == value:
            continue
        if (not current and field != "name") or (file_wins and field != "mobile"):
            setattr(customer, field, value)
            changed.append(field)
    if (
        data.get("id_number")
        and (file_wins or not customer.id_number_encrypted)
        and row.id_hash != customer.id_number_hash
    ):
        customer.id_number_encrypted = data["id_number"]
        customer.id_number_hash = row.id_hash
        changed += ["id_number_encrypted", "id_number_hash"]
    if changed:
        customer.save(update_fields=[*changed, "updated_at"])
    return 1 if changed else 0


# --- purchases ------------------------------------------------------------------------


def _write_purchases(ctx: WriteContext, keys: list[str]) -> None:
    job = ctx.job
    try:
        with transaction.atomic():
            rows = list(
                ImportRow.objects.select_for_update(skip_locked=True)
                .filter(job=job, sheet=RowSheet.PURCHASES, status=RowStatus.VALID, group_key__in=keys)
                .order_by("group_key", "row_number")
                .only("pk", "job_id", "group_key", "data")
            )
            customers = _customers_of(rows)
            sales = [_sale(ctx, list(group), customers) for _key, group in groupby(rows, attrgetter("group_key"))]
            recorded = history.write_sales(ctx.store, [s for s in sales if s is not None], _fail)
            _written(rows)
            ImportJob.objects.filter(pk=job.pk).update(
                purchases_count=F("purchases_count") + recorded,
                progress_done=F("progress_done") + len(rows),
                worked_at=timezone.now(),
            )
    except Exception:
        ctx.forget_receipts()
        raise


def _customers_of(rows: list[ImportRow]) -> dict[tuple[str, str], Customer]:
    """The customers of a batch of purchase rows, by ("m", mobile) and ("c", VIP number)."""
    mobiles = {r.data["mobile"] for r in rows if r.data.get("mobile")}
    cards = {r.data["card_number"] for r in rows if r.data.get("card_number")}
    found = {}
    for customer in Customer.objects.filter(Q(mobile__in=mobiles) | Q(card_number__in=cards)):
        if customer.mobile:
            found[("m", customer.mobile)] = customer
        if customer.card_number:
            found[("c", customer.card_number)] = customer
    return found


def _sale(ctx: WriteContext, rows: list[ImportRow], customers: dict) -> history.Sale | None:
    """The sale of a group of purchase rows (one per line); None, and the rows failed,
    when its customer is not on file."""
    first = rows[0].data
    customer = None
    if first.get("mobile"):
        customer = customers.get(("m", first["mobile"]))
    if customer is None and first.get("card_number"):
        customer = customers.get(("c", first["card_number"]))
    if customer is None:
        _fail(rows, _("Not imported: the customer of this purchase was not imported."))
        return None
    clerk_name = first.get("clerk") or ""
    clerk = ctx.clerk(clerk_name)
    lines = [
        LineData(
            item=row.data.get("item") or _("Imported purchase"),
            unit_price=Decimal(row.data["unit_price"]),
            quantity=int(row.data.get("quantity") or 1),
            category=row.data.get("category") or "",
            size=row.data.get("size") or "",
            colour=row.data.get("colour") or "",
        )
        for row in rows
    ]
    note = _("Imported from the store's spreadsheet")
    if clerk_name and clerk is None:
        served_by = _("served by")
        note = f"{note} · {served_by} {clerk_name}"[:200]
    return history.Sale(
        rows=rows,
        customer=customer,
        clerk=clerk,
        key=uuid.uuid5(KEY_NAMESPACE, f"{ctx.store.code}|{rows[0].group_key}"),
        when=dt.datetime.fromisoformat(first["purchased_at"]),
        receipt=(first.get("receipt_number") or "").strip(),
        lines=lines,
        note=note,
    )


def _fail(rows: list[ImportRow], reason: str) -> None:
    ImportRow.objects.filter(pk__in=[r.pk for r in rows]).update(status=RowStatus.FAILED, reason=reason)
    ImportJob.objects.filter(pk=rows[0].job_id).update(failed_rows=F("failed_rows") + len(rows))


def _finish(job: ImportJob) -> ImportJob:
    from customers.importing.report import write_report

    job.refresh_from_db()
    job.status = ImportStatus.DONE
    job.finished_at = timezone.now()
    job.rejected_rows = ImportRow.objects.filter(job=job, status=RowStatus.REJECTED).count()
    job.failed_rows = ImportRow.objects.filter(job=job, status=RowStatus.FAILED).count()
    write_report(job)
    job.file.delete(save=False)  # the upload holds ID numbers in plain text: gone once imported
    job.save()
    audit(
        job.confirmed_by or job.created_by,
        "customers.imported",
        job,
        store=job.store,
        file=job.original_name,
        created=job.created_count,
        updated=job.updated_count,
        purchases=job.purchases_count,
        rejected=job.rejected_rows,
        not_imported=job.failed_rows,
    )
    return job
