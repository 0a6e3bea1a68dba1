"""Campaign message texts: the placeholders a campaign may use, rendering and the SMS preview.

Campaign texts go to thousands of customers at once, so their placeholders are the ones
that come from the customer row and the points account in one query per batch; the
after-sales placeholders (items bought, gift hints) are for the follow-up templates."""

import math
import string
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from followups.services.messages import render, with_opt_out_line

PLACEHOLDERS = {
    "name": _("customer's name with 先生/女士"),
    "store": _("store name"),
    "points": _("points balance"),
    "cumulative_spend": _("cumulative spend"),
    "voucher": _("voucher code (with a voucher)"),
}
SAMPLE = {
    "name": "王女士",
    "store": "南京西路店",
    "points": 3280,
    "cumulative_spend": "3280.00",
    "voucher": "ACDE345679",
}
PART_LENGTH = 70


def unknown_placeholders(body: str) -> list[str]:
    """Placeholder names in ``body`` that campaigns do not fill (``None`` for bad braces)."""
    try:
        names = {name for _text, name, _spec, _conv in string.Formatter().parse(body) if name is not None}
    except ValueError:
        return ["{"]
    return sorted(name for name in names if name not in PLACEHOLDERS)


def context(customer, store, points: int, voucher: str = "") -> dict:
    return {
        "name": customer.salutation,
        "store": store.name,
        "points": points,
        "cumulative_spend": f"{customer.cumulative_spend:.2f}",
        "voucher": voucher,
    }


def text(body: str, ctx: dict) -> str:
    return with_opt_out_line(render(body, ctx))


def preview(body: str, recipients: int = 0) -> dict:
    """The sample text with its length, SMS parts and cost for ``recipients`` messages."""
    sample = text(body, SAMPLE)
    parts = max(1, math.ceil(len(sample) / PART_LENGTH))
    price = settings.KEDANG_SMS_PRICE_PER_PART
    return {
        "text": sample,
        "characters": len(sample),
        "parts": parts,
        "cost_each": price * parts,
        "cost": (price * parts * recipients).quantize(Decimal("0.01")),
        "recipients": recipients,
    }
