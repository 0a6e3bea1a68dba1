"""The purchase-history sheet (消费记录) written in bulk: a batch of past sales in a
handful of statements, with the purchases, lines, totals and receipt numbers that
``record_purchase(is_imported=True)`` gives one sale at a time.

An imported sale has no member discount, earns no points, opens no card application and
plans no follow-up (``purchase_recorded`` is not sent); it adds its total to the
customer's cumulative spend, moves the last purchase and the member-since date, leaves
the visit count, and opens the file to the store when the customer is another store's.
Each sale's idempotency key comes from the file (``writing.KEY_NAMESPACE``), so a
re-import finds its sales recorded and writes nothing. A typed receipt number already
recorded in the store (or twice in the file) fails that sale, as ``record_purchase``
would; a generated one comes from the store's day counter, a block per day.
"""

import datetime as dt
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access import audit
from customers.importing import bulk
from customers.models import ZERO, Customer, CustomerStoreShare, Purchase, PurchaseLine, ReceiptCounter
from customers.services import LineData, next_receipt_number


@dataclass
class Sale:
    rows: list  # the staged rows of the sale's lines
    customer: Customer
    clerk: object
    key: uuid.UUID
    when: dt.datetime
    receipt: str  # typed in the file, or "" for a generated number
    lines: list[LineData]
    note: str

    @property
    def total(self) -> Decimal:
        return sum((line.total for line in self.lines), ZERO)


def write_sales(store, sales: list[Sale], fail) -> int:
    """Record ``sales`` (of one store) not recorded yet; ``fail(rows, reason)`` marks the
    rows of a sale refused. Returns how many were recorded."""
    recorded = set(
        Purchase.objects.filter(idempotency_key__in=[s.key for s in sales]).values_list("idempotency_key", flat=True)
    )
    sales = [s for s in sales if s.key not in recorded]  # a re-import: nothing to write
    typed = {s.receipt for s in sales if s.receipt}
    taken = set(Purchase.objects.filter(store=store, receipt_number__in=typed).values_list("receipt_number", flat=True))
    kept = []
    for sale in sales:
        if sale.receipt and sale.receipt in taken:
            fail(sale.rows, _("Not imported: %(error)s") % {"error": _duplicate(sale.receipt)})
            continue
        taken.add(sale.receipt)
        kept.append(sale)
    _number(store, [s for s in kept if not s.receipt], taken)
    _write(store, kept)
    return len(kept)


def _duplicate(receipt: str) -> str:
    return _("Receipt number %(receipt)s is already recorded in this store.") % {"receipt": receipt}


def _number(store, sales: list[Sale], taken: set[str]) -> None:
    """Generated receipt numbers: a block of the store's day counter per day; a number
    the store already holds (typed earlier) is skipped, as ``record_purchase`` does."""
    days = Counter(timezone.localdate(s.when) for s in sales)
    lasts = _take(store, days)
    given = {day: lasts[day] - count for day, count in days.items()}  # the number before each day's block
    numbers = {}
    for sale in sales:
        day = timezone.localdate(sale.when)
        given[day] += 1
        numbers[id(sale)] = f"{store.code}-{day:%Y%m%d}-{given[day]:04d}"
    clash = set(
        Purchase.objects.filter(store=store, receipt_number__in=list(numbers.values())).values_list(
            "receipt_number", flat=True
        )
    )
    for sale in sales:
        number = numbers[id(sale)]
        while number in clash or number in taken:
            number = next_receipt_number(store, sale.when)
        taken.add(number)
        sale.receipt = number


def _take(store, days: Counter) -> dict[dt.date, int]:
    """Move the store's counter of each day by that day's count: the counter's new value
    per day, in two statements (days counted before, days new to the counter). A day's
    first use starts after the sales already recorded that day, as at the till."""
    lasts = {}
    if connection.vendor == "postgresql" and days:
        table = connection.ops.quote_name(ReceiptCounter._meta.db_table)
        purchases = connection.ops.quote_name(Purchase._meta.db_table)
        values = ", ".join(["(%s::date, %s::int)"] * len(days))
        params = [v for day, count in sorted(days.items()) for v in (day, count)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} c SET last = c.last + d.n FROM (VALUES {values}) d(day, n) "
                "WHERE c.store_id = %s AND c.day = d.day RETURNING c.day, c.last",
                [*params, store.pk],
            )
            lasts = dict(cursor.fetchall())
            new = [(day, count) for day, count in sorted(days.items()) if day not in lasts]
            if new:
                values = ", ".join(["(%s::date, %s::int)"] * len(new))
                # Local days of 24 hours: Asia/Shanghai keeps no summer time.
                cursor.execute(
                    f"INSERT INTO {table} (store_id, day, last) SELECT %s, d.day, d.n + ("
                    f"SELECT COUNT(*) FROM {purchases} p WHERE p.store_id = %s "
                    "AND p.purchased_at >= d.day::timestamp AT TIME ZONE %s "
                    "AND p.purchased_at < (d.day + 1)::timestamp AT TIME ZONE %s"
                    f") FROM (VALUES {values}) d(day, n) ON CONFLICT (store_id, day) DO NOTHING RETURNING day, last",
                    [store.pk, store.pk, settings.TIME_ZONE, settings.TIME_ZONE, *[v for row in new for v in row]],
                )
                lasts.update(cursor.fetchall())
    for day, count in sorted(days.items()):
        if day not in lasts:  # elsewhere, or a till took the day's first number meanwhile
            for _n in range(count):
                lasts[day] = int(next_receipt_number(store, _day_start(day)).rsplit("-", 1)[1])
    return lasts


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def _write(store, sales: list[Sale]) -> None:
    if not sales:
        return
    purchases = bulk.insert_objects(
        [
            Purchase(
                store=store,
                customer=s.customer,
                clerk=s.clerk,
                receipt_number=s.receipt,
                purchased_at=s.when,
                subtotal=s.total,
                total=s.total,
                is_imported=True,
                idempotency_key=s.key,
                note=s.note,
            )
            for s in sales
        ]
    )
    bulk.insert_objects(
        [
            PurchaseLine(
                purchase=purchase,
                item=line.item,
                category=line.category,
                size=line.size,
                colour=line.colour,
                quantity=line.quantity,
                unit_price=line.unit_price,
                line_total=line.total,
            )
            for purchase, sale in zip(purchases, sales, strict=True)
            for line in sale.lines
        ]
    )
    _add_to_totals(sales)
    _share(store, [s for s in sales if s.total > 0 and s.customer.home_store_id != store.pk])


def _add_to_totals(sales: list[Sale]) -> None:
    """Per customer: the spend added, the last purchase and the member-since date moved
    (the visit count stays: an imported sale is not a visit)."""
    spend, last, first = defaultdict(lambda: ZERO), {}, {}
    for sale in sales:
        pk = sale.customer.pk
        spend[pk] += sale.total
        last[pk] = max(last.get(pk, sale.when), sale.when)
        day = timezone.localdate(sale.when)
        first[pk] = min(first.get(pk, day), day)
    table = connection.ops.quote_name(Customer._meta.db_table)
    moves = (
        "cumulative_spend = cumulative_spend + {spend}, "
        "last_purchase_at = CASE WHEN last_purchase_at IS NULL OR last_purchase_at < {last} "
        "THEN {last} ELSE last_purchase_at END, "
        "member_since = CASE WHEN member_since IS NULL OR member_since > {first} THEN {first} ELSE member_since END"
    )
    rows = [(pk, spend[pk], last[pk], first[pk]) for pk in sorted(spend)]
    ops = connection.ops
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            values = ", ".join(["(%s::bigint, %s::numeric, %s::timestamptz, %s::date)"] * len(rows))
            sql = moves.format(spend="v.spend", last="v.last", first="v.first")
            cursor.execute(
                f"UPDATE {table} SET {sql} FROM (VALUES {values}) v(id, spend, last, first) WHERE {table}.id = v.id",
                [x for row in rows for x in row],
            )
            return
        sql = moves.format(spend="%s", last="%s", first="%s")
        for pk, amount, at, day in rows:
            at, day = ops.adapt_datetimefield_value(at), ops.adapt_datefield_value(day)
            cursor.execute(f"UPDATE {table} SET {sql} WHERE id = %s", [amount, at, at, day, day, pk])


def _share(store, sales: list[Sale]) -> None:
    """Another store's customer who bought here: the file opens to this store (audited)."""
    customers = {s.customer.pk: s for s in sales}
    if not customers:
        return
    shared = set(
        CustomerStoreShare.objects.filter(store=store, customer_id__in=customers).values_list("customer_id", flat=True)
    )
    for pk, sale in customers.items():
        if pk not in shared:
            CustomerStoreShare.objects.create(customer=sale.customer, store=store, shared_by=sale.clerk)
            audit(sale.clerk, "customer.shared.sale", sale.customer, store=store)
