"""Rows are written a batch per transaction: a batch that breaks leaves nothing half-written."""

import pytest
from django.db import DatabaseError
from openpyxl import load_workbook

from customers.importing import writing
from customers.importing.models import ImportStatus
from customers.importing.signals import customers_imported
from customers.models import Customer, Purchase
from customers.tests.spreadsheets.workbooks import mobile, workbook


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(writing, "CUSTOMER_BATCH", 10)


def _rows(count):
    return [[f"顾客{n}", "女", mobile(n), f"V{n}", "", "", "", n, 1000, 2] for n in range(count)]


def test_a_broken_middle_batch_writes_none_of_its_rows_and_the_report_names_them(
    tmp_path, store_a, run_import, small_batches
):
    path = workbook(tmp_path / "s.xlsx", _rows(30))

    def database_fails_on(sender, customers, **kwargs):
        if any(c.customer.name == "顾客15" for c in customers):  # rows 12-21, the second batch
            raise DatabaseError("disk full")

    customers_imported.connect(database_fails_on)
    try:
        job = run_import(path, store_a)
    finally:
        customers_imported.disconnect(database_fails_on)

    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.failed_rows) == (20, 10)
    names = set(Customer.objects.values_list("name", flat=True))
    assert names == {f"顾客{n}" for n in (*range(10), *range(20, 30))}
    # Not even the rows of the broken batch before the failure, nor their opening balances.
    assert not Purchase.objects.filter(customer__name__in=[f"顾客{n}" for n in range(10, 20)]).exists()
    assert Purchase.objects.filter(is_imported=True).count() == 20
    report = list(load_workbook(job.report.path).active.iter_rows(values_only=True))[1:]
    assert [r[0] for r in report] == [f"顾客{n}" for n in range(10, 20)]
    assert all("12–21" in r[-2] and "disk full" in r[-2] for r in report)
    assert [r[-1] for r in report] == list(range(12, 22))


def test_importing_the_file_again_brings_in_the_rows_a_broken_batch_left_out(
    tmp_path, store_a, run_import, small_batches
):
    path = workbook(tmp_path / "s.xlsx", _rows(30))

    def fails(sender, customers, **kwargs):
        raise DatabaseError("connection lost")

    customers_imported.connect(fails)
    try:
        run_import(path, store_a)
    finally:
        customers_imported.disconnect(fails)
    assert not Customer.objects.exists()

    job = run_import(path, store_a)

    assert job.created_count == 30 and Customer.objects.count() == 30


def test_a_customer_captured_at_the_till_meanwhile_is_updated_not_duplicated(tmp_path, store_a, clerk_a, run_import):
    from customers.importing import services

    path = workbook(tmp_path / "s.xlsx", _rows(3))
    with open(path, "rb") as handle:
        job = services.start_import(store=store_a, user=None, upload=handle, name="s.xlsx", size=1, enqueue=False)
    services.check(job.pk)
    Customer.objects.create(name="顾客1", mobile="+86" + mobile(1), home_store=store_a)
    services.confirm(job, None, enqueue=False)

    job = services.run(job.pk)

    assert (job.created_count, job.updated_count) == (2, 1)
    assert Customer.objects.get(mobile="+86" + mobile(1)).card_number == "V1"
