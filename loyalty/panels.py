"""What loyalty adds to other apps' pages through ``crm.hooks`` (registered in apps.py).

Each function gets the request and scopes by ``request.user`` itself.
"""

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import Role, Store, staff_profile
from loyalty import benefits, services
from loyalty.models import (
    ApplicationStatus,
    CardApplication,
    EntryKind,
    MembershipCard,
    PointsEntry,
)
from loyalty.voucher_models import Voucher


def _visible(request, customer) -> bool:
    from customers.models import Customer

    return Customer.objects.visible_to(request.user).filter(pk=customer.pk).exists()


def _summary(customer) -> dict:
    open_application = CardApplication.objects.open().filter(customer=customer).first()
    next_gift = services.points_to_next_gift(customer)
    return {
        "customer": customer,
        "balance": services.points_balance(customer),
        "gap": services.next_tier_gap(customer),
        "next_gift": next_gift[0] if next_gift else None,
        "points_to_gift": next_gift[1] if next_gift else None,
        "open_application": open_application,
        "needs_form": open_application is not None and open_application.status == ApplicationStatus.CREATED,
        "benefits": benefits.benefits_for(customer.tier),
    }


def customer_panel(request, customer):
    profile = staff_profile(request.user)
    if profile is None or not _visible(request, customer):
        return None
    context = _summary(customer)
    context.update(
        {
            "profile": profile,
            "entries": PointsEntry.objects.filter(customer=customer).select_related("by__staff")[:10],
            "cards": MembershipCard.objects.filter(customer=customer),
            "applications": CardApplication.objects.filter(customer=customer)[:5],
            "can_adjust": profile.role in (Role.MANAGER, Role.HEAD_OFFICE),
        }
    )
    return "loyalty/panels/customer.html", context


def till_panel(request, customer):
    profile = staff_profile(request.user)
    if profile is None or not _visible(request, customer):
        return None
    context = _summary(customer)
    context["profile"] = profile
    return "loyalty/panels/till.html", context


def vouchers_panel(request, customer, *, at_till: bool = False):
    """The customer's vouchers that are valid today, on the profile and at the till (where
    each has a button that puts its code into the sale)."""
    from loyalty import vouchers

    profile = staff_profile(request.user)
    if profile is None or not _visible(request, customer):
        return None
    store = profile.store or customer.home_store
    usable = list(vouchers.usable(customer, store))
    can_issue = profile.role in (Role.MANAGER, Role.HEAD_OFFICE)
    if not usable and not can_issue:
        return None
    context = {"customer": customer, "vouchers": usable, "can_issue": can_issue, "at_till": at_till}
    return "loyalty/panels/vouchers.html", context


def till_vouchers_panel(request, customer):
    return vouchers_panel(request, customer, at_till=True)


def receipt_panel(request, purchase):
    customer = purchase.customer
    if customer is None or staff_profile(request.user) is None or not _visible(request, customer):
        return None
    earned = PointsEntry.objects.filter(purchase=purchase, kind=EntryKind.EARN).values_list("points", flat=True)
    application = CardApplication.objects.open().filter(customer=customer).first()
    context = {
        "purchase": purchase,
        "customer": customer,
        "points_earned": sum(earned),
        "balance": services.points_balance(customer),
        "application": application,
        "needs_form": application is not None and application.status == ApplicationStatus.CREATED,
        "voucher": Voucher.objects.filter(purchase=purchase).select_related("type").first(),
    }
    return "loyalty/panels/receipt.html", context


def home_panel(request):
    profile = staff_profile(request.user)
    if profile is None:
        return None
    # By the application's store, in one query: the customer-visibility scope (with its
    # sharing OR) costs a scan of the customers on a chain's data.
    applications = CardApplication.objects.filter(store__in=Store.objects.visible_to(request.user))
    overdue_before = timezone.make_aware(dt.datetime.combine(timezone.localdate() - dt.timedelta(days=3), dt.time.min))
    to_submit = Q(status__in=[ApplicationStatus.CREATED, ApplicationStatus.ENTERED])
    counts = applications.aggregate(
        pending=Count("pk", filter=Q(status=ApplicationStatus.SUBMITTED)),
        to_submit=Count("pk", filter=to_submit),
        overdue=Count("pk", filter=to_submit & Q(created_at__lt=overdue_before)),
        to_mail=Count("pk", filter=Q(status=ApplicationStatus.NOTIFIED_AGAIN)),
    )
    if not profile.is_head_office:
        counts.pop("pending")
    if not any(counts.get(k) for k in ("pending", "to_submit", "to_mail")):
        return None
    return "loyalty/panels/home.html", {"profile": profile, **counts}


def nav_links(request):
    profile = staff_profile(request.user)
    if profile is None:
        return []
    links = []
    if profile.is_head_office:
        links.append((reverse("loyalty:queue"), _("Card approvals")))
    links.append((reverse("loyalty:register"), _("Card register")))
    links.append((reverse("loyalty:gifts"), _("Gifts")))
    if profile.is_head_office:
        links.append((reverse("loyalty:rules"), _("Tier rules")))
    links.append((reverse("loyalty:benefits"), _("Benefits")))
    return links
