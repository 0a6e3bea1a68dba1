"""The purchase-history sheet (消费记录): imported sales with the totals record_purchase gives,
and a re-import that writes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from customers.models import Customer, Purchase, PurchaseLine, ReceiptCounter
from customers.services import LineData, record_purchase
from loyalty.models import PointsEntry

from .workbooks import workbook

pytestmark = pytest.mark.django_db

CUSTOMERS = [
    ["王芳", "女", "13900000001", "", "", "", "", 100, 3000, 5],
    ["李强", "男", "13900000002", "", "", "", "", 0, 0, 0],
]
HISTORY = [
    ["13900000001", "2025-05-01 14:00", "衬衫", 2, "399.00", ""],
    ["13900000001", "2025-05-01 14:00", "领带", 1, "199.00", ""],
    ["13900000001", "2025-05-03 10:00", "西装", 1, "1800.00", ""],
    ["13900000002", "2025-06-01 12:00", "领带", 1, "299.00", ""],
]


def state():
    return {
        "customers": sorted(
            Customer.objects.values_list("mobile", "cumulative_spend", "visit_count", "last_purchase_at")
        ),
        "purchases": sorted(
            Purchase.objects.values_list("customer__mobile", "purchased_at", "subtotal", "total", "receipt_number")
        ),
        "lines": PurchaseLine.objects.count(),
        "points": sorted(PointsEntry.objects.values_list("customer__mobile", "kind", "points")),
        "counters": sorted(ReceiptCounter.objects.values_list("day", "last")),
    }


def test_it_records_the_history_as_record_purchase_would_and_a_reimport_writes_nothing(
    tmp_path, run_import, store_a, store_b, manager_a, clerk_b
):
    path = workbook(tmp_path / "顾客.xlsx", CUSTOMERS, purchases=HISTORY)
    job = run_import(path, store_a, manager_a)
    assert job.status == "done", job.status
    assert job.purchases_count == 3

    wang = Customer.objects.get(mobile="+8613900000001")
    history = list(wang.purchases.filter(note__startswith="从").order_by("purchased_at")) or list(
        wang.purchases.exclude(receipt_number__startswith="OPEN-").order_by("purchased_at")
    )
    assert [p.total for p in history] == [Decimal("997.00"), Decimal("1800.00")]
    assert wang.cumulative_spend == Decimal("3000.00"), "the file's spend: opening balance plus the history"
    li = Customer.objects.get(mobile="+8613900000002")
    assert li.cumulative_spend == Decimal("299.00")

    # The same sale through record_purchase, for another store's customer with no history.
    twin = Customer.objects.create(name="双胞胎", mobile="+8613900000099", home_store=store_b)
    when = timezone.make_aware(dt.datetime(2025, 5, 3, 10))
    direct, _ = record_purchase(
        store=store_b,
        clerk=clerk_b,
        customer=twin,
        lines=[LineData(item="西装", unit_price=Decimal("1800.00"))],
        purchased_at=when,
        is_imported=True,
    )
    twin.refresh_from_db()
    imported = history[-1]
    fields = ("subtotal", "discount_rate", "discount_amount", "total", "is_imported", "purchased_at")
    assert [getattr(imported, f) for f in fields] == [getattr(direct, f) for f in fields]
    assert (twin.cumulative_spend, twin.visit_count, twin.last_purchase_at) == (Decimal("1800.00"), 0, when)
    assert not PointsEntry.objects.filter(purchase__in=[*history, direct]).exists(), "imported sales earn nothing"

    before = state()
    again = run_import(workbook(tmp_path / "再次.xlsx", CUSTOMERS, purchases=HISTORY), store_a, manager_a)
    assert again.status == "done" and again.purchases_count == 0
    assert state() == before


def test_a_receipt_number_the_store_holds_fails_its_sale_only_and_numbers_follow_the_tills(
    tmp_path, run_import, store_a, manager_a, customer_a, clerk_a
):
    from customers.importing.models import ImportRow

    till, _ = record_purchase(
        store=store_a, clerk=clerk_a, customer=customer_a, lines=[LineData(item="袜子", unit_price=Decimal("20"))]
    )
    history = [
        ["13900000001", "2025-05-01 14:00", "衬衫", 1, "399.00", "", till.receipt_number],  # taken at the till
        ["13900000001", "2025-05-02 14:00", "领带", 1, "199.00", "", ""],
        ["13900000002", "2025-05-02 15:00", "领带", 1, "299.00", "", ""],
    ]
    headers = ["电话", "时间", "商品", "数量", "单价", "导购", "小票号"]
    path = workbook(tmp_path / "顾客.xlsx", CUSTOMERS, purchases=history, purchase_headers=headers)
    job = run_import(path, store_a, manager_a)
    assert job.purchases_count == 2
    failed = ImportRow.objects.get(job=job, sheet="purchases", status="failed")
    assert till.receipt_number in failed.reason
    numbers = sorted(
        Purchase.objects.filter(purchased_at__date=dt.date(2025, 5, 2)).values_list("receipt_number", flat=True)
    )
    assert numbers == [f"{store_a.code}-20250502-0001", f"{store_a.code}-20250502-0002"]
    assert ReceiptCounter.objects.get(store=store_a, day=dt.date(2025, 5, 2)).last == 2
