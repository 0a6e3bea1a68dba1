"""What distributors adds to other apps' pages (registered in apps.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from crm.models import staff_profile


def nav_links(request):
    profile = staff_profile(request.user)
    if profile is None or not profile.works_accounts:
        return []
    return [(reverse("distributors:list"), _("Distributors"))]
