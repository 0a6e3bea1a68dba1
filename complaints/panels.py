"""What the complaints app adds to other apps' pages, through crm.hooks."""

from django.urls import reverse
from django.utils.translation import gettext as _

from complaints.models import Complaint, Notification, ProductReturn
from crm.models import staff_profile


def customer_panel(request, customer):
    complaints = Complaint.objects.visible_to(request.user).filter(customer=customer).select_related("category")
    profile = staff_profile(request.user)
    return (
        "complaints/_customer_panel.html",
        {
            "customer": customer,
            "complaints": complaints[:10],
            "open_count": complaints.open().count(),
            "can_write": profile is not None and profile.can_write,
        },
    )


def receipt_panel(request, purchase):
    profile = staff_profile(request.user)
    returns = ProductReturn.objects.visible_to(request.user).filter(purchase=purchase).prefetch_related("lines")
    return (
        "complaints/_receipt_panel.html",
        {"purchase": purchase, "returns": returns, "can_write": profile is not None and profile.can_write},
    )


def home_panel(request):
    if staff_profile(request.user) is None:
        return None
    mine = Complaint.objects.visible_to(request.user).filter(owner=request.user).open()
    return (
        "complaints/_home_panel.html",
        {
            "notifications": Notification.objects.for_user(request.user).unread()[:5],
            "open_count": mine.count(),
            "overdue_count": mine.overdue().count(),
        },
    )


def nav_links(request) -> list[tuple[str, str]]:
    unread = Notification.objects.for_user(request.user).unread().count()
    label = _("Notifications (%(count)s)") % {"count": unread} if unread else _("Notifications")
    return [(reverse("complaints:list"), _("Complaints")), (reverse("complaints:notifications"), label)]
