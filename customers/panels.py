"""What customers adds to crm's pages through ``crm.hooks`` (registered in apps.py)."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import Role, Store, staff_profile
from customers.models import Purchase

HEADINGS = {
    Role.CLERK: _("My sales today"),
    Role.MANAGER: _("Store sales today"),
    Role.SUPERVISOR: _("Sales today in my stores"),
    Role.HEAD_OFFICE: _("Sales today in all stores"),
}


def sales_today(request):
    """Today's sales on the home page: a clerk's own, otherwise every visible store's."""
    profile = staff_profile(request.user)
    if profile is None or profile.role not in HEADINGS:
        return None  # account and sales managers sell to dealers, not at a till
    # A range on purchased_at and a plain store filter: both use the (store, purchased_at)
    # index, where __date and the customer-sharing OR of visible_to scan a chain's sales.
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    purchases = Purchase.objects.counted().filter(
        store__in=Store.objects.visible_to(request.user),
        purchased_at__gte=start,
        purchased_at__lt=start + dt.timedelta(days=1),
    )
    if profile.role == Role.CLERK:
        purchases = purchases.filter(clerk=request.user)
    return "customers/panels/sales_today.html", {
        "heading": HEADINGS[profile.role],
        "purchases": purchases.select_related("customer", "store")[:20],
    }


def rights_nav_links(request) -> list[tuple[str, str]]:
    """Head office decides the customers' requests (export, erasure)."""
    from django.urls import reverse

    profile = staff_profile(request.user)
    if profile is None or not profile.is_head_office:
        return []
    return [(reverse("customers:rights_requests"), _("Customers' requests"))]
