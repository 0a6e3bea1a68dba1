"""Workflows of the customer file. The only writers of purchases and customer totals."""

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from crm import hooks
from crm.access import audit, audit_event
from crm.db import insert_unless_conflict, insert_with_it
from crm.models import Store
from customers.models import ZERO, Customer, CustomerStoreShare, Purchase, PurchaseLine, ReceiptCounter
from customers.privacy import consent
from customers.signals import customer_captured

CENT = Decimal("0.01")


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class DuplicateCustomer(Exception):
    """The mobile (or card number) already belongs to ``customer``."""

    def __init__(self, customer: Customer):
        super().__init__(f"mobile already belongs to customer {customer.pk}")
        self.customer = customer


@dataclass(frozen=True)
class LineData:
    item: str
    unit_price: Decimal
    quantity: int = 1
    category: str = ""
    size: str = ""
    colour: str = ""

    @property
    def total(self) -> Decimal:
        return money(self.unit_price * self.quantity)


def member_discount(customer: Customer | None, subtotal: Decimal) -> tuple[Decimal, Decimal]:
    """(rate, amount) of the member discount on ``subtotal``: the ``discount_rate`` hook's answer."""
    rate = Decimal(hooks.first("discount_rate", customer, default=0)) if customer else Decimal(0)
    return rate, money(subtotal * rate)


def voucher_discount(customer: Customer | None, store: Store, code: str, amount: Decimal, day: dt.date) -> Decimal:
    """What the voucher ``code`` takes off ``amount`` (the ``voucher_discount`` hook's answer);
    ValidationError (code ``"voucher"``) with the clerk's message when it cannot be used."""
    if customer is None or customer.pk is None:
        raise ValidationError(_("Open the customer's file first: a voucher is used on its holder's sale."), "voucher")
    off = hooks.first("voucher_discount", customer, store, code, amount, day, default=None)
    if off is None:
        raise ValidationError(_("Vouchers are not used in this installation."), "voucher")
    return off


@dataclass(frozen=True)
class SaleQuote:
    """What the till shows before saving: the same sums ``record_purchase`` will write."""

    subtotal: Decimal
    discount_rate: Decimal
    discount: Decimal
    total: Decimal
    lines: int
    preview: dict  # from the ``sale_preview`` hook: points earned, the next card after the sale
    voucher: Decimal = ZERO  # what the voucher typed takes off
    voucher_error: str = ""  # why the voucher typed cannot be used


def quote_sale(
    customer: Customer | None, lines: list[LineData], *, store: Store | None = None, voucher_code: str = ""
) -> SaleQuote:
    """Read-only: the totals of a sale not yet recorded, for the live total at the till.

    ``customer`` may be unsaved (a new customer captured with the sale).
    """
    subtotal = sum((line.total for line in lines), ZERO)
    rate, discount = member_discount(customer, subtotal)
    total, voucher, refused = subtotal - discount, ZERO, ""
    if voucher_code and lines:
        try:
            voucher = voucher_discount(customer, store, voucher_code, total, timezone.localdate())
        except ValidationError as exc:
            refused = " ".join(exc.messages)
    total -= voucher
    preview = hooks.first("sale_preview", customer, total, default=None) if customer is not None else None
    return SaleQuote(subtotal, rate, discount, total, len(lines), preview or {}, voucher, refused)


def find_by_mobile(mobile: str) -> Customer | None:
    """Chain-wide exact match: the customer is standing at the till giving their number."""
    return Customer.objects.filter(mobile=mobile).first() if mobile else None


def capture_customer(*, store: Store, clerk, name: str, mobile: str, data_consent: bool, **fields) -> Customer:
    """Create a customer with consent. ``mobile`` must be normalised.

    Raises DuplicateCustomer if the mobile is taken (also when two clerks capture the
    same number at the same moment: the unique index decides), ValidationError without
    consent.
    """
    if not data_consent:
        raise ValidationError(
            _("The customer has not agreed to keep their data: record an anonymous purchase instead.")
        )
    id_number = fields.pop("id_number", "")
    now = timezone.now()
    customer = Customer(
        home_store=store,
        clerk=clerk,
        name=name.strip(),
        mobile=mobile,
        data_consent_at=now,
        data_consent_by=clerk,
        **fields,
    )
    if customer.marketing_consent:
        customer.marketing_consent_at = now
    if id_number:
        customer.set_id_number(id_number)
    # Inside the till's transaction without a savepoint: a taken mobile (also by another
    # clerk's capture that moment) makes the INSERT write nothing, not fail.
    # The consent records and the audit event are written in the customer's statement.
    records = consent.captured_records(customer, by=clerk, store=store, save=False)
    event = audit_event(clerk, "customer.captured", customer, store=store, marketing_consent=customer.marketing_consent)
    then = [insert_with_it(record, link={"customer_id": "id"}) for record in records]
    then.append(insert_with_it(event, link={"object_id": "CAST(id AS VARCHAR(40))"}))
    with transaction.atomic(savepoint=False):
        if written := insert_unless_conflict(customer, then=then):
            customer_captured.send(sender=Customer, customer=customer, by=clerk)
    if not written:  # raised outside the block, which wrote nothing: the caller's transaction stays usable
        existing = find_by_mobile(mobile)
        if existing is None:
            raise IntegrityError("the new customer's card or ID number is on file")
        raise DuplicateCustomer(existing)
    return customer


def share_with_store(customer: Customer, store: Store, by) -> None:
    if customer.home_store_id != store.pk:
        _, created = CustomerStoreShare.objects.get_or_create(
            customer=customer, store=store, defaults={"shared_by": by}
        )
        if created:
            audit(by, "customer.shared.sale", customer, store=store)


def _key_value(key: uuid.UUID | None):
    return Purchase._meta.get_field("idempotency_key").get_db_prep_value(key, connection)


def next_receipt_number(store: Store, when: dt.datetime, unless_recorded: uuid.UUID | None = None) -> str | None:
    """``S001-20261122-0007``: the store's next number of that local day.

    One UPDATE … RETURNING of the store's counter; its first use on a day starts after
    the sales already recorded that day (counted once). Called before the sale's
    transaction, the counter's row lock ends with the statement, so clerks saving at the
    same moment in one store do not wait for each other. A sale that then fails leaves a
    gap, as typed receipt numbers do. With ``unless_recorded`` (the sale's idempotency
    key), the same statement is the sale's idempotency check: None, and no number taken,
    when a sale with that key is recorded.
    """
    day = timezone.localtime(when).date()
    table = connection.ops.quote_name(ReceiptCounter._meta.db_table)
    purchases = connection.ops.quote_name(Purchase._meta.db_table)
    # On its own (not in the sale's transaction), the counter's move need not wait for the
    # disk: the sale's commit, later in the same log, makes it durable with the number it
    # uses, and a move lost in a crash only gave a number no recorded sale holds.
    unsynced = "SET LOCAL synchronous_commit = off; " if _own_transaction() else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"{unsynced}UPDATE {table} SET last = last + 1 WHERE store_id = %s AND day = %s "
            f"AND NOT EXISTS (SELECT 1 FROM {purchases} WHERE idempotency_key = %s) RETURNING last",
            [store.pk, connection.ops.adapt_datefield_value(day), _key_value(unless_recorded)],
        )
        row = cursor.fetchone()
        if row is None and recorded_sale(unless_recorded) is not None:
            return None
        if row is None:
            start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
            cursor.execute(
                f"{unsynced}INSERT INTO {table} (store_id, day, last) SELECT %s, %s, COUNT(*) + 1 FROM {purchases} "
                "WHERE store_id = %s AND purchased_at >= %s AND purchased_at < %s "
                f"ON CONFLICT (store_id, day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
                [
                    store.pk,
                    connection.ops.adapt_datefield_value(day),
                    store.pk,
                    connection.ops.adapt_datetimefield_value(start),
                    connection.ops.adapt_datetimefield_value(start + dt.timedelta(days=1)),
                ],
            )
            row = cursor.fetchone()
    return f"{store.code}-{day:%Y%m%d}-{row[0]:04d}"


def _own_transaction() -> bool:
    """A statement sent now on PostgreSQL is a transaction of its own (autocommit)."""
    return connection.vendor == "postgresql" and connection.get_autocommit() and not connection.in_atomic_block


def record_purchase(
    *,
    store: Store,
    clerk,
    lines: list[LineData],
    customer: Customer | None = None,
    receipt_number: str = "",
    idempotency_key: uuid.UUID | None = None,
    purchased_at: dt.datetime | None = None,
    is_imported: bool = False,
    note: str = "",
    reserved_number: str = "",
    voucher_code: str = "",
) -> tuple[Purchase, bool]:
    """Record a sale with its lines and update the customer's totals, atomically.

    Returns (purchase, created). The same ``idempotency_key`` twice (a double-clicked
    submit, a retried request) returns the first purchase with created=False: the
    purchase's INSERT skips a row whose key exists, and the first one is returned.
    ``reserved_number`` is a generated receipt number the caller took before opening
    its transaction (see ``next_receipt_number``). ``voucher_code``: a voucher of the
    customer's, taken off after the member discount and redeemed with the sale (refused:
    ValidationError with code ``"voucher"``, nothing recorded).
    """
    if not lines:
        raise ValidationError(_("A purchase needs at least one line."))
    key = idempotency_key or uuid.uuid4()
    when = purchased_at or timezone.now()
    typed = receipt_number.strip()
    if not typed and not reserved_number and not connection.in_atomic_block:
        reserved_number = next_receipt_number(store, when)
    subtotal = sum((line.total for line in lines), ZERO)
    # Priced at the tier read before the sale; checked against the locked row below.
    rate, discount = member_discount(customer, subtotal) if not is_imported else (Decimal(0), ZERO)
    voucher = (
        voucher_discount(customer, store, voucher_code, subtotal - discount, timezone.localdate(when))
        if voucher_code
        else ZERO
    )
    # Nothing raises inside without a voucher (a refused voucher rolls back to its savepoint).
    with transaction.atomic(savepoint=bool(voucher_code)):
        purchase = Purchase(
            store=store,
            customer=customer,
            clerk=clerk,
            purchased_at=when,
            subtotal=subtotal,
            discount_rate=rate,
            discount_amount=discount,
            voucher_discount=voucher,
            total=subtotal - discount - voucher,
            is_imported=is_imported,
            idempotency_key=key,
            note=note,
        )
        written = [] if customer is not None else None
        # A typed receipt number is the till's own and must be unique; a generated one
        # may meet a typed one, so the next is tried.
        for attempt in range(1 if typed else 5):
            purchase.receipt_number = typed or (reserved_number if attempt == 0 and reserved_number else "")
            purchase.receipt_number = purchase.receipt_number or next_receipt_number(store, when)
            if insert_unless_conflict(purchase, then=_lines_and_totals(purchase, lines), returning=written):
                break
            existing = recorded_sale(key)
            if existing is not None:
                return existing, False
        else:
            tried, purchase = purchase.receipt_number, None  # nothing written: refused below, outside the block
        if purchase is not None and voucher_code:
            hooks.first("redeem_voucher", purchase, voucher_code, voucher)
        if purchase is not None and customer is not None:
            priced_at = customer.tier
            _read_totals(customer, written[0])
            if customer.tier != priced_at and not is_imported:
                _reprice(purchase, customer)
            purchase.customer = customer
            if purchase.total > 0:  # a ¥0 "sale" is no reason to open the file to a store
                share_with_store(customer, store, clerk)
        if purchase is not None and customer is not None and not is_imported:
            hooks.each("purchase_recorded", purchase)
    if purchase is None:
        raise ValidationError(
            _("Receipt number %(receipt)s is already recorded in this store.") % {"receipt": tried},
            code="duplicate_receipt",
        )
    return purchase, True


# What the sale reads back from the customer's row, locked by the UPDATE of its totals.
SALE_FIELDS = (
    "tier",
    "card_number",
    "home_store_id",
    "cumulative_spend",
    "visit_count",
    "last_purchase_at",
    "member_since",
)


def _lines_and_totals(purchase: Purchase, lines: list[LineData]) -> list[tuple[str, list]]:
    """The purchase's lines and the customer's totals, written in the purchase's INSERT
    statement (``insert_unless_conflict``): nothing if its key or number is taken.

    The totals move by the purchase (the UPDATE takes the customer's row lock, the one
    lock of the sale: points, tier check and follow-up plan downstream read the totals
    written here, one purchase of a customer at a time)."""
    q = connection.ops.quote_name
    ops = connection.ops
    table = q(PurchaseLine._meta.db_table)
    rows = " UNION ALL ".join(
        "SELECT %s AS n, %s AS item, %s AS category, %s AS size, %s AS colour, %s AS quantity, "
        "%s AS unit_price, %s AS line_total"
        for _line in lines
    )
    values = [
        (n, li.item, li.category, li.size, li.colour, li.quantity, li.unit_price, li.total)
        for n, li in enumerate(lines)
    ]
    statements = [
        (
            f"INSERT INTO {table} (purchase_id, item, category, size, colour, quantity, unit_price, line_total) "
            "SELECT id, v.item, v.category, v.size, v.colour, v.quantity, v.unit_price, v.line_total "
            f"FROM inserted, ({rows}) v ORDER BY v.n",  # the lines in the order typed
            [value for row in values for value in row],
        )
    ]
    if purchase.customer_id is None:
        return statements
    customers = q(Customer._meta.db_table)
    when, day = ops.adapt_datetimefield_value(purchase.purchased_at), timezone.localdate(purchase.purchased_at)
    day = ops.adapt_datefield_value(day)
    returned = ", ".join(f"{customers}.{q(Customer._meta.get_field(name).column)}" for name in SALE_FIELDS)
    statements.append(
        (
            f"UPDATE {customers} SET cumulative_spend = cumulative_spend + %s, visit_count = visit_count + %s, "
            "last_purchase_at = CASE WHEN last_purchase_at IS NULL OR last_purchase_at < %s "
            "THEN %s ELSE last_purchase_at END, "
            "member_since = CASE WHEN member_since IS NULL OR member_since > %s THEN %s ELSE member_since END "
            f"FROM inserted WHERE {customers}.id = %s RETURNING {returned}",
            [purchase.total, 0 if purchase.is_imported else 1, when, when, day, day, purchase.customer_id],
        )
    )
    return statements


def _read_totals(customer: Customer, row: tuple) -> None:
    if connection.vendor != "postgresql":  # raw values need the fields' converters
        customer.refresh_from_db(fields=[name.removesuffix("_id") for name in SALE_FIELDS])
        return
    for name, value in zip(SALE_FIELDS, row, strict=True):
        setattr(customer, name, value)


def _reprice(purchase: Purchase, customer: Customer) -> None:
    """The tier changed between the till's read and the sale (a card approved that
    moment): the member discount of the tier the customer holds now."""
    rate, discount = member_discount(customer, purchase.subtotal)
    total = max(ZERO, purchase.subtotal - discount - purchase.voucher_discount)
    if total == purchase.total:
        return
    Purchase.objects.filter(pk=purchase.pk).update(discount_rate=rate, discount_amount=discount, total=total)
    Customer.objects.filter(pk=customer.pk).update(cumulative_spend=F("cumulative_spend") + (total - purchase.total))
    customer.cumulative_spend += total - purchase.total
    purchase.discount_rate, purchase.discount_amount, purchase.total = rate, discount, total


def adjust_cumulative_spend(customer: Customer, amount: Decimal) -> None:
    """Add ``amount`` (negative for a return) to the customer's cumulative spend, never below 0."""
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        locked.cumulative_spend = max(ZERO, locked.cumulative_spend + amount)
        locked.save(update_fields=["cumulative_spend", "updated_at"])
        customer.cumulative_spend = locked.cumulative_spend


def recorded_sale(idempotency_key: uuid.UUID | None) -> Purchase | None:
    """The sale already recorded with this key (the till form's token), if any: a key is
    consumed by its first sale, and every later submit of it gets that sale back."""
    if idempotency_key is None:
        return None
    return Purchase.objects.filter(idempotency_key=idempotency_key).first()


def checkout(
    *,
    store: Store,
    clerk,
    lines: list[LineData],
    idempotency_key: uuid.UUID,
    customer: Customer | None = None,
    new_customer: dict | None = None,
    receipt_number: str = "",
    note: str = "",
    purchased_at: dt.datetime | None = None,
    voucher_code: str = "",
) -> tuple[Purchase, bool]:
    """The till's one write: capture the new customer (if any) and record the sale together.

    A resubmitted form (same key) returns the first purchase: the purchase's INSERT
    finds the key taken. A double click on "new customer + sale" finds the mobile taken
    by the first click and gets the first click's sale back, never a duplicate report.
    """
    now = purchased_at or timezone.now()
    reserved = "" if receipt_number.strip() else next_receipt_number(store, now, unless_recorded=idempotency_key)
    if reserved is None:
        return recorded_sale(idempotency_key), False
    sale = {
        "purchased_at": now,
        "store": store,
        "clerk": clerk,
        "lines": lines,
        "receipt_number": receipt_number,
        "idempotency_key": idempotency_key,
        "note": note,
        "reserved_number": reserved,
        "voucher_code": voucher_code,
    }
    if new_customer is None:
        return record_purchase(customer=customer, **sale)
    try:
        with transaction.atomic():
            customer = capture_customer(store=store, clerk=clerk, **new_customer)
            return record_purchase(customer=customer, **sale)
    except DuplicateCustomer:
        # The other click of a double click may have committed meanwhile.
        existing = recorded_sale(idempotency_key)
        if existing is not None:
            return existing, False
        raise
