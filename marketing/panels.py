from django.urls import reverse
from django.utils.translation import gettext as _

from crm.models import staff_profile


def nav_links(request) -> list[tuple[str, str]]:
    profile = staff_profile(request.user)
    if profile is None or profile.is_clerk:
        return []
    return [(reverse("marketing:campaigns"), _("Campaigns"))]
