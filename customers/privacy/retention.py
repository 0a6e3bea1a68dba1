"""Retention: customers with no purchase for ``KEDANG_RETENTION_YEARS`` (5) are listed for
head office's review every day, and erased by the daily job once head office turns that on.

The list is one indexed query (``last_purchase_at``, or ``created_at`` for customers who
never bought). Erasure goes customer by customer through ``rights.erase``, because each
app removes its own data in the ``customer_erased`` hook; at most
``KEDANG_RETENTION_ERASE_PER_DAY`` a day, so a first run on an old file stays short.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from crm.access import audit
from customers.models import Customer
from customers.privacy import rights
from customers.privacy.models import RetentionSetting


def cutoff(day: dt.date) -> dt.datetime:
    years = settings.KEDANG_RETENTION_YEARS
    try:
        start = day.replace(year=day.year - years)
    except ValueError:  # 29 February
        start = day.replace(year=day.year - years, day=28)
    return timezone.make_aware(dt.datetime.combine(start, dt.time.min))


def due(day: dt.date):
    """Customers not erased whose last purchase (or, without one, capture) is older than the period."""
    limit = cutoff(day)
    return Customer.objects.filter(erased_at__isnull=True).filter(
        Q(last_purchase_at__lt=limit) | Q(last_purchase_at__isnull=True, created_at__lt=limit)
    )


def run(day: dt.date) -> dict:
    candidates = due(day)
    counts = {"retention_due": candidates.count(), "retention_erased": 0}
    if not RetentionSetting.current().auto_erase:
        return counts
    for customer in candidates.order_by("pk")[: settings.KEDANG_RETENTION_ERASE_PER_DAY]:
        rights.erase(customer, by=None, reason="retention")
        counts["retention_erased"] += 1
    counts["retention_due"] -= counts["retention_erased"]
    return counts


def set_auto_erase(on: bool, by) -> RetentionSetting:
    setting = RetentionSetting.objects.order_by("pk").first() or RetentionSetting()
    setting.auto_erase, setting.changed_by, setting.changed_at = on, by, timezone.now()
    setting.save()
    audit(by, "customer.retention.auto_erase", auto_erase=on)
    return setting
