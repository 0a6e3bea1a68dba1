import datetime as dt
import io
from decimal import Decimal

from django.utils import timezone
from openpyxl import load_workbook

from crm.models import AuditEvent
from crm.xlsx import Sheet, record_export, safe_cell, write_workbook, xlsx_response


def _read(handle) -> list[tuple]:
    return list(load_workbook(handle).active.iter_rows(values_only=True))


def test_it_writes_formula_like_text_with_a_leading_apostrophe():
    for text in ("=1+1", "+8613900000001", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("王芳") == "王芳"
    assert safe_cell(Decimal("-2.50")) == Decimal("-2.50")  # numbers stay numbers


def test_it_never_writes_a_formula_into_the_workbook():
    handle = io.BytesIO()
    write_workbook(handle, [Sheet("t", ["a"], [['=HYPERLINK("http://evil","x")'], ["=1+1"]])])
    handle.seek(0)
    sheet = load_workbook(handle).active
    assert all(cell.data_type == "s" for row in sheet.iter_rows(min_row=2) for cell in row)
    assert sheet["A3"].value == "'=1+1"


def test_it_drops_characters_a_workbook_cannot_hold_and_localises_times():
    moment = timezone.make_aware(dt.datetime(2024, 5, 1, 14, 30))
    assert safe_cell("王\x01芳") == "王芳"
    assert safe_cell(moment) == dt.datetime(2024, 5, 1, 14, 30)


def test_it_sizes_columns_to_fit_chinese_text():
    handle = io.BytesIO()
    write_workbook(handle, [Sheet("t", ["地址", "x"], [["上海市静安区南京西路1号", 1]])])
    handle.seek(0)
    sheet = load_workbook(handle).active
    assert sheet.column_dimensions["A"].width >= 22
    assert sheet.column_dimensions["B"].width < 10


def test_it_records_who_exported_what_with_which_filters(manager_a):
    response = xlsx_response(
        "登记表.xlsx", "卡", ["a"], iter([[1], [2], [3]]), user=manager_a, what="loyalty.cards", filters={"q": "王"}
    )
    assert response["Content-Disposition"].startswith("attachment")
    assert len(_read(io.BytesIO(b"".join(response.streaming_content)))) == 4
    event = AuditEvent.objects.get(action="export")
    assert event.actor == manager_a
    assert event.detail == {"what": "loyalty.cards", "filters": {"q": "王"}, "rows": 3}
    assert event.store == manager_a.staff.store


def test_it_records_command_line_exports_without_a_user(db):
    event = record_export(None, "customers", {"store": "", "command": True}, 7)
    assert event.actor is None and event.detail["rows"] == 7 and event.detail["filters"] == {"command": True}
