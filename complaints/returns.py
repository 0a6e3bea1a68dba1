"""Returns and exchanges of purchase lines.

The money given back is the lines' share of what the customer actually paid (after the
purchase's discount). In one transaction it reverses the points that money earned through
the loyalty ledger and takes it off the customer's cumulative spend.

Points already spent: the ledger never goes below zero, so the balance stops at zero and
the points that could not be taken back are recorded on the return
(``points_unrecovered``) and shown to the clerk. The tier is never lowered by a return:
a lower cumulative spend only affects eligibility for a card not yet granted.

An exchange records the returned line and the replacement. Like for like, nothing moves;
a cheaper replacement refunds the difference (and reverses its points); a dearer one is
rung up at the till as a new sale for the difference.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from complaints.models import Complaint, ComplaintEvent, EventKind, ProductReturn, ReturnKind, ReturnLine
from crm.access import audit
from customers.models import Customer, Purchase, PurchaseLine
from customers.services import adjust_cumulative_spend
from loyalty import vouchers
from loyalty.services import reverse_purchase_points

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ReturnItem:
    line: PurchaseLine
    quantity: int


@dataclass(frozen=True)
class Replacement:
    item: str
    value: Decimal
    quantity: int = 1
    size: str = ""
    colour: str = ""


def returned_quantities(purchase: Purchase) -> dict[int, int]:
    rows = (
        ReturnLine.objects.filter(product_return__purchase=purchase)
        .values("purchase_line_id")
        .annotate(n=Sum("quantity"))
    )
    return defaultdict(int, {row["purchase_line_id"]: row["n"] for row in rows})


def returnable(purchase: Purchase) -> list[tuple[PurchaseLine, int]]:
    """Each line with the quantity that can still be returned."""
    done = returned_quantities(purchase)
    return [(line, line.quantity - done[line.pk]) for line in purchase.lines.all()]


def _paid_share(purchase: Purchase, line: PurchaseLine, quantity: int) -> Decimal:
    if not purchase.subtotal:
        return ZERO
    gross = line.unit_price * quantity
    return (gross * purchase.total / purchase.subtotal).quantize(CENT, rounding=ROUND_HALF_UP)


def record_return(
    *,
    purchase: Purchase,
    items: list[ReturnItem],
    by,
    kind: str = ReturnKind.RETURN,
    complaint: Complaint | None = None,
    replacement: Replacement | None = None,
    reason: str = "",
    key: uuid.UUID | None = None,
) -> tuple[ProductReturn, bool]:
    """Record a return or exchange; the same ``key`` twice returns the first with False."""
    key = key or uuid.uuid4()
    items = [item for item in items if item.quantity]
    if not items:
        raise ValidationError(_("Choose at least one line and quantity to take back."))
    if kind == ReturnKind.EXCHANGE and (replacement is None or not replacement.item.strip()):
        raise ValidationError(_("An exchange needs the replacement item."))
    with transaction.atomic():
        # Customer first, then the purchase: the order record_purchase locks in.
        customer = Customer.objects.select_for_update().get(pk=purchase.customer_id) if purchase.customer_id else None
        purchase = Purchase.objects.select_for_update().get(pk=purchase.pk)
        existing = ProductReturn.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing, False

        remaining = dict((line.pk, left) for line, left in returnable(purchase))
        values = []
        for item in items:
            if item.line.purchase_id != purchase.pk:
                raise ValidationError(_("That line is not part of this purchase."))
            if item.quantity < 0 or item.quantity > remaining.get(item.line.pk, 0):
                raise ValidationError(
                    _("Only %(left)s of “%(item)s” can still be taken back.")
                    % {"left": remaining.get(item.line.pk, 0), "item": item.line.item}
                )
            remaining[item.line.pk] -= item.quantity
            values.append(_paid_share(purchase, item.line, item.quantity))
        if not any(remaining.values()):
            # The last of the purchase comes back: give back exactly what is left of the
            # total, so rounding of earlier partial returns never leaves a cent behind.
            before = ReturnLine.objects.filter(product_return__purchase=purchase).aggregate(s=Sum("value"))["s"] or ZERO
            values[-1] += purchase.total - before - sum(values, ZERO)
        returned_value = sum(values, ZERO)

        replacement_value = ZERO
        if kind == ReturnKind.EXCHANGE:
            replacement_value = replacement.value.quantize(CENT)
            refund = max(ZERO, returned_value - replacement_value)
        else:
            refund = returned_value

        product_return = ProductReturn.objects.create(
            purchase=purchase,
            complaint=complaint,
            kind=kind,
            reason=reason.strip(),
            refund_amount=refund,
            replacement_item=replacement.item.strip() if replacement else "",
            replacement_size=replacement.size if replacement else "",
            replacement_colour=replacement.colour if replacement else "",
            replacement_quantity=replacement.quantity if replacement else 0,
            replacement_value=replacement_value,
            created_by=by,
            idempotency_key=key,
        )
        ReturnLine.objects.bulk_create(
            ReturnLine(product_return=product_return, purchase_line=item.line, quantity=item.quantity, value=value)
            for item, value in zip(items, values, strict=True)
        )
        if customer is not None and refund > 0:
            result = reverse_purchase_points(purchase, amount=refund, by=by, key=f"return:{key}")
            adjust_cumulative_spend(customer, -refund)
            product_return.points_reversed = result.points_reversed
            product_return.points_unrecovered = result.points_unrecovered
            product_return.save(update_fields=["points_reversed", "points_unrecovered"])
        if not any(remaining.values()) and kind == ReturnKind.RETURN:
            # The whole sale came back: a voucher it used is valid again (if not expired).
            vouchers.give_back(purchase)
        if complaint is not None:
            ComplaintEvent.objects.create(
                complaint=complaint, kind=EventKind.RETURN, by=by, text=describe(product_return, items)
            )
        audit(
            by,
            f"purchase.{kind}",
            purchase,
            store=purchase.store,
            refund=str(refund),
            points_reversed=product_return.points_reversed,
            points_unrecovered=product_return.points_unrecovered,
        )
    return product_return, True


def describe(product_return: ProductReturn, items: list[ReturnItem]) -> str:
    lines = "、".join(f"{item.line.item} × {item.quantity}" for item in items)
    text = f"{product_return.get_kind_display()}: {lines}"
    if product_return.kind == ReturnKind.EXCHANGE:
        text += " → " + f"{product_return.replacement_item} × {product_return.replacement_quantity}"
    text += " · " + _("refunded ¥%(amount)s, %(points)s points reversed") % {
        "amount": product_return.refund_amount,
        "points": product_return.points_reversed,
    }
    if product_return.points_unrecovered:
        text += " · " + _("%(points)s points already spent could not be taken back") % {
            "points": product_return.points_unrecovered
        }
    return text
