"""What the product list adds to the shared pages (registered in customers/apps.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from crm.models import staff_profile


def nav_links(request):
    profile = staff_profile(request.user)
    if profile is None or not profile.is_head_office:
        return []
    return [(reverse("products:list"), _("Products"))]
