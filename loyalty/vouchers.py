"""Voucher services: issue, check, redeem (once, atomically), give back on a return, issue
by the benefits matrix's rules, and the figures head office reads.

Redemption is a conditional UPDATE (``status='issued'`` and valid today → ``redeemed``), so of
two tills redeeming one code at the same moment exactly one wins; the other gets
``VoucherRefused``. Rule issuance is one INSERT per batch under the unique ``issue_key``
(``birthday:<type>:<customer>:<year>``): running a day twice, or every day of the month,
issues each voucher once.
"""

import calendar
import datetime as dt
import secrets
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access import audit
from customers.models import Customer, Purchase
from loyalty.models import TierBenefit
from loyalty.voucher_models import Voucher, VoucherKind, VoucherRule, VoucherSource, VoucherStatus, VoucherType

CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY345679"  # no 0/O, 1/I, 2/Z, 8/B: read aloud at the till
CODE_LENGTH = 10
CENT = Decimal("0.01")
BATCH = 2000


# The benefits table's two vouchers (seed 003: 生日代金券, 结婚纪念礼品), as head office
# finds them before setting its own values; the data migration creates them.
DEFAULT_TYPES = [
    {
        "name": "生日代金券",
        "kind": "amount",
        "amount": Decimal("100.00"),
        "min_spend": Decimal("500.00"),
        "rule": "birthday_voucher",
    },
    {
        "name": "结婚纪念礼品",
        "kind": "gift",
        "gift": "结婚纪念礼品",
        "min_spend": Decimal("0.00"),
        "rule": "anniversary_gift",
    },
]


class VoucherRefused(ValueError):
    """The voucher cannot be used for this sale; ``str()`` is the message for the clerk."""


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch.isascii() and ch.isalnum())[:16]


def _validity(vtype: VoucherType, day: dt.date, until: dt.date | None = None) -> tuple[dt.date, dt.date]:
    return day, until or day + dt.timedelta(days=max(vtype.valid_days, 1) - 1)


def issue(
    vtype: VoucherType,
    customer: Customer,
    *,
    source: str,
    by=None,
    reason: str = "",
    key: str | None = None,
    day: dt.date | None = None,
    until: dt.date | None = None,
) -> Voucher:
    """One voucher for ``customer``; with ``key``, issuing again returns the first one."""
    day = day or timezone.localdate()
    if source == VoucherSource.MANUAL and not reason.strip():
        raise VoucherRefused(_("Give the reason for a voucher issued by hand."))
    valid_from, valid_until = _validity(vtype, day, until)
    fields = {
        "type": vtype,
        "customer": customer,
        "store": customer.home_store,
        "source": source,
        "reason": reason,
        "issued_by": by,
        "valid_from": valid_from,
        "valid_until": valid_until,
    }
    with transaction.atomic():
        if key:
            voucher, created = Voucher.objects.get_or_create(issue_key=key, defaults={"code": new_code(), **fields})
        else:
            voucher, created = Voucher.objects.create(code=new_code(), **fields), True
        if created:
            audit(by, "loyalty.voucher.issue", voucher, store=customer.home_store, source=source, reason=reason)
    return voucher


def discount_for(voucher: Voucher, subtotal: Decimal) -> Decimal:
    """What the voucher takes off ``subtotal`` (a gift takes nothing off the price)."""
    vtype = voucher.type
    if vtype.kind == VoucherKind.AMOUNT:
        value = vtype.amount
    elif vtype.kind == VoucherKind.PERCENT:
        value = (subtotal * vtype.percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
        if vtype.cap is not None:
            value = min(value, vtype.cap)
    else:
        value = Decimal("0.00")
    return min(value, subtotal).quantize(CENT)


def check(voucher: Voucher, *, customer: Customer | None, store, subtotal: Decimal, day: dt.date) -> Decimal:
    """The discount, or ``VoucherRefused`` saying why the voucher cannot be used."""
    if customer is None or voucher.customer_id != customer.pk:
        raise VoucherRefused(_("This voucher belongs to another customer."))
    if voucher.status == VoucherStatus.REDEEMED:
        raise VoucherRefused(_("This voucher has already been used."))
    if voucher.status != VoucherStatus.ISSUED:
        raise VoucherRefused(_("This voucher has been cancelled."))
    if day > voucher.valid_until:
        raise VoucherRefused(
            _("This voucher expired on %(date)s.") % {"date": voucher.valid_until.strftime("%Y-%m-%d")}
        )
    if day < voucher.valid_from:
        raise VoucherRefused(
            _("This voucher can be used from %(date)s.") % {"date": voucher.valid_from.strftime("%Y-%m-%d")}
        )
    store_ids = {s.pk for s in voucher.type.stores.all()}
    if store_ids and store.pk not in store_ids:
        raise VoucherRefused(_("This voucher is not accepted in this store."))
    if subtotal < voucher.type.min_spend:
        raise VoucherRefused(
            _("This voucher needs a purchase of at least ¥%(amount)s.") % {"amount": voucher.type.min_spend}
        )
    return discount_for(voucher, subtotal)


def find(code: str) -> Voucher | None:
    code = normalise_code(code)
    if not code:
        return None
    return Voucher.objects.select_related("type").filter(code=code).first()


def redeem(voucher: Voucher, purchase: Purchase, *, subtotal: Decimal) -> Decimal:
    """Mark the voucher used by ``purchase``; call inside the sale's transaction. Exactly one
    of two simultaneous redemptions succeeds."""
    day = timezone.localdate(purchase.purchased_at)
    discount = check(voucher, customer=purchase.customer, store=purchase.store, subtotal=subtotal, day=day)
    won = Voucher.objects.filter(
        pk=voucher.pk, status=VoucherStatus.ISSUED, valid_from__lte=day, valid_until__gte=day
    ).update(status=VoucherStatus.REDEEMED, redeemed_at=timezone.now(), purchase=purchase, discount=discount)
    if won != 1:
        raise VoucherRefused(_("This voucher has already been used."))
    voucher.refresh_from_db()
    return discount


def sale_discount(customer: Customer, store, code: str, amount: Decimal, day: dt.date) -> Decimal:
    """The ``voucher_discount`` hook: what the voucher typed at the till takes off ``amount``."""
    voucher = find(code)
    if voucher is None:
        raise ValidationError(_("No voucher has the code %(code)s.") % {"code": normalise_code(code)}, "voucher")
    try:
        return check(voucher, customer=customer, store=store, subtotal=amount, day=day)
    except VoucherRefused as exc:
        raise ValidationError(str(exc), "voucher") from None


def redeem_for_sale(purchase: Purchase, code: str, discount: Decimal) -> bool:
    """The ``redeem_voucher`` hook: one conditional UPDATE inside the sale's transaction, so
    of two tills redeeming the voucher at once the second finds it used and its sale rolls back."""
    day = timezone.localdate(purchase.purchased_at)
    won = Voucher.objects.filter(
        code=normalise_code(code),
        customer_id=purchase.customer_id,
        status=VoucherStatus.ISSUED,
        valid_from__lte=day,
        valid_until__gte=day,
    ).update(status=VoucherStatus.REDEEMED, redeemed_at=timezone.now(), purchase=purchase, discount=discount)
    if won != 1:
        raise ValidationError(_("This voucher has already been used."), "voucher")
    return True


def give_back(purchase: Purchase, *, day: dt.date | None = None) -> int:
    """A return of ``purchase``: its voucher is valid again if its validity has not ended."""
    day = day or timezone.localdate()
    return Voucher.objects.filter(purchase=purchase, status=VoucherStatus.REDEEMED, valid_until__gte=day).update(
        status=VoucherStatus.ISSUED, redeemed_at=None, purchase=None, discount=Decimal("0.00")
    )


def usable(customer: Customer, store, day: dt.date | None = None):
    """The customer's vouchers that are valid today in ``store`` (minimum spend not checked)."""
    day = day or timezone.localdate()
    return (
        Voucher.objects.filter(
            customer=customer, status=VoucherStatus.ISSUED, valid_from__lte=day, valid_until__gte=day
        )
        .filter(Q(type__stores__isnull=True) | Q(type__stores=store))
        .select_related("type")
        .distinct()
        .order_by("valid_until", "id")
    )


# --- issuance by rule ----------------------------------------------------------------------

RULE_DATE_FIELD = {VoucherRule.BIRTHDAY: "birthday", VoucherRule.ANNIVERSARY: "wedding_anniversary"}


def issue_by_rules(day: dt.date) -> dict:
    """Birthday vouchers and anniversary gifts for the tiers the benefits matrix gives them
    to, for customers whose month it is; valid to the end of that month. Idempotent."""
    counts = {}
    last = dt.date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
    for vtype in VoucherType.objects.filter(is_active=True).exclude(rule=""):
        tiers = list(TierBenefit.objects.filter(benefit=vtype.rule, enabled=True).values_list("tier", flat=True))
        field = RULE_DATE_FIELD[vtype.rule]
        who = Customer.objects.filter(tier__in=tiers, **{f"{field}__month": day.month})
        who = who.exclude(
            vouchers__issue_key__startswith=f"{vtype.rule}:{vtype.pk}:", vouchers__valid_from__year=day.year
        )
        issued = 0
        rows = who.values_list("pk", "home_store_id").order_by("pk").iterator(chunk_size=BATCH)
        batch = []
        for customer_id, store_id in rows:
            batch.append(
                Voucher(
                    code=new_code(),
                    type=vtype,
                    customer_id=customer_id,
                    store_id=store_id,
                    source=VoucherSource.RULE,
                    issue_key=f"{vtype.rule}:{vtype.pk}:{customer_id}:{day.year}",
                    valid_from=day,
                    valid_until=last,
                )
            )
            if len(batch) >= BATCH:
                issued += len(Voucher.objects.bulk_create(batch, ignore_conflicts=True))
                batch = []
        issued += len(Voucher.objects.bulk_create(batch, ignore_conflicts=True))
        counts[f"vouchers_{vtype.rule}"] = counts.get(f"vouchers_{vtype.rule}", 0) + issued
    return counts


# --- figures -------------------------------------------------------------------------------


def figures_by_store(vouchers, day: dt.date | None = None) -> list[dict]:
    """Per store: issued, redeemed, expired and outstanding (count and value where known)."""
    day = day or timezone.localdate()
    valid = Q(status=VoucherStatus.ISSUED, valid_until__gte=day)
    expired = Q(status=VoucherStatus.ISSUED, valid_until__lt=day)
    rows = (
        vouchers.values("store__code", "store__name")
        .annotate(
            issued=Count("id"),
            redeemed=Count("id", filter=Q(status=VoucherStatus.REDEEMED)),
            redeemed_value=Sum("discount", filter=Q(status=VoucherStatus.REDEEMED)),
            expired=Count("id", filter=expired),
            outstanding=Count("id", filter=valid),
            outstanding_value=Sum("type__amount", filter=valid & Q(type__kind=VoucherKind.AMOUNT)),
        )
        .order_by("store__code")
    )
    return [
        row
        | {
            "redeemed_value": row["redeemed_value"] or Decimal("0.00"),
            "outstanding_value": row["outstanding_value"] or Decimal("0.00"),
        }
        for row in rows
    ]
