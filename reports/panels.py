"""What the reports app adds to other pages: navigation links and headline figures on
the home page (read from the summary tables, a handful of queries)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from crm.models import Role, Store, staff_profile
from reports import figures
from reports.periods import date_range


def nav_links(request) -> list[tuple[str, str]]:
    profile = staff_profile(request.user)
    if profile is None:
        return []
    if profile.role == Role.CLERK:
        return [(reverse("reports:mine"), _("My figures"))]
    dashboard = reverse("reports:store" if profile.is_manager else "reports:chain")
    links = [(dashboard, _("Dashboard")), (reverse("reports:churn"), _("Analysis"))]
    if profile.is_manager:
        links.insert(1, (reverse("reports:mine"), _("My figures")))
    return links


def home_panel(request):
    """This week's headline figures for managers, supervisors and head office."""
    profile = staff_profile(request.user)
    if profile is None or profile.role == Role.CLERK:
        return None
    store_ids = list(Store.objects.visible_to(request.user).values_list("pk", flat=True))
    week = date_range({"range": "week"})
    total = figures.total(figures.per_clerk(store_ids, week))
    complaints = figures.open_complaints(store_ids)
    url = reverse("reports:store" if profile.is_manager else "reports:chain")
    return (
        "reports/_home_panel.html",
        {
            "week_total": total,
            "open_complaints": sum(c["open"] for c in complaints.values()),
            "dashboard_url": url,
        },
    )
