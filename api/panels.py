"""What the API app adds to the navigation (registered in apps.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from crm.models import staff_profile


def nav_links(request):
    profile = staff_profile(request.user)
    if profile is None:
        return []
    links = []
    if profile.is_head_office:
        links.append((reverse("pos:keys"), _("POS keys")))
        links.append((reverse("pos:webhooks"), _("Webhooks")))
    if profile.can_export:
        links.append((reverse("pos:imports"), _("POS exports")))
    return links
