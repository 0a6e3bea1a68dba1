"""The points ledger and gifts: the only writers of points and gift stock.

Every write locks the customer row first (the same lock ``record_purchase`` holds), then
moves the account balance and appends the ledger line in one transaction, so the balance
always equals the ledger sum. The database refuses a negative balance or stock, and a
second write with the same idempotency key returns the first.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access import audit
from crm.db import insert_unless_conflict
from customers.models import Customer, Purchase
from loyalty.models import EntryKind, Gift, GiftRedemption, PointsAccount, PointsEntry


class PointsError(ValidationError):
    """A points operation the rules refuse (balance or stock too low, bad amount)."""


@dataclass(frozen=True)
class ReversalResult:
    points_reversed: int
    points_unrecovered: int
    entry: PointsEntry | None = None


def earn_rate() -> Decimal:
    """Points per CNY; settings refuses a value that is not a number >= 0 at start-up."""
    return Decimal(str(settings.LOYALTY_POINTS_PER_CNY))


def expiry_days() -> int:
    return settings.LOYALTY_POINTS_EXPIRE_DAYS


def points_for_amount(amount: Decimal) -> int:
    """Points a purchase of ``amount`` earns: the earn rate per CNY, rounded down."""
    if amount <= 0:
        return 0
    return int((amount * earn_rate()).to_integral_value(rounding=ROUND_FLOOR))


def points_balance(customer: Customer) -> int:
    return PointsAccount.objects.filter(customer_id=customer.pk).values_list("balance", flat=True).first() or 0


def ledger_sum(customer: Customer) -> int:
    return PointsEntry.objects.filter(customer_id=customer.pk).aggregate(total=Sum("points"))["total"] or 0


# --- the one write path -----------------------------------------------------------------


def _lock(customer: Customer) -> PointsAccount:
    """Lock the customer, then their points account (created on first use)."""
    Customer.objects.select_for_update().filter(pk=customer.pk).values_list("pk", flat=True).get()
    PointsAccount.objects.bulk_create([PointsAccount(customer_id=customer.pk)], ignore_conflicts=True)
    return PointsAccount.objects.select_for_update().get(customer_id=customer.pk)


def _existing(key: str) -> PointsEntry | None:
    return PointsEntry.objects.filter(idempotency_key=key).first()


def _spend_lots(customer_id: int, points: int) -> None:
    """Take ``points`` from the oldest points still held (first in, first out)."""
    left = points
    lots = PointsEntry.objects.filter(customer_id=customer_id, remaining__gt=0).order_by("at", "id")
    for lot in lots.only("pk", "remaining"):
        if left <= 0:
            break
        take = min(lot.remaining, left)
        PointsEntry.objects.filter(pk=lot.pk).update(remaining=F("remaining") - take)
        left -= take


def _append(
    account: PointsAccount,
    *,
    kind: str,
    points: int,
    key: str,
    reason: str,
    by,
    purchase: Purchase | None = None,
    unrecovered: int = 0,
    at: dt.datetime | None = None,
    spend_oldest: bool = True,
) -> PointsEntry:
    """Move the balance by ``points`` and write the ledger line. Caller holds the lock."""
    new_balance = account.balance + points
    if new_balance < 0:
        raise PointsError(
            _("Not enough points: the balance is %(balance)s, %(needed)s are needed.")
            % {"balance": account.balance, "needed": -points},
            code="insufficient_points",
        )
    when = at or timezone.now()
    receiving = points > 0
    days = expiry_days()
    entry = PointsEntry.objects.create(
        customer_id=account.customer_id,
        kind=kind,
        points=points,
        balance_after=new_balance,
        reason=reason[:200],
        by=by if by is not None and getattr(by, "is_authenticated", False) else None,
        at=when,
        idempotency_key=key,
        purchase=purchase,
        unrecovered=unrecovered,
        remaining=points if receiving else 0,
        expires_on=timezone.localdate(when) + dt.timedelta(days=days) if receiving and days else None,
    )
    if points < 0 and spend_oldest:
        _spend_lots(account.customer_id, -points)
    if points:
        PointsAccount.objects.filter(pk=account.pk).update(balance=F("balance") + points)
        account.balance = new_balance
    return entry


# --- public operations ------------------------------------------------------------------


def earn_points(customer: Customer, points: int, *, reason: str, by, key: str, purchase=None) -> PointsEntry:
    if points < 0:
        raise PointsError(_("Points earned cannot be negative."), code="negative_earn")
    with transaction.atomic():
        account = _lock(customer)
        if (existing := _existing(key)) is not None:
            return existing
        return _append(account, kind=EntryKind.EARN, points=points, key=key, reason=reason, by=by, purchase=purchase)


def earn_for_purchase(purchase: Purchase) -> PointsEntry | None:
    """Points for an identified, real (not imported) purchase; once per purchase."""
    if purchase.customer_id is None or purchase.is_imported:
        return None
    points = points_for_amount(purchase.total)
    return earn_points(
        purchase.customer,
        points,
        reason=_("Purchase %(receipt)s") % {"receipt": purchase.receipt_number},
        by=purchase.clerk,
        key=f"purchase:{purchase.idempotency_key}",
        purchase=purchase,
    )


def earn_for_new_purchase(purchase: Purchase, also: list[tuple[str, list]] = ()) -> PointsEntry | None:
    """``earn_for_purchase`` for a purchase just recorded, whose transaction holds the
    customer's row lock: the ledger line is inserted unless its key exists (the balance
    after it read in the same statement), then the account moved, without a second lock
    or a savepoint. A second call for the purchase returns the first line. ``also``: more
    statements written with the line (``crm.db.insert_unless_conflict``'s ``then``)."""
    if purchase.customer_id is None or purchase.is_imported:
        return None
    points = points_for_amount(purchase.total)
    when = timezone.now()
    days = expiry_days()
    by = purchase.clerk
    table = connection.ops.quote_name(PointsAccount._meta.db_table)
    balance = (
        f"COALESCE((SELECT balance FROM {table} WHERE customer_id = %s), 0) + %s",
        [purchase.customer_id, points],
    )
    entry = PointsEntry(
        customer_id=purchase.customer_id,
        kind=EntryKind.EARN,
        points=points,
        reason=(_("Purchase %(receipt)s") % {"receipt": purchase.receipt_number})[:200],
        by=by if by is not None and getattr(by, "is_authenticated", False) else None,
        at=when,
        idempotency_key=f"purchase:{purchase.idempotency_key}",
        purchase=purchase,
        remaining=points,
        expires_on=timezone.localdate(when) + dt.timedelta(days=days) if points and days else None,
    )
    account = (
        f"INSERT INTO {table} (customer_id, balance, updated_at) SELECT %s, %s, %s FROM inserted WHERE true "
        f"ON CONFLICT (customer_id) DO UPDATE SET balance = {table}.balance + EXCLUDED.balance, "
        "updated_at = EXCLUDED.updated_at",
        [purchase.customer_id, points, connection.ops.adapt_datetimefield_value(when)],
    )
    # The ledger line and the account's move in one statement (the account only if the line is new).
    # balance_after is worked out by the database: read back only if asked for.
    if not insert_unless_conflict(entry, then=[account, *also], computed={"balance_after": balance}):
        return _existing(entry.idempotency_key)
    return entry


def open_balance(customer: Customer, points: int, *, by, key: str) -> PointsEntry:
    """Points brought over from a store's spreadsheet."""
    if points < 0:
        raise PointsError(_("An opening balance cannot be negative."), code="negative_opening")
    with transaction.atomic():
        account = _lock(customer)
        if (existing := _existing(key)) is not None:
            return existing
        return _append(
            account, kind=EntryKind.OPENING, points=points, key=key, reason=_("Opening balance (import)"), by=by
        )


def adjust_points(customer: Customer, points: int, *, reason: str, by, key: str) -> PointsEntry:
    """A correction by hand, up or down; never below zero."""
    if not points:
        raise PointsError(_("Enter a number of points other than zero."), code="zero_adjustment")
    if not (reason or "").strip():
        raise PointsError(_("Give a reason for the adjustment."), code="reason_required")
    with transaction.atomic():
        account = _lock(customer)
        if (existing := _existing(key)) is not None:
            return existing
        entry = _append(account, kind=EntryKind.ADJUST, points=points, key=key, reason=reason.strip(), by=by)
        audit(by, "loyalty.points_adjusted", customer, store=customer.home_store, points=points, reason=reason)
        return entry


def redeem_gift(customer: Customer, gift: Gift, *, quantity: int = 1, by, key: str, store=None) -> GiftRedemption:
    """Spend points on ``quantity`` of ``gift``: ledger line and stock in one transaction."""
    if quantity < 1:
        raise PointsError(_("Redeem at least one gift."), code="bad_quantity")
    with transaction.atomic():
        account = _lock(customer)
        if (existing := _existing(key)) is not None:
            return existing.redemption
        gift = Gift.objects.get(pk=gift.pk)
        if not gift.is_active:
            raise PointsError(_("This gift is no longer offered."), code="gift_inactive")
        cost = gift.points_price * quantity
        if account.balance < cost:
            raise PointsError(
                _("Not enough points: %(name)s needs %(needed)s points, the customer has %(balance)s.")
                % {"name": gift.name, "needed": cost, "balance": account.balance},
                code="insufficient_points",
            )
        if not Gift.objects.filter(pk=gift.pk, stock__gte=quantity).update(stock=F("stock") - quantity):
            raise PointsError(
                _("Not enough %(name)s in stock (%(stock)s left).") % {"name": gift.name, "stock": gift.stock},
                code="out_of_stock",
            )
        entry = _append(
            account,
            kind=EntryKind.REDEEM,
            points=-cost,
            key=key,
            reason=_("%(name)s × %(quantity)s") % {"name": gift.name, "quantity": quantity},
            by=by,
        )
        return GiftRedemption.objects.create(
            customer=customer,
            gift=gift,
            quantity=quantity,
            points=cost,
            store=store or customer.home_store,
            by=by if by is not None and getattr(by, "is_authenticated", False) else None,
            entry=entry,
        )


def points_earned_on(purchase: Purchase) -> int:
    return (
        PointsEntry.objects.filter(purchase=purchase, kind=EntryKind.EARN).aggregate(total=Sum("points"))["total"] or 0
    )


def reverse_purchase_points(purchase: Purchase, *, amount: Decimal, by, key: str) -> ReversalResult:
    """Take back the points earned on ``amount`` of ``purchase`` (a return).

    The share is floor(points earned × amount / purchase total), never more than what
    that purchase earned less what earlier reversals of it took back. The balance never
    goes below zero: what was already spent is not taken and is recorded on the ledger
    line as ``unrecovered``.
    """
    if purchase.customer_id is None:
        return ReversalResult(0, 0)
    amount = Decimal(amount)
    if amount <= 0:
        raise PointsError(_("The returned amount must be more than zero."), code="bad_amount")
    with transaction.atomic():
        account = _lock(purchase.customer)
        if (existing := _existing(key)) is not None:
            return ReversalResult(-existing.points, existing.unrecovered, existing)
        earned = points_earned_on(purchase)
        already = PointsEntry.objects.filter(purchase=purchase, kind=EntryKind.REVERSE).aggregate(
            taken=Sum("points"), lost=Sum("unrecovered")
        )
        claimed = -(already["taken"] or 0) + (already["lost"] or 0)
        share = (
            int((earned * min(amount, purchase.total) / purchase.total).to_integral_value(ROUND_FLOOR))
            if (purchase.total > 0)
            else 0
        )
        due = max(0, min(share, earned - claimed))
        taken = min(due, account.balance)
        entry = _append(
            account,
            kind=EntryKind.REVERSE,
            points=-taken,
            key=key,
            reason=_("Return on %(receipt)s: %(amount)s CNY") % {"receipt": purchase.receipt_number, "amount": amount},
            by=by,
            purchase=purchase,
            unrecovered=due - taken,
        )
        return ReversalResult(taken, due - taken, entry)


def expire_points(day: dt.date) -> dict:
    """Expire what is left of points whose date has passed (only when expiry is on)."""
    if not expiry_days():
        return {"expired_entries": 0, "points": 0}
    customer_ids = (
        PointsEntry.objects.filter(remaining__gt=0, expires_on__lt=day).values_list("customer_id", flat=True).distinct()
    )
    entries = total = 0
    for customer_id in list(customer_ids):
        with transaction.atomic():
            account = _lock(Customer(pk=customer_id))
            lots = PointsEntry.objects.filter(customer_id=customer_id, remaining__gt=0, expires_on__lt=day)
            for lot in lots.order_by("at", "id"):
                lost = min(lot.remaining, account.balance)
                PointsEntry.objects.filter(pk=lot.pk).update(remaining=0)
                key = f"expire:{lot.pk}"
                if lost and _existing(key) is None:
                    _append(
                        account,
                        spend_oldest=False,
                        kind=EntryKind.EXPIRE,
                        points=-lost,
                        key=key,
                        reason=_("Points earned on %(day)s expired") % {"day": timezone.localdate(lot.at)},
                        by=None,
                    )
                    entries += 1
                    total += lost
    return {"expired_entries": entries, "points": total}


def points_to_next_gift(customer: Customer) -> tuple[Gift, int] | None:
    """The cheapest gift in stock the customer cannot yet afford, and the points missing."""
    balance = points_balance(customer)
    gift = (
        Gift.objects.filter(is_active=True, stock__gt=0, points_price__gt=balance)
        .order_by("points_price", "pk")
        .first()
    )
    return (gift, gift.points_price - balance) if gift else None
