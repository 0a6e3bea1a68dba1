"""Finding products at the till, the quick picks, and head office's xlsx import."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.access import audit
from customers.products.models import Product

# Header words accepted in the first row of a product workbook (lower-cased).
COLUMNS = {
    "sku": ("sku", "货号", "款号", "商品编码"),
    "barcode": ("barcode", "条码", "条形码"),
    "name": ("name", "名称", "品名", "商品名称"),
    "category": ("category", "类别", "品类"),
    "size": ("size", "尺码", "规格"),
    "colour": ("colour", "color", "颜色"),
    "list_price": ("list price", "price", "价格", "售价", "零售价"),
}
REQUIRED = ("sku", "name", "list_price")
MAX_ROWS = 20000


def find_for_till(text: str, limit: int = 8) -> list[Product]:
    """An exact barcode or SKU first (a scan is one product); else products whose name
    contains ``text``."""
    text = (text or "").strip()[:120]
    if not text:
        return []
    exact = Product.objects.active().filter(barcode=text).first() or (
        Product.objects.active().filter(sku__iexact=text).first()
    )
    if exact is not None:
        return [exact]
    return list(Product.objects.active().filter(name__icontains=text)[:limit])


def quick_picks(store, *, days: int = 30, limit: int = 8) -> list[Product]:
    """The store's most sold products of the last ``days`` days (by line name), topped up
    with the newest products so a new store still has picks."""
    from customers.models import PurchaseLine

    since = timezone.now() - dt.timedelta(days=days)
    names = list(
        PurchaseLine.objects.filter(purchase__store=store, purchase__purchased_at__gte=since)
        .values("item")
        .annotate(n=Count("id"))
        .order_by("-n", "item")
        .values_list("item", flat=True)[: limit * 2]
    )
    by_name = {}
    for product in Product.objects.active().filter(name__in=names):
        by_name.setdefault(product.name, product)
    picks = [by_name[n] for n in names if n in by_name][:limit]
    if len(picks) < limit:
        seen = [p.pk for p in picks]
        picks += list(Product.objects.active().exclude(pk__in=seen).order_by("-updated_at", "pk")[: limit - len(picks)])
    return picks


@dataclass
class ProductImport:
    created: int = 0
    updated: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason)


class ProductFileError(ValueError):
    pass


def _header_map(header: tuple) -> dict[str, int]:
    found = {}
    for index, cell in enumerate(header):
        word = str(cell or "").strip().lower()
        for key, words in COLUMNS.items():
            if word in words and key not in found:
                found[key] = index
    missing = [k for k in REQUIRED if k not in found]
    if missing:
        raise ProductFileError(
            _("The first row must name the columns SKU, name and price (missing: %(cols)s).")
            % {"cols": ", ".join(str(LABELS[k]) for k in missing)}
        )
    return found


LABELS = {
    "sku": gettext_lazy("SKU"),
    "name": gettext_lazy("name"),
    "list_price": gettext_lazy("list price"),
}


def _text(value, limit: int) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\x00", "").strip()[:limit]


TEXT_LIMITS = {"sku": 40, "barcode": 40, "name": 120, "category": 60, "size": 30, "colour": 30}


def _cell(row: tuple, columns: dict[str, int], key: str, limit: int) -> str:
    index = columns.get(key)
    return _text(row[index], limit) if index is not None and index < len(row) else ""


def _price(value) -> Decimal | None:
    try:
        price = Decimal(str(value).strip().replace(",", "").lstrip("¥"))
    except (InvalidOperation, ValueError):
        return None
    if not price.is_finite() or price < 0 or price >= Decimal("1e10"):
        return None
    return price.quantize(Decimal("0.01"))


def import_products(rows, *, by) -> ProductImport:
    """Create or update products by SKU from ``rows`` (the sheet's rows, header first).

    A row with no SKU, name or a valid price is rejected with its reason; a barcode
    already on another product too. Everything else is written in one transaction.
    """
    rows = iter(rows)
    try:
        header = next(rows)
    except StopIteration:
        raise ProductFileError(_("The file is empty.")) from None
    columns = _header_map(header)
    result = ProductImport()
    with transaction.atomic():
        for number, row in enumerate(rows, start=2):
            if number > MAX_ROWS + 1:
                raise ProductFileError(_("At most %(n)s products per file.") % {"n": MAX_ROWS})
            if not any(v not in (None, "") for v in row):
                continue
            values = {key: _cell(row, columns, key, limit) for key, limit in TEXT_LIMITS.items()}
            values["barcode"] = values["barcode"] or None
            price = _price(row[columns["list_price"]]) if columns["list_price"] < len(row) else None
            if not values["sku"] or not values["name"]:
                result.rejected.append((number, _("SKU and name are required.")))
                continue
            if price is None:
                result.rejected.append((number, _("The price is not a number.")))
                continue
            if (
                values["barcode"]
                and Product.objects.filter(barcode=values["barcode"]).exclude(sku=values["sku"]).exists()
            ):
                result.rejected.append((number, _("This barcode belongs to another product.")))
                continue
            _product, created = Product.objects.update_or_create(
                sku=values.pop("sku"), defaults={**values, "list_price": price, "updated_by": by, "is_active": True}
            )
            if created:
                result.created += 1
            else:
                result.updated += 1
        audit(by, "products.imported", None, created=result.created, updated=result.updated)
    return result


def read_workbook(file) -> list[tuple]:
    """The first sheet's rows of an uploaded xlsx file."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ProductFileError(_("This is not an Excel (xlsx) file.")) from exc
    try:
        sheet = workbook.worksheets[0]
        return [tuple(row) for _i, row in zip(range(MAX_ROWS + 2), sheet.iter_rows(values_only=True), strict=False)]
    finally:
        workbook.close()
