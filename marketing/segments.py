"""Which customers a segment holds: its stored filters turned into one queryset.

The filters are what ``forms.SegmentForm`` cleaned, kept as JSON on the segment:
stores, tiers, RFM segments, spend classes (ABC), frequency bands, last-purchase range,
birthday month, cumulative spend range and "accepts SMS". RFM, ABC and frequency come from
the reports' summary of the latest computed year (``reports.CustomerPeriod``), so a segment
reads the same classes the analysis pages show.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet

from crm.models import Store
from customers.models import Customer
from marketing.models import Segment
from reports.models import CustomerPeriod, FrequencyBands, Period, PeriodKind

SAMPLE_SIZE = 10


def to_json(cleaned: dict) -> dict:
    """The form's cleaned filters as plain JSON (ids, codes, ISO dates, decimal strings)."""
    out = {}
    if cleaned.get("stores"):
        out["stores"] = sorted(s.pk for s in cleaned["stores"])
    for key in ("tiers", "rfm", "abc", "frequency"):
        if cleaned.get(key):
            out[key] = sorted(cleaned[key])
    for key in ("last_from", "last_to"):
        if cleaned.get(key):
            out[key] = cleaned[key].isoformat()
    if cleaned.get("birthday_month"):
        out["birthday_month"] = int(cleaned["birthday_month"])
    for key in ("spend_min", "spend_max"):
        if cleaned.get(key) is not None:
            out[key] = str(cleaned[key])
    if cleaned.get("sms_only"):
        out["sms_only"] = True
    return out


def summary_period() -> Period | None:
    """The year whose classes segments read: the latest one the reports job computed."""
    return Period.objects.filter(kind=PeriodKind.YEAR, computed_at__isnull=False).order_by("-start").first()


def customers(segment: Segment) -> QuerySet:
    return customers_for(segment.filters or {}, segment.store)


def customers_for(filters: dict, store: Store | None) -> QuerySet:
    """The customers of ``store`` (or of the chain, or of the listed stores) that match."""
    qs = Customer.objects.all()
    if store is not None:
        qs = qs.filter(home_store=store)
    elif filters.get("stores"):
        qs = qs.filter(home_store__in=filters["stores"])
    if filters.get("tiers"):
        qs = qs.filter(tier__in=filters["tiers"])
    if filters.get("last_from"):
        qs = qs.filter(last_purchase_at__date__gte=dt.date.fromisoformat(filters["last_from"]))
    if filters.get("last_to"):
        qs = qs.filter(last_purchase_at__date__lte=dt.date.fromisoformat(filters["last_to"]))
    if filters.get("birthday_month"):
        qs = qs.filter(birthday__month=int(filters["birthday_month"]))
    if filters.get("spend_min") is not None:
        qs = qs.filter(cumulative_spend__gte=Decimal(filters["spend_min"]))
    if filters.get("spend_max") is not None:
        qs = qs.filter(cumulative_spend__lte=Decimal(filters["spend_max"]))
    if filters.get("sms_only"):
        qs = qs.filter(may_get_marketing())
    return _by_summary(qs, filters)


def may_get_marketing() -> Q:
    """Customers a marketing SMS may go to (the same rule as ``Customer.can_receive_sms``)."""
    return Q(mobile__isnull=False, mobile_invalid=False, marketing_consent=True, marketing_opt_out_at__isnull=True)


def _by_summary(qs: QuerySet, filters: dict) -> QuerySet:
    if not any(filters.get(key) for key in ("rfm", "abc", "frequency")):
        return qs
    period = summary_period()
    if period is None:
        return qs.none()  # no classes computed yet: nobody is known to be in one
    rows = CustomerPeriod.objects.filter(period=period, customer=OuterRef("pk"))
    if filters.get("rfm"):
        qs = qs.filter(Exists(rows.filter(segment__in=filters["rfm"])))
    if filters.get("abc"):
        qs = qs.filter(Exists(rows.filter(abc__in=filters["abc"])))
    if filters.get("frequency"):
        qs = qs.filter(_frequency(rows, set(filters["frequency"])))
    return qs


def _frequency(rows: QuerySet, bands: set[str]) -> Q:
    limits = FrequencyBands.current()
    q = Q(pk__in=[])
    if "high" in bands:
        q |= Q(Exists(rows.filter(purchases__gte=limits.high_from)))
    if "medium" in bands:
        q |= Q(Exists(rows.filter(purchases__gte=limits.medium_from, purchases__lt=limits.high_from)))
    if "low" in bands:
        # Low includes the customers who did not buy in the year at all.
        q |= ~Q(Exists(rows.filter(purchases__gte=limits.medium_from)))
    return q


def count_and_sample(qs: QuerySet) -> tuple[int, list[Customer]]:
    """The live count and a few customers to show (masked in the template)."""
    return qs.count(), list(qs.select_related("home_store").order_by("-last_purchase_at", "-id")[:SAMPLE_SIZE])
