"""Marketing's contributions to other apps' pages: the menu link and today's events at the till."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import staff_profile


def nav_links(request) -> list[tuple[str, str]]:
    profile = staff_profile(request.user)
    if profile is None:
        return []
    if profile.is_clerk:  # clerks record answers and check-ins; campaigns are managers' work
        return [(reverse("marketing:events"), _("Member events"))]
    return [(reverse("marketing:campaigns"), _("Campaigns"))]


def today_in_store(store_id: int) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    return start, start + dt.timedelta(days=1)


def till_events_panel(request, customer):
    """The customer's invitations to today's events in this store, each with a check-in
    button: found at the till search by mobile or card number, checked in with one tap."""
    from marketing.models import Invitation

    profile = staff_profile(request.user)
    if profile is None or profile.store_id is None or customer.pk is None:
        return None
    start, end = today_in_store(profile.store_id)
    invitations = list(
        Invitation.objects.filter(
            customer=customer, event__store_id=profile.store_id, event__starts_at__gte=start, event__starts_at__lt=end
        )
        .select_related("event")
        .order_by("event__starts_at")
    )
    if not invitations:
        return None
    return "marketing/panels/till_events.html", {"invitations": invitations, "next": request.get_full_path()}
