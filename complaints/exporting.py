"""The complaints list as a workbook: one row per complaint, its deadlines and outcome.

``complaint_rows`` streams a queryset already scoped to the user and filtered like the
list page, a chunk at a time.
"""

from collections.abc import Iterator

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from crm.models import staff_name

CHUNK = 1000
# Column headers carry a context: bare words like "Category" mean other things elsewhere.
COLUMN = "complaints column"

HEADERS = (
    pgettext_lazy(COLUMN, "Complaint number"),
    pgettext_lazy(COLUMN, "Received"),
    pgettext_lazy(COLUMN, "Customer"),
    pgettext_lazy(COLUMN, "Store"),
    pgettext_lazy(COLUMN, "Channel"),
    pgettext_lazy(COLUMN, "Category"),
    pgettext_lazy(COLUMN, "Severity"),
    pgettext_lazy(COLUMN, "Status"),
    pgettext_lazy(COLUMN, "Department"),
    pgettext_lazy(COLUMN, "Owner"),
    pgettext_lazy(COLUMN, "Received by"),
    pgettext_lazy(COLUMN, "First response due"),
    pgettext_lazy(COLUMN, "First response at"),
    pgettext_lazy(COLUMN, "Resolution due"),
    pgettext_lazy(COLUMN, "Resolved at"),
    pgettext_lazy(COLUMN, "Closed at"),
    pgettext_lazy(COLUMN, "Deadline missed"),
    pgettext_lazy(COLUMN, "Resolution"),
    pgettext_lazy(COLUMN, "Amount (CNY)"),
    pgettext_lazy(COLUMN, "Satisfaction (1-5)"),
    pgettext_lazy(COLUMN, "Description"),
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
