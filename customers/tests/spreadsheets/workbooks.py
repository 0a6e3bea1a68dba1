"""Building workbooks for the import tests and the benchmark."""

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook

SEED_HEADERS = ["姓名", "性别", "电话", "VIP号码", "身份证号码", "地址", "生日", "积分", "累计消费", "消费次数"]
TRADITIONAL_HEADERS = ["姓名", "性別", "電話", "VIP號碼", "身份證號碼", "地址", "生日", "積分", "累計消費", "消費次數"]
PURCHASE_HEADERS = ["电话", "时间", "商品", "数量", "单价", "导购"]

# Valid resident ID numbers (check digit right), for rows that need one.
ID_NUMBERS = ["11010519491231002X", "440524188001010014", "110101199003074477", "310104198512120017"]


def id_number(n: int) -> str:
    """A valid 18-character ID number, different for each ``n`` below 10,000,000."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    born = dt.date(1970, 1, 1) + dt.timedelta(days=n // 1000)
    body = f"110105{born:%Y%m%d}{n % 1000:03d}"
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check


def mobile(n: int) -> str:
    return f"139{n:08d}"


def workbook(
    path: Path,
    customers: Iterable[Sequence],
    *,
    headers: Sequence[str] = SEED_HEADERS,
    purchases: Iterable[Sequence] | None = None,
    purchase_headers: Sequence[str] = PURCHASE_HEADERS,
    title: str = "顾客",
    write_only: bool = True,
) -> Path:
    book = Workbook(write_only=write_only)
    if not write_only:
        book.remove(book.active)
    sheet = book.create_sheet(title)
    sheet.append(list(headers))
    for row in customers:
        sheet.append(list(row))
    if purchases is not None:
        sheet = book.create_sheet("消费记录")
        sheet.append(list(purchase_headers))
        for row in purchases:
            sheet.append(list(row))
    book.save(path)
    return path
