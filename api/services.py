"""What the POS asks of Kedang, done by the same services as the web till.

A key acts for one store, as a clerk of that store would: it sees that store's customers
(and those shared with it) and finds another store's customer only by the full mobile
number the customer gives at the till, masked (name and tier), each such lookup logged
and limited per key like a clerk's at the till. To sell to that customer the POS has
Kedang text them a code (``customers.privacy.serving``, the till's own rule) and sends
the token a verified code gives with the sale. A sale goes through
``customers.services.checkout`` (points, tier check and follow-up plan come from the
``purchase_recorded`` receivers, exactly as at the till), a return through
``complaints.returns.record_return``.

The POS receipt number is the idempotency key of its sale: the purchase's key is a UUID
derived from (store, receipt number), so a POS that retries after a timeout, or posts
the same receipt twice at the same moment, gets the first purchase back.
"""

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ApiKey
from complaints.models import ProductReturn
from complaints.returns import ReturnItem, record_return
from crm import hooks
from crm.access import audit
from crm.models import AuditEvent, Role, Store
from customers.models import Customer, Purchase, PurchaseLine
from customers.privacy import serving
from customers.services import LineData, checkout, find_by_mobile
from customers.validators import normalise_mobile
from loyalty import services as loyalty
from loyalty.models import CardApplication, EntryKind, PointsEntry

RECEIPT_NAMESPACE = uuid.UUID("5b0f6c1e-8d0e-4f0a-9a53-6b1d2c7e4a10")


class ApiRefusal(Exception):
    """A request the rules refuse: ``status`` (400, 403, 404, 409) and a message."""

    def __init__(self, status: int, message: str, code: str = ""):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code


def receipt_key(store: Store, receipt_number: str) -> uuid.UUID:
    """The purchase idempotency key of a POS receipt (the API and the POS export share it)."""
    return uuid.uuid5(RECEIPT_NAMESPACE, f"{store.pk}:{receipt_number.strip()}")


def return_key(store: Store, return_number: str) -> uuid.UUID:
    return uuid.uuid5(RECEIPT_NAMESPACE, f"return:{store.pk}:{return_number.strip()}")


# --- members ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    customer: Customer
    own: bool  # a customer the key's store sees in full


def find_member(store: Store, *, mobile: str = "", card_number: str = "", key: ApiKey | None = None) -> Match | None:
    """As at the till: the store's own customers by mobile or card number; another
    store's customer only by the full mobile number, and then masked. With ``key``, a
    chain-wide match is logged and counted against the key's hourly allowance."""
    visible = Customer.objects.of_store(store)
    if card_number:
        customer = visible.filter(card_number__iexact=card_number.strip()).first()
        return Match(customer, True) if customer else None
    normalised = _mobile(mobile)
    customer = visible.filter(mobile=normalised).first()
    if customer is not None:
        return Match(customer, True)
    customer = find_by_mobile(normalised)
    if customer is not None and key is not None:
        _count_chain_lookup(key, customer)
    return Match(customer, False) if customer else None


def _mobile(mobile: str) -> str:
    try:
        return normalise_mobile(mobile)
    except ValidationError:
        raise ApiRefusal(400, _("This is not a valid mobile number."), "bad_mobile") from None


def _count_chain_lookup(key: ApiKey, customer: Customer) -> None:
    since = timezone.now() - dt.timedelta(hours=1)
    used = AuditEvent.objects.filter(
        action=serving.LOOKUP_ACTION, actor=None, store=key.store, detail__api_key_id=key.pk, at__gte=since
    ).count()
    if used >= settings.KEDANG_TILL_FULL_LOOKUPS_PER_HOUR:
        audit(None, "customer.lookup.limited", store=key.store, api_key=key.name, api_key_id=key.pk)
        raise ApiRefusal(429, _("Too many lookups of other stores' customers this hour."), "lookup_limit")
    audit(None, serving.LOOKUP_ACTION, customer, store=key.store, found=True, api_key=key.name, api_key_id=key.pk)


# --- serving another store's customer: the till's SMS code --------------------------------


def _other_store_customer(key: ApiKey, mobile: str) -> Customer:
    match = find_member(key.store, mobile=mobile)
    if match is None or match.own:
        raise ApiRefusal(404, _("No customer of another store has this mobile number."), "not_found")
    return match.customer


def send_serve_code(key: ApiKey, *, mobile: str, staff_code: str) -> None:
    """Text the customer of another store a code to read out to the clerk."""
    clerk = serving_clerk(key.store, staff_code)
    customer = _other_store_customer(key, mobile)
    try:
        serving.send_code(customer, key.store, clerk)
    except serving.ServeRefused as refusal:
        status = 429 if refusal.code.endswith("_limit") else 409
        raise ApiRefusal(status, str(serving.REFUSAL_MESSAGES[refusal.code]), refusal.code) from None
    audit(None, "api.serve_code_sent", customer, store=key.store, api_key=key.name)


def verify_serve_code(key: ApiKey, *, mobile: str, staff_code: str, code: str) -> str:
    """Check the code; returns the token the sale carries to be recorded for the customer."""
    clerk = serving_clerk(key.store, staff_code)
    customer = _other_store_customer(key, mobile)
    try:
        serving.verify_code(customer, key.store, clerk, code)
    except serving.ServeRefused as refusal:
        audit(None, "api.serve_code_refused", customer, store=key.store, api_key=key.name, reason=refusal.code)
        raise ApiRefusal(403, str(serving.REFUSAL_MESSAGES[refusal.code]), refusal.code) from None
    audit(None, "api.serve_code_verified", customer, store=key.store, api_key=key.name)
    return serving.sale_token(customer, clerk)


def _sale_customer(key: ApiKey, clerk, *, mobile: str, card_number: str, serve_token: str) -> Customer | None:
    if serve_token:
        customer = serving.customer_for_sale(serve_token, clerk, key.store)
        if customer is None:
            raise ApiRefusal(403, _("The serving token is not valid for this clerk (any more)."), "serve_token")
        return customer
    match = find_member(key.store, mobile=mobile, card_number=card_number) if (mobile or card_number) else None
    if match is not None and not match.own:
        raise ApiRefusal(
            403,
            _("A customer of another store: send them a code (members/serve-code) and sell with its token."),
            "other_store",
        )
    return match.customer if match else None


def member_summary(match: Match) -> dict:
    customer = match.customer
    # The rate checkout applies (the same hook), so the POS prices the sale as Kedang records it.
    rate = Decimal(hooks.first("discount_rate", customer, default=0))
    summary = {
        "member_id": None,
        "own_store": match.own,
        "masked_name": customer.masked_name(),
        "tier": customer.tier,
        "discount_rate": rate,
        "card_number": None,
        "points_balance": None,
        "points_to_next_gift": None,
        "next_gift": None,
        "next_card": None,
    }
    if not match.own:
        return summary
    gift = loyalty.points_to_next_gift(customer)
    gap = loyalty.next_tier_gap(customer)
    summary.update(
        member_id=customer.pk,
        card_number=customer.card_number or None,
        points_balance=loyalty.points_balance(customer),
        points_to_next_gift=gift[1] if gift else None,
        next_gift=gift[0].name if gift else None,
        next_card=(
            {
                "tier": gap["tier"],
                "single_purchase_needed": gap["single_needed"],
                "cumulative_spend_needed": gap["cumulative_needed"],
                "window_days": gap["window_days"],
                "eligible": gap["eligible"],
            }
            if gap
            else None
        ),
    )
    return summary


def own_member(store: Store, member_id: int) -> Customer:
    customer = Customer.objects.of_store(store).filter(pk=member_id).first()
    if customer is None:
        raise ApiRefusal(404, _("No such member in this store."), "not_found")
    return customer


def points_history(customer: Customer, limit: int = 100) -> list[PointsEntry]:
    return list(PointsEntry.objects.filter(customer=customer).order_by("-at", "-pk")[:limit])


def card_applications(customer: Customer) -> list[CardApplication]:
    return list(CardApplication.objects.filter(customer=customer).order_by("-created_at", "-pk")[:20])


# --- sales -----------------------------------------------------------------------------


def serving_clerk(store: Store, staff_code: str):
    """The clerk or manager of ``store`` whose Kedang login is ``staff_code``."""
    clerk = (
        get_user_model()
        .objects.filter(
            username=staff_code.strip(),
            is_active=True,
            staff__store=store,
            staff__role__in=[Role.CLERK, Role.MANAGER],
        )
        .first()
    )
    if clerk is None:
        raise ApiRefusal(400, _("No clerk of this store has the staff code %(code)s.") % {"code": staff_code}, "clerk")
    return clerk


def _check_store(key: ApiKey, store_code: str) -> Store:
    if store_code.strip() != key.store.code:
        raise ApiRefusal(403, _("This key acts only for store %(store)s.") % {"store": key.store.code}, "store")
    return key.store


@dataclass(frozen=True)
class SaleResult:
    purchase: Purchase
    created: bool
    points_earned: int
    points_balance: int | None
    application: CardApplication | None


def record_sale(
    key: ApiKey,
    *,
    store_code: str,
    staff_code: str,
    receipt_number: str,
    lines: list[LineData],
    purchased_at: dt.datetime | None = None,
    mobile: str = "",
    card_number: str = "",
    serve_token: str = "",
    note: str = "",
    voucher_code: str = "",
) -> SaleResult:
    """Record a POS sale once per (store, receipt number); an unknown member is an
    anonymous sale (it counts against the store's data-capture rate, as at the till)."""
    store = _check_store(key, store_code)
    clerk = serving_clerk(store, staff_code)
    customer = _sale_customer(key, clerk, mobile=mobile, card_number=card_number, serve_token=serve_token)
    when = purchased_at or timezone.now()
    if when > timezone.now() + dt.timedelta(minutes=10):
        raise ApiRefusal(400, _("The time of sale is in the future."), "future")
    try:
        purchase, created = checkout(
            store=store,
            clerk=clerk,
            lines=lines,
            idempotency_key=receipt_key(store, receipt_number),
            customer=customer,
            receipt_number=receipt_number,
            note=note,
            purchased_at=when,
            voucher_code=voucher_code,
        )
    except ValidationError as error:
        code = getattr(error, "code", "")
        code = code if code in ("duplicate_receipt", "voucher") else "invalid"
        raise ApiRefusal(409 if code == "duplicate_receipt" else 400, " ".join(error.messages), code) from None
    if created:
        audit(None, "api.sale_recorded", purchase, store=store, api_key=key.name, receipt=purchase.receipt_number)
    return sale_result(purchase, created)


def sale_result(purchase: Purchase, created: bool) -> SaleResult:
    customer = purchase.customer
    earned = (
        PointsEntry.objects.filter(purchase=purchase, kind=EntryKind.EARN).aggregate(s=Sum("points"))["s"] or 0
        if customer
        else 0
    )
    application = CardApplication.objects.open().filter(customer=customer).first() if customer else None
    return SaleResult(
        purchase=purchase,
        created=created,
        points_earned=earned,
        points_balance=loyalty.points_balance(customer) if customer else None,
        application=application,
    )


def store_sale(store: Store, receipt_number: str) -> Purchase:
    purchase = Purchase.objects.filter(store=store, receipt_number=receipt_number.strip()).first()
    if purchase is None:
        raise ApiRefusal(404, _("No sale with this receipt number in this store."), "not_found")
    return purchase


def record_pos_return(
    key: ApiKey, *, receipt_number: str, return_number: str, staff_code: str, items: list[tuple[int, int]], reason=""
) -> tuple[ProductReturn, bool]:
    """Take back ``items`` ((line id, quantity)) of an earlier sale of the key's store,
    once per return number; points are reversed as a return at the web till does."""
    store = key.store
    purchase = store_sale(store, receipt_number)
    clerk = serving_clerk(store, staff_code)
    lines = {line.pk: line for line in PurchaseLine.objects.filter(purchase=purchase)}
    try:
        chosen = [ReturnItem(line=lines[line_id], quantity=quantity) for line_id, quantity in items]
    except KeyError:
        raise ApiRefusal(400, _("That line is not part of this purchase."), "line") from None
    try:
        product_return, created = record_return(
            purchase=purchase, items=chosen, by=clerk, reason=reason, key=return_key(store, return_number)
        )
    except ValidationError as error:
        raise ApiRefusal(400, " ".join(error.messages), "invalid") from None
    if created:
        audit(None, "api.return_recorded", purchase, store=store, api_key=key.name, return_number=return_number)
    return product_return, created
