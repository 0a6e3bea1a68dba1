"""Workflows of the customer file. The only writers of purchases and customer totals."""

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm import hooks
from crm.access import audit
from crm.db import insert_unless_conflict
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
    existing = find_by_mobile(mobile)
    if existing is not None:
        raise DuplicateCustomer(existing)
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
    try:
        with transaction.atomic():
            customer.save()
            consent.captured_records(customer, by=clerk, store=store)
            audit(clerk, "customer.captured", customer, store=store, marketing_consent=customer.marketing_consent)
            customer_captured.send(sender=Customer, customer=customer, by=clerk)
    except IntegrityError:
        existing = find_by_mobile(mobile)
        if existing is None:
            raise
        raise DuplicateCustomer(existing) from None
    return customer


def share_with_store(customer: Customer, store: Store, by) -> None:
    if customer.home_store_id != store.pk:
        _, created = CustomerStoreShare.objects.get_or_create(
            customer=customer, store=store, defaults={"shared_by": by}
        )
        if created:
            audit(by, "customer.shared.sale", customer, store=store)


def next_receipt_number(store: Store, when: dt.datetime) -> str:
    """``S001-20261122-0007``: the store's next number of that local day.

    One UPDATE … RETURNING of the store's counter; its first use on a day starts after
    the sales already recorded that day (counted once). Called before the sale's
    transaction, the counter's row lock ends with the statement, so clerks saving at the
    same moment in one store do not wait for each other. A sale that then fails leaves a
    gap, as typed receipt numbers do.
    """
    day = timezone.localtime(when).date()
    table = connection.ops.quote_name(ReceiptCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last = last + 1 WHERE store_id = %s AND day = %s RETURNING last",
            [store.pk, connection.ops.adapt_datefield_value(day)],
        )
        row = cursor.fetchone()
        if row is None:
            start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
            already = Purchase.objects.filter(
                store=store, purchased_at__gte=start, purchased_at__lt=start + dt.timedelta(days=1)
            ).count()
            cursor.execute(
                f"INSERT INTO {table} (store_id, day, last) VALUES (%s, %s, %s) "
                f"ON CONFLICT (store_id, day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
                [store.pk, connection.ops.adapt_datefield_value(day), already + 1],
            )
            row = cursor.fetchone()
    return f"{store.code}-{day:%Y%m%d}-{row[0]:04d}"


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
    locked: bool = False,
    voucher_code: str = "",
) -> tuple[Purchase, bool]:
    """Record a sale with its lines and update the customer's totals, atomically.

    Returns (purchase, created). The same ``idempotency_key`` twice (a double-clicked
    submit, a retried request) returns the first purchase with created=False: the
    purchase's INSERT skips a row whose key exists, and the first one is returned.
    ``reserved_number`` is a generated receipt number the caller took before opening
    its transaction (see ``next_receipt_number``); ``locked``: the caller holds the
    customer's row lock or created the customer in this transaction. ``voucher_code``: a
    voucher of the customer's, taken off after the member discount and redeemed with the
    sale (refused: ValidationError with code ``"voucher"``, nothing recorded).
    """
    if not lines:
        raise ValidationError(_("A purchase needs at least one line."))
    key = idempotency_key or uuid.uuid4()
    when = purchased_at or timezone.now()
    typed = receipt_number.strip()
    if not typed and not reserved_number and not connection.in_atomic_block:
        reserved_number = next_receipt_number(store, when)
    with transaction.atomic():
        if customer is not None and not locked:
            # The one lock of the sale: points, tier check and follow-up plan downstream
            # read the totals written here, one purchase of a customer at a time.
            customer = Customer.objects.select_for_update().get(pk=customer.pk)
        subtotal = sum((line.total for line in lines), ZERO)
        rate, discount = member_discount(customer, subtotal) if not is_imported else (Decimal(0), ZERO)
        voucher = (
            voucher_discount(customer, store, voucher_code, subtotal - discount, timezone.localdate(when))
            if voucher_code
            else ZERO
        )
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
        # A typed receipt number is the till's own and must be unique; a generated one
        # may meet a typed one, so the next is tried.
        for attempt in range(1 if typed else 5):
            purchase.receipt_number = typed or (reserved_number if attempt == 0 and reserved_number else "")
            purchase.receipt_number = purchase.receipt_number or next_receipt_number(store, when)
            if insert_unless_conflict(purchase):
                break
            existing = recorded_sale(key)
            if existing is not None:
                return existing, False
        else:
            raise ValidationError(
                _("Receipt number %(receipt)s is already recorded in this store.")
                % {"receipt": purchase.receipt_number},
                code="duplicate_receipt",
            )
        if voucher_code:
            hooks.first("redeem_voucher", purchase, voucher_code, voucher)
        PurchaseLine.objects.bulk_create(
            PurchaseLine(
                purchase=purchase,
                item=line.item,
                category=line.category,
                size=line.size,
                colour=line.colour,
                quantity=line.quantity,
                unit_price=line.unit_price,
                line_total=line.total,
            )
            for line in lines
        )
        if customer is not None:
            _add_to_totals(customer, purchase)
            purchase.customer = customer
            if purchase.total > 0:  # a ¥0 "sale" is no reason to open the file to a store
                share_with_store(customer, store, clerk)
        if customer is not None and not is_imported:
            hooks.each("purchase_recorded", purchase)
    return purchase, True


def _add_to_totals(customer: Customer, purchase: Purchase) -> None:
    """The purchase in the customer's totals; the caller holds the customer's row lock, so
    the values read with it are current and are written as they are."""
    when = purchase.purchased_at
    values = {
        "cumulative_spend": customer.cumulative_spend + purchase.total,
        "visit_count": customer.visit_count + (0 if purchase.is_imported else 1),
    }
    if customer.last_purchase_at is None or when > customer.last_purchase_at:
        values["last_purchase_at"] = when
    if customer.member_since is None or timezone.localdate(when) < customer.member_since:
        values["member_since"] = timezone.localdate(when)
    Customer.objects.filter(pk=customer.pk).update(**values)
    for name, value in values.items():
        setattr(customer, name, value)


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
    reserved = "" if receipt_number.strip() else next_receipt_number(store, now)
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
            # Created in this transaction: no other can see the row, so it is not locked.
            return record_purchase(customer=customer, locked=True, **sale)
    except DuplicateCustomer:
        # The other click of a double click may have committed meanwhile.
        existing = recorded_sale(idempotency_key)
        if existing is not None:
            return existing, False
        raise
