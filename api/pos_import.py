"""The POS's daily export (seed 003: 代码 · 顾客代码 · 商店 · 关联制成单 · 消费金额 · 消费数量 ·
启用积分 · 当前积分 · 金额/积分 · 备注), uploaded by a store manager.

    pos = start_import(store=..., user=..., upload=f, name="0512.xlsx", size=..., sales_day=day)  # checked
    confirm(pos, user)        # records the sales; lists where 当前积分 differs from Kedang

It reuses the customer import's machinery: the same file checks (``safety``: not an xlsx
by content, zip bombs, macros), the same fast sheet reader, the same header matching
(Simplified, Traditional or English headers, any order) and cell parsers, and the same
report (the file's own rows and columns with "reason not imported" and "row in the
file" added), written with ``crm.xlsx``. A CSV (UTF-8 or GB18030) is read the same way.

Rows of one 关联制成单 are the lines of one sale, recorded through ``checkout`` with the
idempotency key the API uses for that (store, receipt), so a re-upload — or a sale the
POS already sent through the API — is recorded exactly once. 顾客代码 is matched to a
card number, then as a mobile, among the store's customers (and those shared with it);
no match is an anonymous sale. Another store's customer is not matched: at the till they
are served only with the SMS code they read out, which a file cannot give (head office
can share the customer with the store first). The 当前积分 the POS states is
compared with Kedang's balance after the import and the differences are listed, never
written over Kedang's ledger.
"""

import csv
import datetime as dt
import io
from decimal import Decimal
from tempfile import TemporaryFile

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import PosImport
from api.services import ApiRefusal, find_member, receipt_key
from crm.access import audit
from crm.models import Role, Store
from crm.xlsx import Sheet, write_workbook
from customers.importing import safety, values
from customers.importing.columns import CUSTOMER_COLUMNS, PURCHASE_COLUMNS, match_headers
from customers.importing.reading import Workbook
from customers.importing.report import REASON_HEADER, ROW_HEADER
from customers.importing.services import can_import_into
from customers.models import Customer
from customers.services import LineData, checkout
from loyalty.services import points_balance

MAX_ROWS = 20000
HEADER_SEARCH_ROWS = 10

POS_COLUMNS: dict[str, tuple] = {
    "code": ("代码", ("代码", "代碼", "商品代码", "商品代碼", "code")),
    "customer_code": (
        "顾客代码",
        ("顾客代码", "顧客代碼", "客户代码", "客戶代碼", "会员代码", "會員代碼", "customer code"),
    ),
    "store": ("商店", ("商店", "门店", "門店", "店铺", "店鋪", "store")),
    "receipt": ("关联制成单", ("关联制成单", "關聯製成單", "關聯制成單", "制成单", "製成單", "receipt")),
    "amount": ("消费金额", ("消费金额", "消費金額", "amount")),
    "quantity": ("消费数量", ("消费数量", "消費數量", "quantity")),
    "points_used": ("启用积分", ("启用积分", "啟用積分", "points used")),
    "points_now": ("当前积分", ("当前积分", "當前積分", "current points")),
    "amount_per_point": ("金额/积分", ("金额/积分", "金額/積分", "amount per point")),
    "note": ("备注", ("备注", "備註", "備注", "note")),
    "mobile": CUSTOMER_COLUMNS["mobile"],
    "card_number": CUSTOMER_COLUMNS["card_number"],
    "purchased_at": PURCHASE_COLUMNS["purchased_at"],
    "clerk": PURCHASE_COLUMNS["clerk"],
}
_NEEDS = ({"receipt"}, {"amount"})


def start_import(*, store: Store, user, upload, name: str, size: int, sales_day: dt.date) -> PosImport:
    """Keep the file and check every row; nothing is recorded before ``confirm``."""
    if user is not None and not can_import_into(user, store):
        raise PermissionDenied
    safety.check_size(size)
    pos = PosImport.objects.create(store=store, created_by=user, original_name=name[:200], sales_day=sales_day)
    suffix = "csv" if name.lower().endswith(".csv") else "xlsx"
    pos.file.save(f"{store.code}/{pos.pk}.{suffix}", File(upload), save=True)
    return check(pos)


# --- reading and checking --------------------------------------------------------------


def _rows(pos: PosImport) -> list[tuple]:
    path = pos.file.path
    if path.endswith(".csv"):
        with open(path, "rb") as handle:
            data = handle.read()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise safety.FileRefused(_("This CSV file is neither UTF-8 nor GB18030 text."))
        if "\x00" in text:
            raise safety.FileRefused(_("This file is not a CSV text file."))
        return [tuple(row) for row in csv.reader(io.StringIO(text))]
    safety.check_workbook(path)
    try:
        workbook = Workbook(path)
    except Exception:  # calamine raises several kinds of error on a damaged file
        raise safety.FileRefused(_("This workbook could not be read; it may be damaged.")) from None
    with workbook:
        rows = []
        for row in workbook.rows(workbook.sheetnames[0]):
            rows.append(tuple(row))
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise safety.FileRefused(_("A daily export has at most %(n)s rows.") % {"n": MAX_ROWS})
        return rows


def _header(rows: list[tuple]) -> tuple[int, dict[int, str], list[str]]:
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        positions, _unknown = match_headers(cells, POS_COLUMNS)
        if all(set(positions.values()) & need for need in _NEEDS):
            return index, positions, ["" if c is None else str(c).strip() for c in cells]
    raise safety.FileRefused(_("No header row with the POS export's columns (关联制成单, 消费金额) in the first rows."))


def _cell(errors: list, label: str, parse, raw):
    try:
        return parse(raw)
    except (values.CellError, ValidationError) as error:
        errors.append(f"{label}: {'; '.join(getattr(error, 'messages', [str(error)]))}")
    return None


def _short(limit: int):
    def parse(raw) -> str:
        result = values.text(raw)
        if "\x00" in result or len(result) > limit:
            raise values.CellError(_("At most %(limit)s characters.") % {"limit": limit})
        return result

    return parse


def _check_row(pos: PosImport, cells: dict) -> dict:
    errors: list[str] = []
    row = {
        "receipt": _cell(errors, "关联制成单", _short(40), cells.get("receipt")) or "",
        "code": _cell(errors, "代码", _short(120), cells.get("code")) or "",
        "customer_code": _cell(errors, "顾客代码", _short(32), cells.get("customer_code")) or "",
        "mobile": _cell(errors, "手机", _short(30), cells.get("mobile")) or "",
        "card_number": _cell(errors, "卡号", _short(32), cells.get("card_number")) or "",
        "store": _cell(errors, "商店", _short(16), cells.get("store")) or "",
        "clerk": _cell(errors, "导购", _short(150), cells.get("clerk")) or "",
        "note": _cell(errors, "备注", _short(200), cells.get("note")) or "",
    }
    amount = _cell(errors, "消费金额", values.parse_decimal, cells.get("amount"))
    quantity = _cell(errors, "消费数量", values.parse_count, cells.get("quantity"))
    points_now = _cell(errors, "当前积分", values.parse_count, cells.get("points_now"))
    when = _cell(errors, "时间", values.parse_datetime, cells.get("purchased_at"))
    if not row["receipt"]:
        errors.append(_("关联制成单 (the receipt number) is empty."))
    if amount is None and "amount" not in "".join(errors):
        errors.append(_("消费金额 (the amount) is empty."))
    if row["store"] and row["store"].upper() != pos.store.code.upper():
        errors.append(
            _("This row is of store %(store)s, not %(ours)s.") % {"store": row["store"], "ours": pos.store.code}
        )
    row.update(
        amount=str(amount) if amount is not None else None,
        quantity=quantity if quantity else 1,
        points_now=points_now,
        purchased_at=when.isoformat() if when else None,
        errors=errors,
    )
    return row


def check(pos: PosImport) -> PosImport:
    """Read and check every row (no sale is written); leaves the import CHECKED or REFUSED."""
    try:
        rows = _rows(pos)
        header_index, positions, header_cells = _header(rows)
    except safety.FileRefused as refusal:
        pos.status, pos.message = PosImport.Status.REFUSED, str(refusal)
        pos.save(update_fields=["status", "message"])
        return pos
    checked = []
    for number, cells in enumerate(rows[header_index + 1 :], start=header_index + 2):
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        row = _check_row(pos, {field: cells[i] for i, field in positions.items() if i < len(cells)})
        row["row"] = number
        row["raw"] = [values.text(c) for c in cells[: len(header_cells)]]
        checked.append(row)
    _match_customers(pos, checked)
    pos.headers = header_cells
    pos.checked_rows = checked
    pos.rows = len(checked)
    pos.rejected_rows = sum(1 for r in checked if r["errors"])
    pos.receipts = len({r["receipt"] for r in checked if not r["errors"]})
    pos.status = PosImport.Status.CHECKED
    pos.save()
    write_report(pos)
    return pos


def _match_customers(pos: PosImport, rows: list[dict]) -> None:
    """Each row's customer (or None); one receipt cannot belong to two customers."""
    by_receipt: dict[str, set] = {}
    for row in rows:
        row["customer_id"] = None
        if row["errors"]:
            continue
        row["customer_id"] = _customer_for(pos.store, row)
        by_receipt.setdefault(row["receipt"], set()).add(row["customer_id"])
    for row in rows:
        if not row["errors"] and len(by_receipt.get(row["receipt"], ())) > 1:
            row["errors"].append(_("The rows of this receipt name different customers."))


def _customer_for(store: Store, row: dict) -> int | None:
    tries = []
    if row["card_number"]:
        tries.append({"card_number": row["card_number"]})
    if row["customer_code"]:
        tries.append({"card_number": row["customer_code"]})
        tries.append({"mobile": row["customer_code"]})
    if row["mobile"]:
        tries.append({"mobile": row["mobile"]})
    for lookup in tries:
        if "mobile" in lookup and not any(ch.isdigit() for ch in lookup["mobile"]):
            continue
        try:
            match = find_member(store, **lookup)
        except ApiRefusal:  # a 顾客代码 that is not a mobile number either
            continue
        if match is not None and match.own:
            return match.customer.pk
    return None


# --- writing ---------------------------------------------------------------------------


def _clerk(pos: PosImport, code: str, fallback):
    if code:
        clerk = (
            get_user_model()
            .objects.filter(username=code, staff__store=pos.store, staff__role__in=[Role.CLERK, Role.MANAGER])
            .first()
        )
        if clerk is not None:
            return clerk
    return fallback


def _lines(rows: list[dict]) -> list[LineData]:
    lines = []
    for row in rows:
        amount, quantity = Decimal(row["amount"]), row["quantity"]
        item = row["code"] or row["note"] or _("POS sale")
        unit = (amount / quantity).quantize(Decimal("0.01"))
        if unit * quantity == amount:
            lines.append(LineData(item=item[:120], unit_price=unit, quantity=quantity))
        else:  # the POS's amount is the truth; one line keeps it to the fen
            lines.append(LineData(item=f"{item} × {quantity}"[:120], unit_price=amount, quantity=1))
    return lines


def confirm(pos: PosImport, user) -> PosImport:
    """Record every valid receipt once and list the points differences; once per import."""
    if user is not None and not can_import_into(user, pos.store):
        raise PermissionDenied
    claimed = PosImport.objects.filter(pk=pos.pk, status=PosImport.Status.CHECKED, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now()
    )
    pos.refresh_from_db()
    if not claimed:
        return pos
    receipts: dict[str, list[dict]] = {}
    for row in pos.checked_rows:
        if not row["errors"]:
            receipts.setdefault(row["receipt"], []).append(row)
    noon = timezone.make_aware(dt.datetime.combine(pos.sales_day, dt.time(12)))
    recorded = already = anonymous = 0
    for receipt, rows in receipts.items():
        customer_id = rows[0]["customer_id"]
        when = dt.datetime.fromisoformat(rows[0]["purchased_at"]) if rows[0]["purchased_at"] else noon
        purchase, created = checkout(
            store=pos.store,
            clerk=_clerk(pos, rows[0]["clerk"], user),
            lines=_lines(rows),
            idempotency_key=receipt_key(pos.store, receipt),
            customer=Customer.objects.get(pk=customer_id) if customer_id else None,
            receipt_number=receipt,
            note=rows[0]["note"],
            purchased_at=when,
        )
        recorded += created
        already += not created
        anonymous += created and customer_id is None
    pos.recorded, pos.already_recorded, pos.anonymous = recorded, already, anonymous
    pos.differences = points_differences(pos.checked_rows)
    # Recorded rows need no copy of the file's cells, nor the customer's codes.
    for row in pos.checked_rows:
        if not row["errors"]:
            row.update(raw=[], customer_code="", mobile="", card_number="")
    pos.status = PosImport.Status.DONE
    with transaction.atomic():
        pos.save()
        audit(user, "api.pos_export_imported", pos, store=pos.store, recorded=recorded, already=already)
    write_report(pos)
    return pos


def points_differences(rows: list[dict]) -> list[dict]:
    """The last 当前积分 the file states per customer, where Kedang's balance differs."""
    stated: dict[int, dict] = {}
    for row in rows:
        if not row["errors"] and row["customer_id"] and row["points_now"] is not None:
            stated[row["customer_id"]] = row
    customers = Customer.objects.in_bulk(list(stated))
    out = []
    for customer_id, row in stated.items():
        customer = customers[customer_id]
        balance = points_balance(customer)
        if balance != row["points_now"]:
            out.append(
                {
                    "row": row["row"],
                    "member_id": customer_id,
                    "masked_name": customer.masked_name(),
                    "card_number": customer.card_number or "",
                    "pos_points": row["points_now"],
                    "kedang_points": balance,
                    "difference": row["points_now"] - balance,
                }
            )
    return out


def write_report(pos: PosImport) -> None:
    """The rows not imported, like the customer import's report, plus the points differences."""
    rejected = [r for r in pos.checked_rows if r["errors"]]
    if not rejected and not pos.differences:
        if pos.report:
            pos.report.delete(save=True)
        return
    width = len(pos.headers)
    sheets = [
        Sheet(
            _("Rows not imported"),
            [*pos.headers, REASON_HEADER, ROW_HEADER],
            ([*(r["raw"] + [""] * (width - len(r["raw"]))), "; ".join(r["errors"]), r["row"]] for r in rejected),
        )
    ]
    if pos.differences:
        sheets.append(
            Sheet(
                _("Points differences"),
                [
                    _("Row in the file"),
                    _("Customer"),
                    _("Card number"),
                    "当前积分 (POS)",
                    _("Kedang balance"),
                    _("Difference"),
                ],
                (
                    [d["row"], d["masked_name"], d["card_number"], d["pos_points"], d["kedang_points"], d["difference"]]
                    for d in pos.differences
                ),
            )
        )
    with TemporaryFile() as handle:
        write_workbook(handle, sheets)
        handle.seek(0)
        if pos.report:
            pos.report.delete(save=False)
        pos.report.save(f"{pos.store.code}/{pos.pk}-report.xlsx", File(handle), save=True)
