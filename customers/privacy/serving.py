"""Serving a customer of another store at the till.

A full mobile number typed at another store's till shows only a masked name and tier.
To serve the customer the clerk has a 6-digit code sent by SMS to that number; the
customer reads it out. The code lives 10 minutes and allows 3 tries; codes are limited
per clerk and per customer each hour. A verified code lets this clerk record sales for
the customer for a while (a signed token in the sale page's address, never the number),
and only a recorded sale with a positive total shares the file with the store
(``customers.services.record_purchase``). Head office may also share a customer.

Full-number lookups are limited per clerk (``KEDANG_TILL_FULL_LOOKUPS_PER_HOUR``) and
each one is an audit event (without the number).
"""

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm import hooks
from crm.access import audit
from crm.models import AuditEvent, Store
from customers.models import Customer, CustomerStoreShare
from customers.privacy.models import ServeCode

LOOKUP_ACTION = "customer.lookup.full_mobile"
_ELSEWHERE_SALT = "customers.serve.elsewhere"
_SALE_SALT = "customers.serve.sale"


class ServeRefused(Exception):
    """A code could not be sent or checked; ``code`` says why (a stored code, not a sentence)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class FullLookup:
    customer: Customer | None
    limited: bool = False


def _hour_ago() -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=1)


def full_lookups_left(user) -> int:
    used = AuditEvent.objects.filter(actor=user, action=LOOKUP_ACTION, at__gte=_hour_ago()).count()
    return max(settings.KEDANG_TILL_FULL_LOOKUPS_PER_HOUR - used, 0)


def lookup_full_mobile(user, store: Store | None, mobile: str) -> FullLookup:
    """The chain-wide customer with this full (normalised) mobile, counted and logged."""
    if full_lookups_left(user) <= 0:
        audit(user, "customer.lookup.limited", store=store)
        return FullLookup(None, limited=True)
    customer = Customer.objects.filter(mobile=mobile).select_related("home_store").first()
    audit(user, LOOKUP_ACTION, customer, store=store, found=customer is not None)
    return FullLookup(customer)


# --- tokens: the chosen customer, never their number, travels in forms and addresses ------


def elsewhere_token(customer: Customer, user) -> str:
    return signing.dumps({"c": customer.pk, "u": user.pk}, salt=_ELSEWHERE_SALT, compress=True)


def sale_token(customer: Customer, user) -> str:
    return signing.dumps({"c": customer.pk, "u": user.pk}, salt=_SALE_SALT, compress=True)


def _customer_from(token: str, user, salt: str, max_age: int) -> Customer | None:
    try:
        data = signing.loads(str(token), salt=salt, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("u") != user.pk or not isinstance(data.get("c"), int):
        return None
    return Customer.objects.select_related("home_store").filter(pk=data["c"]).first()


def customer_from_elsewhere_token(token: str, user) -> Customer | None:
    return _customer_from(token, user, _ELSEWHERE_SALT, settings.KEDANG_SERVE_CODE_MINUTES * 60 * 3)


def customer_for_sale(token: str, user, store: Store) -> Customer | None:
    """The customer a verified code lets ``user`` serve at ``store``, or None."""
    customer = _customer_from(token, user, _SALE_SALT, settings.KEDANG_SERVE_SALE_MINUTES * 60)
    if customer is None:
        return None
    since = timezone.now() - dt.timedelta(minutes=settings.KEDANG_SERVE_SALE_MINUTES)
    verified = ServeCode.objects.filter(customer=customer, store=store, clerk=user, verified_at__gte=since).exists()
    return customer if verified else None


# --- the code -------------------------------------------------------------------------------


def _digest(customer_id: int, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"serve:{customer_id}:{code}".encode(), hashlib.sha256).hexdigest()


def _code_text(code: str, store: Store) -> str:
    with translation.override("zh-hans"):
        return _(
            "Your verification code is %(code)s, valid for %(minutes)s minutes. Give it to the clerk at %(store)s only if you are there now."
        ) % {"code": code, "minutes": settings.KEDANG_SERVE_CODE_MINUTES, "store": store.name}


def send_code(customer: Customer, store: Store, clerk) -> ServeCode:
    """Send a new code to the customer's mobile. Raises ServeRefused when limited."""
    if not customer.mobile:
        raise ServeRefused("no_mobile")
    hour_ago = _hour_ago()
    if (
        ServeCode.objects.filter(clerk=clerk, created_at__gte=hour_ago).count()
        >= settings.KEDANG_SERVE_CODES_PER_CLERK_HOUR
    ):
        raise ServeRefused("clerk_limit")
    if (
        ServeCode.objects.filter(customer=customer, created_at__gte=hour_ago).count()
        >= settings.KEDANG_SERVE_CODES_PER_CUSTOMER_HOUR
    ):
        raise ServeRefused("customer_limit")
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    row = ServeCode.objects.create(
        customer=customer,
        store=store,
        clerk=clerk,
        code_hash=_digest(customer.pk, code),
        expires_at=now + dt.timedelta(minutes=settings.KEDANG_SERVE_CODE_MINUTES),
    )
    sent = hooks.first(
        "send_transactional_sms",
        customer=customer,
        store=store,
        text=_code_text(code, store),
        masked_text=_code_text("******", store),
        key=f"serve:{row.pk}",
    )
    row.sent = bool(sent)
    row.save(update_fields=["sent"])
    audit(clerk, "customer.serve_code.sent", customer, store=store, sent=row.sent)
    if not row.sent:
        raise ServeRefused("not_sent")
    return row


def verify_code(customer: Customer, store: Store, clerk, code: str) -> None:
    """Check the code the customer read out; raises ServeRefused unless it matches."""
    with transaction.atomic():
        row = (
            ServeCode.objects.select_for_update()
            .filter(customer=customer, store=store, clerk=clerk, verified_at__isnull=True, sent=True)
            .order_by("-created_at")
            .first()
        )
        if row is None or row.expires_at <= timezone.now():
            raise ServeRefused("expired")
        if row.attempts >= settings.KEDANG_SERVE_CODE_TRIES:
            raise ServeRefused("no_tries_left")
        row.attempts += 1
        matches = hmac.compare_digest(row.code_hash, _digest(customer.pk, code))
        if matches:
            row.verified_at = timezone.now()
        row.save(update_fields=["attempts", "verified_at"])
        audit(clerk, "customer.serve_code.checked", customer, store=store, ok=matches, attempt=row.attempts)
    if not matches:
        raise ServeRefused("wrong_code" if row.attempts < settings.KEDANG_SERVE_CODE_TRIES else "no_tries_left")


def share_by_head_office(customer: Customer, store: Store, by) -> bool:
    """Head office shares a customer with another store. Returns False if already shared."""
    if customer.home_store_id == store.pk:
        return False
    with transaction.atomic():
        _, created = CustomerStoreShare.objects.get_or_create(
            customer=customer, store=store, defaults={"shared_by": by}
        )
        if created:
            audit(by, "customer.shared.head_office", customer, store=store)
    return created


REFUSAL_MESSAGES = {
    "no_mobile": gettext_lazy("This customer has no mobile number to send a code to."),
    "clerk_limit": gettext_lazy("You have sent too many codes this hour. Try again later or ask head office."),
    "customer_limit": gettext_lazy("Too many codes were sent to this customer this hour. Try again later."),
    "not_sent": gettext_lazy("The SMS could not be sent. Try again in a moment."),
    "expired": gettext_lazy("The code has expired or was never sent: send a new code."),
    "wrong_code": gettext_lazy("The code is not right. Ask the customer to read it again."),
    "no_tries_left": gettext_lazy("Too many wrong codes: send a new code."),
}


@dataclass(frozen=True)
class TillSearch:
    results: list
    elsewhere: Customer | None = None
    limited: bool = False


def till_search(user, store: Store | None, text: str) -> TillSearch:
    """The user's own customers by name, part of a mobile or card number; for a full
    mobile number, also the one chain-wide match (shown masked), counted and logged."""
    from customers.validators import normalise_mobile

    text = (text or "").strip()
    if not text:
        return TillSearch([])
    results = list(Customer.objects.visible_to(user).search(text).select_related("home_store")[:10])
    try:
        mobile = normalise_mobile(text)
    except ValidationError:
        return TillSearch(results)
    found = lookup_full_mobile(user, store, mobile)
    elsewhere = found.customer if found.customer and all(c.pk != found.customer.pk for c in results) else None
    return TillSearch(results, elsewhere, found.limited)
