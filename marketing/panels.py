from django.urls import reverse
from django.utils.translation import gettext as _

from crm.models import staff_profile


def nav_links(request) -> list[tuple[str, str]]:
    profile = staff_profile(request.user)
    if profile is None:
        return []
    if profile.is_clerk:  # clerks record answers and check-ins; campaigns are managers' work
        return [(reverse("marketing:events"), _("Member events"))]
    return [(reverse("marketing:campaigns"), _("Campaigns"))]
