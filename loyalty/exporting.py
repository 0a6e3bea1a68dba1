"""The card register as a workbook: one row per application, every step with its date.

``register_rows`` streams a queryset already scoped to the user and filtered like the
register page; the number of the card an approval issued comes from a subquery, so rows
are read in chunks without a query per row.
"""

from collections.abc import Iterator

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.models import staff_name
from loyalty.models import CardApplication, MembershipCard

CHUNK = 1000

REGISTER_HEADERS = (
    gettext_lazy("Created"),
    gettext_lazy("Customer"),
    gettext_lazy("Mobile"),
    gettext_lazy("Store"),
    gettext_lazy("Current tier"),
    gettext_lazy("Applies for"),
    gettext_lazy("Relative's name"),
    gettext_lazy("Relative's phone"),
    gettext_lazy("Status"),
    gettext_lazy("Submit by"),
    gettext_lazy("Entered"),
    gettext_lazy("Submitted"),
    gettext_lazy("Decided"),
    gettext_lazy("Decided by"),
    gettext_lazy("Reason for rejection"),
    gettext_lazy("Notified"),
    gettext_lazy("Notified again"),
    gettext_lazy("Card mailed or collected"),
    gettext_lazy("Card number"),
    gettext_lazy("Needs attention"),
    gettext_lazy("Note"),
)


def _time(value):
    return value.replace(microsecond=0) if value else None


def _attention(application: CardApplication, today) -> str:
    if application.is_submission_overdue(today):
        return _("not submitted within 3 days")
    if application.should_be_mailed:
        return _("called twice: mail the card")
    return ""


def register_rows(applications, today) -> Iterator[list]:
    """One row per application of ``applications``, in ``REGISTER_HEADERS`` order."""
    card = MembershipCard.objects.filter(application=OuterRef("pk")).order_by("issued_at", "id").values("number")[:1]
    rows = (
        applications.select_related("customer", "store", "decided_by__staff")
        .annotate(card_number=Subquery(card))
        .iterator(CHUNK)
    )
    for a in rows:
        yield [
            _time(a.created_at),
            a.customer.name,
            a.customer.masked_mobile(),
            a.store.name,
            a.get_from_tier_display(),
            a.get_target_tier_display(),
            a.relative_name,
            a.relative_phone,
            a.get_status_display(),
            a.submit_due(),
            _time(a.entered_at),
            _time(a.submitted_at),
            _time(a.decided_at),
            staff_name(a.decided_by),
            a.reject_reason,
            _time(a.notified_at),
            _time(a.notified_again_at),
            _time(a.closed_at),
            a.card_number or "",
            _attention(a, today),
            a.note,
        ]
