import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from api import pos_import
from api.models import PosImport
from customers.models import Purchase
from loyalty.models import PointsEntry
from loyalty.services import earn_points, points_balance

SIMPLIFIED = [
    "代码",
    "顾客代码",
    "商店",
    "关联制成单",
    "消费金额",
    "消费数量",
    "启用积分",
    "当前积分",
    "金额/积分",
    "备注",
]
TRADITIONAL = [
    "代碼",
    "顧客代碼",
    "商店",
    "關聯製成單",
    "消費金額",
    "消費數量",
    "啟用積分",
    "當前積分",
    "金額/積分",
    "備註",
]
DAY = dt.date(2026, 11, 19)


@pytest.fixture
def members(customer_a, customer_b):
    customer_a.card_number = "S001000002"
    customer_a.save()
    earn_points(customer_a, 100, reason="before", by=None, key="before-a")
    return customer_a, customer_b


def rows():
    return [
        # card number of customer A, two lines of one receipt (消费金额 is the line's amount)
        ["713511001387", "S001000002", "S001", "VPH000001", 1000, 1, 0, 1600, 1, ""],
        ["713511001388", "S001000002", "S001", "VPH000001", 500, 2, 0, 1600, 1, "两件"],
        # customer A's mobile as the customer code: matched too; the POS counts 100 more than Kedang
        ["713511001390", "13900000001", "S001", "VPH000002", 300, 1, 0, 2000, 1, ""],
        # unknown customers: anonymous sales
        ["713511001391", "S001999999", "S001", "VPH000003", 88, 1, 0, 0, 1, ""],
        ["713511001392", "", "S001", "VPH000004", 120, 1, 0, 0, 1, ""],
        # bad rows: another store, no receipt, an amount that is not one
        ["713511001393", "", "S002", "VPH000005", 100, 1, 0, 0, 1, ""],
        ["713511001394", "", "S001", "", 100, 1, 0, 0, 1, ""],
        ["713511001395", "", "S001", "VPH000006", "一百", 1, 0, 0, 1, ""],
    ]


def xlsx(path: Path, headers, data) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in data:
        sheet.append(row)
    book.save(path)
    return path


def upload(path: Path, store, user):
    with open(path, "rb") as handle:
        return pos_import.start_import(
            store=store, user=user, upload=handle, name=path.name, size=path.stat().st_size, sales_day=DAY
        )


def test_an_export_imports_once_with_anonymous_sales_and_points_differences(tmp_path, members, store_a, manager_a):
    customer_a, _b = members
    pos = upload(xlsx(tmp_path / "1119.xlsx", SIMPLIFIED, rows()), store_a, manager_a)
    assert (pos.status, pos.rows, pos.rejected_rows, pos.receipts) == ("checked", 8, 3, 4)
    assert not Purchase.objects.exists(), "nothing is written before the manager confirms"
    pos = pos_import.confirm(pos, manager_a)
    assert (pos.recorded, pos.already_recorded, pos.anonymous) == (4, 0, 2)
    first = Purchase.objects.get(store=store_a, receipt_number="VPH000001")
    assert first.customer == customer_a and first.total == 1500 and first.lines.count() == 2
    assert first.purchased_at == dt.datetime(2026, 11, 19, 4, 0, tzinfo=dt.UTC)
    assert Purchase.objects.get(receipt_number="VPH000003").customer is None
    assert points_balance(customer_a) == 100 + 1500 + 300
    assert pos.differences == [
        {
            "row": 4,
            "member_id": customer_a.pk,
            "masked_name": "王*",
            "card_number": "S001000002",
            "pos_points": 2000,
            "kedang_points": 1900,
            "difference": 100,
        }
    ]
    report = load_workbook(pos.report.path)
    rejected = list(report.worksheets[0].iter_rows(values_only=True))
    assert rejected[0][:4] == tuple(SIMPLIFIED[:4]) and [r[-1] for r in rejected[1:]] == [7, 8, 9]
    assert "S002" in rejected[1][-2]
    assert list(report.worksheets[1].iter_rows(values_only=True))[1][-1] == 100


def test_a_traditional_header_csv_re_upload_records_nothing_twice(tmp_path, members, store_a, manager_a):
    customer_a, _b = members
    pos_import.confirm(upload(xlsx(tmp_path / "1119.xlsx", SIMPLIFIED, rows()), store_a, manager_a), manager_a)
    entries = PointsEntry.objects.count()
    path = tmp_path / "1119-繁.csv"
    lines = [",".join(TRADITIONAL)] + [",".join(str(c) for c in row) for row in rows()]
    path.write_text("\n".join(lines), encoding="utf-8-sig")
    again = pos_import.confirm(upload(path, store_a, manager_a), manager_a)
    assert (again.status, again.rejected_rows, again.recorded, again.already_recorded) == ("done", 3, 0, 4)
    assert Purchase.objects.count() == 4 and PointsEntry.objects.count() == entries
    assert again.differences[0]["pos_points"] == 2000
    assert pos_import.confirm(again, manager_a).recorded == 0, "confirming twice does nothing"


def test_a_sale_sent_through_the_api_is_not_recorded_again_by_the_export(
    tmp_path, members, store_a, manager_a, clerk_a, pos_a
):
    from api.tests.conftest import sale_body

    pos_a.post("/sales", sale_body("VPH000002", mobile="13900000001", amount="300.00"))
    pos = pos_import.confirm(upload(xlsx(tmp_path / "1119.xlsx", SIMPLIFIED, rows()), store_a, manager_a), manager_a)
    assert (pos.recorded, pos.already_recorded) == (3, 1)
    assert Purchase.objects.filter(receipt_number="VPH000002").count() == 1


def test_a_file_that_is_not_an_export_is_refused(tmp_path, store_a, manager_a):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"%PDF-1.4 not a workbook")
    assert upload(path, store_a, manager_a).status == "refused"
    other = xlsx(tmp_path / "y.xlsx", ["姓名", "电话"], [["王芳", "13900000001"]])
    assert "关联制成单" in upload(other, store_a, manager_a).message


def test_managers_upload_and_confirm_in_the_app(tmp_path, client_for, members, manager_a, store_a):
    path = xlsx(tmp_path / "1119.xlsx", SIMPLIFIED, rows())
    client = client_for(manager_a)
    with open(path, "rb") as handle:
        response = client.post("/pos/imports/", {"store": store_a.pk, "sales_day": "2026-11-19", "file": handle})
    pos = PosImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/pos/imports/{pos.pk}/"
    page = client.get(f"/pos/imports/{pos.pk}/")
    assert page.status_code == 200 and "VPH000006" in page.content.decode()
    assert client.post(f"/pos/imports/{pos.pk}/confirm/").status_code == 302
    assert Purchase.objects.count() == 4
    page = client.get(f"/pos/imports/{pos.pk}/").content.decode()
    assert "<td>2000</td><td>1900</td><td>100</td>" in page
    assert client.get(f"/pos/imports/{pos.pk}/report/").status_code == 200


def test_other_stores_and_clerks_cannot_reach_an_import(
    tmp_path, client_for, members, manager_a, manager_b, clerk_a, store_a
):
    pos = upload(xlsx(tmp_path / "1119.xlsx", SIMPLIFIED, rows()), store_a, manager_a)
    for path in (f"/pos/imports/{pos.pk}/", f"/pos/imports/{pos.pk}/report/"):
        assert client_for(manager_b).get(path).status_code == 404
        assert client_for(clerk_a).get(path).status_code == 403
    assert client_for(manager_b).post(f"/pos/imports/{pos.pk}/confirm/").status_code == 404
    assert client_for(clerk_a).get("/pos/imports/").status_code == 403
    assert not Purchase.objects.exists()


def test_another_stores_customer_is_not_matched_by_the_export(tmp_path, members, store_a, manager_a):
    _a, customer_b = members
    data = [["713511001399", "13900000002", "S001", "VPH000009", 500, 1, 0, 500, 1, ""]]
    pos = pos_import.confirm(upload(xlsx(tmp_path / "b.xlsx", SIMPLIFIED, data), store_a, manager_a), manager_a)
    assert (pos.recorded, pos.anonymous) == (1, 1)
    assert Purchase.objects.get(receipt_number="VPH000009").customer is None and points_balance(customer_b) == 0


def test_the_command_imports_the_same_way(tmp_path, members, store_a):
    from io import StringIO

    from django.core.management import call_command

    path = xlsx(tmp_path / "1119.xlsx", SIMPLIFIED, rows())
    out = StringIO()
    call_command("import_pos_export", str(path), store="S001", day="2026-11-19", stdout=out)
    assert "recorded 4 (2 anonymous), already in Kedang 0, points differences 1" in out.getvalue()
    call_command("import_pos_export", str(path), store="S001", day="2026-11-19", stdout=out)
    assert "recorded 0 (0 anonymous), already in Kedang 4" in out.getvalue()
