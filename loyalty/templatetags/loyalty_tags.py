from decimal import Decimal

from django import template
from django.utils.translation import gettext_lazy as _

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


RULE_NOTES = {"DESIGN.md defaults": _("Default rules"), "defaults": _("Default rules")}


@register.filter
def rule_note(note) -> str:
    """A rule version's note; the versions the system wrote carry a code, shown translated."""
    return str(RULE_NOTES.get(note, note or ""))
