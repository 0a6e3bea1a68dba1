"""The importer's bulk insert (COPY on PostgreSQL) stores what bulk_create would store."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from customers.importing import bulk
from customers.importing.models import ImportJob, ImportRow, RowSheet, RowStatus
from customers.models import Customer, Purchase, SourceChannel, Tier

AWKWARD = "王\t芳\\n\n\r 'quoted' \"double\" \\N , ; ✓"


def test_it_stores_awkward_text_json_and_numbers_unchanged(store_a):
    job = ImportJob.objects.create(store=store_a, original_name="x.xlsx")
    data = {"name": AWKWARD, "nested": [1, None, True, "\\", "\u0001"], "amount": "12.50"}

    bulk.insert_rows(
        ImportRow,
        ("job_id", "sheet", "row_number", "status", "reason", "mobile", "amount", "data", "raw"),
        [
            (job.pk, RowSheet.CUSTOMERS, 2, RowStatus.VALID, AWKWARD, "+8613900000001", Decimal("12.50"), data, []),
            (job.pk, RowSheet.CUSTOMERS, 3, RowStatus.REJECTED, "", "", None, {}, [AWKWARD, 1.5, None]),
        ],
    )

    first, second = ImportRow.objects.filter(job=job).order_by("row_number")
    assert (first.reason, first.mobile, first.amount, first.data, first.raw) == (
        AWKWARD,
        "+8613900000001",
        Decimal("12.50"),
        data,
        [],
    )
    assert (second.status, second.amount, second.customer_id, second.raw) == (
        RowStatus.REJECTED,
        None,
        None,
        [AWKWARD, 1.5, None],
    )


def test_it_gives_new_objects_their_keys_and_the_defaults(store_a, clerk_a):
    when = timezone.make_aware(dt.datetime(2020, 5, 1, 12, 30))
    customers = [
        Customer(
            home_store=store_a,
            clerk=clerk_a,
            name=f"{AWKWARD}{n}",
            mobile=f"+861390000000{n}",
            tier=Tier.A,
            birthday=dt.date(1990, 3, 15),
            last_purchase_at=when,
            cumulative_spend=Decimal("1234.50"),
            source_channel=SourceChannel.IMPORT,
        )
        for n in range(3)
    ]

    bulk.insert_objects(customers)

    assert all(c.pk for c in customers) and len({c.pk for c in customers}) == 3
    for customer in customers:
        stored = Customer.objects.get(pk=customer.pk)
        assert (stored.name, stored.mobile, stored.tier, stored.clerk_id) == (
            customer.name,
            customer.mobile,
            Tier.A,
            clerk_a.pk,
        )
        assert (stored.birthday, stored.last_purchase_at, stored.cumulative_spend) == (
            dt.date(1990, 3, 15),
            when,
            Decimal("1234.50"),
        )
        assert stored.visit_count == 0 and stored.marketing_consent is False and stored.created_at is not None


def test_it_returns_the_keys_in_the_order_of_the_rows(store_a):
    customer = Customer.objects.create(home_store=store_a, name="王芳", mobile="+8613900000001")
    keys = [uuid.uuid4() for _ in range(5)]

    pks = bulk.insert_rows(
        Purchase,
        ("store_id", "customer_id", "receipt_number", "purchased_at", "subtotal", "total", "idempotency_key"),
        [(store_a.pk, customer.pk, f"R{n}", timezone.now(), Decimal(n), Decimal(n), keys[n]) for n in range(5)],
        returning=True,
    )

    assert [Purchase.objects.get(pk=pk).receipt_number for pk in pks] == [f"R{n}" for n in range(5)]
    assert [Purchase.objects.get(pk=pk).idempotency_key for pk in pks] == keys
    assert Purchase.objects.get(pk=pks[0]).discount_rate == Decimal("0")


@pytest.mark.parametrize("returning", [True, False])
def test_it_writes_nothing_for_no_rows(returning):
    assert bulk.insert_rows(Purchase, ("store_id",), [], returning=returning) == ([] if returning else None)
