"""Checking one row of the customer sheet or the purchase sheet, on its own.

``check_customer_row`` and ``check_purchase_row`` turn the cells of a row into the
normalised values we would write (JSON-ready) or into the reasons it cannot be imported.
Checks that need other rows or the database (duplicates, the customer of a purchase)
are made afterwards, in ``services.py``, on the staged rows.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from customers import crypto
from customers.importing import values
from customers.importing.columns import CUSTOMER_COLUMNS, PURCHASE_COLUMNS
from customers.importing.values import CellError
from customers.validators import normalise_digits, normalise_id_number


@dataclass
class CheckedRow:
    data: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    mobile: str = ""
    card_number: str = ""
    id_hash: str = ""
    group_key: str = ""
    amount: Decimal | None = None


def _error_text(error: ValidationError) -> str:
    return "; ".join(str(m) for m in error.messages)


def _cell(row: CheckedRow, label: str, parse, raw):
    try:
        return parse(raw)
    except CellError as error:
        row.errors.append(f"{label}: {error}")
    except ValidationError as error:
        row.errors.append(f"{label}: {_error_text(error)}")
    return None


def _mobile(raw) -> str:
    digits = values.text(raw)
    return values.normalise_mobile(digits) if digits else ""


def _card(raw) -> str:
    card = normalise_digits(values.text(raw)).replace(" ", "").upper()
    if len(card) > 32:
        raise CellError(_("A VIP number has at most 32 characters."))
    return card


def _id_number(raw) -> str:
    number = values.text(raw)
    # Exports made in the web UI mask ID numbers (110***********1234): nothing to bring in.
    if not number or "*" in number:
        return ""
    return normalise_id_number(number)


def _short_text(limit: int):
    def parse(raw) -> str:
        result = values.text(raw)
        if len(result) > limit:
            raise CellError(_("At most %(limit)s characters.") % {"limit": limit})
        return result

    return parse


def _iso(day) -> str | None:
    return day.isoformat() if day is not None else None


def check_customer_row(cells: dict) -> CheckedRow:
    """``cells``: field -> raw cell value, for the columns the sheet has."""
    row = CheckedRow()
    labels = _labels("customers")
    name = _cell(row, labels["name"], _short_text(100), cells.get("name")) or ""
    mobile = _cell(row, labels["mobile"], _mobile, cells.get("mobile")) or ""
    card = _cell(row, labels["card_number"], _card, cells.get("card_number")) or ""
    id_number = _cell(row, labels["id_number"], _id_number, cells.get("id_number")) or ""
    if not name and not row.errors:
        row.errors.append(_("The name is missing."))
    if not mobile and not card and not row.errors:
        row.errors.append(_("A customer needs a mobile number or a VIP number."))
    data = {
        "name": name,
        "gender": _cell(row, labels["gender"], values.parse_gender, cells.get("gender")) or "",
        "mobile": mobile,
        "card_number": card,
        "id_number": crypto.encrypt(id_number) if id_number else "",
        "address": _cell(row, labels["address"], _short_text(200), cells.get("address")) or "",
        "birthday": _iso(_cell(row, labels["birthday"], values.parse_date, cells.get("birthday"))),
        "wedding_anniversary": _iso(
            _cell(row, labels["wedding_anniversary"], values.parse_date, cells.get("wedding_anniversary"))
        ),
        "member_since": _iso(_cell(row, labels["member_since"], values.parse_date, cells.get("member_since"))),
        "last_purchase": _iso(_cell(row, labels["last_purchase"], values.parse_datetime, cells.get("last_purchase"))),
        "points": _cell(row, labels["points"], values.parse_count, cells.get("points")) or 0,
        "cumulative_spend": str(
            _cell(row, labels["cumulative_spend"], values.parse_decimal, cells.get("cumulative_spend")) or "0.00"
        ),
        "visit_count": _cell(row, labels["visit_count"], values.parse_count, cells.get("visit_count")) or 0,
        "tier": _cell(row, labels["tier"], values.parse_tier, cells.get("tier")),
        "messaging": _cell(row, labels["messaging"], values.parse_messaging, cells.get("messaging")),
        "data_consent": _cell(row, labels["data_consent"], values.parse_consent, cells.get("data_consent")),
    }
    row.data = data
    row.mobile, row.card_number = mobile, card
    row.id_hash = crypto.lookup_hash(id_number) if id_number else ""
    return row


def check_purchase_row(cells: dict) -> CheckedRow:
    row = CheckedRow()
    labels = _labels("purchases")
    mobile = _cell(row, labels["mobile"], _mobile, cells.get("mobile")) or ""
    card = _cell(row, labels["card_number"], _card, cells.get("card_number")) or ""
    when = _cell(row, labels["purchased_at"], values.parse_datetime, cells.get("purchased_at"))
    quantity = _cell(row, labels["quantity"], values.parse_count, cells.get("quantity"))
    unit_price = _cell(row, labels["unit_price"], values.parse_decimal, cells.get("unit_price"))
    amount = _cell(row, labels["amount"], values.parse_decimal, cells.get("amount"))
    receipt = _cell(row, labels["receipt_number"], _short_text(40), cells.get("receipt_number")) or ""
    if not mobile and not card and not row.errors:
        row.errors.append(_("A purchase needs the customer's mobile number or VIP number."))
    if when is None and not row.errors:
        row.errors.append(_("The time of the purchase is missing."))
    if quantity is None:
        quantity = 1
    elif quantity < 1:
        row.errors.append(_("The quantity must be at least 1."))
        quantity = 1
    if unit_price is None and amount is None and not row.errors:
        row.errors.append(_("The purchase has no amount."))
    if unit_price is None and amount is not None:
        unit_price = (amount / quantity).quantize(values.CENT, rounding=ROUND_HALF_UP)
    row.data = {
        "mobile": mobile,
        "card_number": card,
        "purchased_at": when.isoformat() if when else None,
        "receipt_number": receipt,
        "item": _cell(row, labels["item"], _short_text(120), cells.get("item")) or "",
        "category": _cell(row, labels["category"], _short_text(60), cells.get("category")) or "",
        "size": _cell(row, labels["size"], _short_text(30), cells.get("size")) or "",
        "colour": _cell(row, labels["colour"], _short_text(30), cells.get("colour")) or "",
        "quantity": quantity,
        "unit_price": str(unit_price) if unit_price is not None else None,
        "clerk": _cell(row, labels["clerk"], _short_text(50), cells.get("clerk")) or "",
    }
    row.mobile, row.card_number = mobile, card
    if unit_price is not None:
        row.amount = (unit_price * quantity).quantize(values.CENT)
    if when is not None:
        row.group_key = f"{mobile or card}|{when.isoformat()}|{receipt}"[:120]
    return row


def _labels(sheet: str) -> dict[str, str]:
    return _labels_in(sheet, translation.get_language())


@lru_cache(maxsize=16)
def _labels_in(sheet: str, language: str) -> dict[str, str]:
    columns = CUSTOMER_COLUMNS if sheet == "customers" else PURCHASE_COLUMNS
    return {name: str(header) for name, (header, _aliases) in columns.items()}
