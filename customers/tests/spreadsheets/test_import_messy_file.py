"""The acceptance file: 50 messy but valid rows and 10 bad ones, under Traditional headers."""

import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from customers.importing.models import ImportStatus
from customers.models import Customer, Purchase
from customers.tests.spreadsheets.workbooks import TRADITIONAL_HEADERS, id_number, workbook

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
DATE_FORMS = [
    lambda d: d.strftime("%Y-%m-%d"),
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: f"{d.year}.{d.month:02d}.{d.day:02d}",
    lambda d: dt.datetime(d.year, d.month, d.day),  # a real Excel date cell
    lambda d: (d - dt.date(1899, 12, 30)).days,  # an Excel serial number typed as a number
    lambda d: d.strftime("%Y%m%d"),
]


def _messy_mobile(n: int) -> object:
    digits = f"1390000{n:04d}"
    forms = [
        f"{digits[:3]} {digits[3:7]} {digits[7:]}",
        digits.translate(FULL_WIDTH),
        f"+86 {digits}",
        int(digits),  # typed as a number
        f" {digits[:3]}-{digits[3:7]}-{digits[7:]} ",
    ]
    return forms[n % len(forms)]


def _valid_rows():
    for n in range(50):
        birthday = dt.date(1970 + n % 30, 1 + n % 12, 1 + n % 28)
        yield [
            f" 顧客{n} ",
            ["男", "女", "M", "F", ""][n % 5],
            _messy_mobile(n),
            f"VIP{n:04d}" if n % 2 else "",
            id_number(n) if n % 3 == 0 else "",
            f"台北路{n}號",
            DATE_FORMS[n % len(DATE_FORMS)](birthday),
            str(n * 10).translate(FULL_WIDTH) if n % 4 == 0 else n * 10,
            f"¥{n * 100:,}.50" if n % 2 else n * 100,
            n % 7,
        ]


BAD_ROWS = [
    ["", "男", "13911110001", "", "", "", "", 0, 0, 0],  # no name
    ["無號碼", "男", "", "", "", "", "", 0, 0, 0],  # neither mobile nor VIP number
    ["號碼錯", "女", "12345", "", "", "", "", 0, 0, 0],  # not a mobile
    ["身份證錯", "女", "13911110004", "", "110105199001010000", "", "", 0, 0, 0],  # bad check digit
    ["日期錯", "女", "13911110005", "", "", "", "1990-02-30", 0, 0, 0],  # no such day
    ["日期看不懂", "女", "13911110006", "", "", "", "去年", 0, 0, 0],
    ["金額錯", "女", "13911110007", "", "", "", "", 0, "一千", 0],
    ["負數", "女", "13911110008", "", "", "", "", -5, 0, 0],
    ["性別錯", "X", "13911110009", "", "", "", "", 0, 0, 0],
    ["重複", "女", "139 0000 0001", "", "", "", "", 0, 0, 0],  # the same mobile as 顧客1
]


@pytest.fixture
def messy_file(tmp_path):
    rows = list(_valid_rows())
    # The bad rows are spread through the file, not at the end.
    for i, bad in enumerate(BAD_ROWS):
        rows.insert(5 * i + 3, bad)
    return workbook(tmp_path / "台北店.xlsx", rows, headers=TRADITIONAL_HEADERS, title="顧客")


def test_it_imports_the_50_messy_rows_and_reports_exactly_the_10_bad_ones(messy_file, store_a, run_import):
    job = run_import(messy_file, store_a)

    assert job.status == ImportStatus.DONE
    assert (job.customer_rows, job.rejected_rows, job.created_count) == (60, 10, 50)
    assert Customer.objects.count() == 50
    report = load_workbook(job.report.path).active
    rows = list(report.iter_rows(values_only=True))
    assert rows[0][-2:] == ("Reason not imported", "Row in the file") or rows[0][-2] == "未导入原因"
    rejected = rows[1:]
    assert sorted(r[0] or "" for r in rejected) == sorted(r[0] for r in BAD_ROWS)
    assert all(r[-2] for r in rejected)  # each with its reason
    duplicate = next(r for r in rejected if r[0] == "重複")
    assert "3" in duplicate[-2]  # points at the row it repeats


def test_it_normalises_what_it_keeps(messy_file, store_a, run_import):
    run_import(messy_file, store_a)

    one = Customer.objects.get(mobile="+8613900000001")
    assert one.name == "顧客1" and one.gender == "F" and one.card_number == "VIP0001"
    assert one.birthday == dt.date(1971, 2, 2)
    assert one.home_store == store_a and one.source_channel == "import"
    three = Customer.objects.get(mobile="+8613900000003")
    assert three.id_number == id_number(3)
    assert three.cumulative_spend == Decimal("300.50")
    assert Customer.objects.get(mobile="+8613900000004").cumulative_spend == Decimal("400.00")
    assert Purchase.objects.filter(is_imported=True).count() == 49  # 顧客0 spent nothing


def test_it_writes_nothing_when_the_same_file_is_imported_again(messy_file, store_a, run_import):
    run_import(messy_file, store_a)
    before = list(Customer.objects.order_by("pk").values())
    purchases = Purchase.objects.count()

    again = run_import(messy_file, store_a)

    assert (again.created_count, again.updated_count, again.purchases_count) == (0, 0, 0)
    assert again.known_customers == 50
    assert list(Customer.objects.order_by("pk").values()) == before
    assert Purchase.objects.count() == purchases


def test_a_dry_run_checks_everything_and_writes_no_customer(messy_file, store_a, run_import):
    job = run_import(messy_file, store_a, dry_run=True)

    assert job.status == ImportStatus.CHECKED
    assert (job.new_customers, job.rejected_rows) == (50, 10)
    assert not Customer.objects.exists()
