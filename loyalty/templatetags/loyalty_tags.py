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
