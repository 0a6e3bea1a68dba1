"""The complaints list as a workbook: one row per complaint, its deadlines and outcome.

``complaint_rows`` streams a queryset already scoped to the user and filtered like the
list page, a chunk at a time.
"""

from collections.abc import Iterator

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from crm.models import staff_name

CHUNK = 1000
# Column headers carry a context ("complaints column", written out each time so that
# makemessages finds it): bare words like "Category" mean other things elsewhere.

HEADERS = (
    pgettext_lazy("complaints column", "Complaint number"),
    pgettext_lazy("complaints column", "Received"),
    pgettext_lazy("complaints column", "Customer"),
    pgettext_lazy("complaints column", "Store"),
    pgettext_lazy("complaints column", "Channel"),
    pgettext_lazy("complaints column", "Category"),
    pgettext_lazy("complaints column", "Severity"),
    pgettext_lazy("complaints column", "Status"),
    pgettext_lazy("complaints column", "Department"),
    pgettext_lazy("complaints column", "Owner"),
    pgettext_lazy("complaints column", "Received by"),
    pgettext_lazy("complaints column", "First response due"),
    pgettext_lazy("complaints column", "First response at"),
    pgettext_lazy("complaints column", "Resolution due"),
    pgettext_lazy("complaints column", "Resolved at"),
    pgettext_lazy("complaints column", "Closed at"),
    pgettext_lazy("complaints column", "Deadline missed"),
    pgettext_lazy("complaints column", "Resolution"),
    pgettext_lazy("complaints column", "Amount (CNY)"),
    pgettext_lazy("complaints column", "Satisfaction (1-5)"),
    pgettext_lazy("complaints column", "Description"),
)


def _time(value):
    return value.replace(microsecond=0) if value else None


def complaint_rows(complaints) -> Iterator[list]:
    """One row per complaint, in ``HEADERS`` order."""
    rows = complaints.select_related(
        "store", "customer", "category", "department", "owner__staff", "received_by__staff"
    ).iterator(CHUNK)
    for c in rows:
        yield [
            c.pk,
            _time(c.received_at),
            c.who,
            c.store.name,
            c.get_channel_display(),
            c.category.name,
            c.get_severity_display(),
            c.get_status_display(),
            c.department.name if c.department else "",
            staff_name(c.owner),
            staff_name(c.received_by),
            _time(c.first_response_due),
            _time(c.first_responded_at),
            _time(c.resolution_due),
            _time(c.resolved_at),
            _time(c.closed_at),
            _("Yes") if c.sla_breached else _("No"),
            c.get_resolution_type_display() if c.resolution_type else "",
            c.resolution_amount,
            c.survey_score,
            c.description,
        ]
