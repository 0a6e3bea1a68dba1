from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def percent(rate) -> str:
    """0.0550 -> "5.5%"."""
    if rate in (None, ""):
        return ""
    value = (Decimal(rate) * 100).quantize(Decimal("0.01")).normalize()
    return f"{value:f}%"


@register.filter
def masked_phone(phone) -> str:
    """13900000009 -> 139****0009: the relative's phone is shown masked; the register
    export (an audited download) has it in full."""
    digits = "".join(ch for ch in str(phone or "") if ch.isdigit())
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"
