"""Escalation of complaints past their deadline.

Level 1: a deadline (first response or resolution) has passed -> the owner and the store's
managers are told in the app. Level 2, the second breach: the complaint missed its other
deadline too, or is still overdue ``COMPLAINTS_SECOND_BREACH_HOURS`` (24) hours after the
first breach -> head office is told as well.

Run by the daily job and hourly by Celery beat. Each (complaint, round, level) is one
``Breach`` row under a unique constraint, and notifications have unique keys, so running
twice (or two workers at once) notifies once.
"""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import notify
from complaints.models import Breach, Complaint, ComplaintEvent, EventKind


def _missed(complaint: Complaint, now: dt.datetime) -> list[str]:
    kinds = []
    if complaint.first_responded_at is None and complaint.first_response_due < now:
        kinds.append("first_response")
    if complaint.resolution_due < now:
        kinds.append("resolution")
    return kinds


def _claim(complaint: Complaint, level: int, kind: str, now: dt.datetime) -> bool:
    """Record the breach; False if another run already did."""
    try:
        with transaction.atomic():
            Breach.objects.create(complaint=complaint, round=complaint.reopened_count, level=level, kind=kind, at=now)
    except IntegrityError:
        return False
    return True


def escalate(now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    second_after = dt.timedelta(hours=settings.COMPLAINTS_SECOND_BREACH_HOURS)
    counts = {"overdue": 0, "first_breaches": 0, "second_breaches": 0, "notifications": 0}
    overdue = Complaint.objects.overdue(now).select_related("store", "owner", "category")
    for complaint in overdue.iterator(chunk_size=200):
        counts["overdue"] += 1
        kinds = _missed(complaint, now)
        earlier = {b.level: b for b in Breach.objects.filter(complaint=complaint, round=complaint.reopened_count)}
        level = None
        if 1 not in earlier:
            level, kind = 1, kinds[0]
        elif 2 not in earlier:
            other_deadline = any(k != earlier[1].kind for k in kinds)
            if other_deadline or now >= earlier[1].at + second_after:
                level, kind = 2, kinds[-1]
        if level is None or not _claim(complaint, level, kind, now):
            continue
        counts["first_breaches" if level == 1 else "second_breaches"] += 1
        counts["notifications"] += _record_and_notify(complaint, level, kind, now)
    return counts


def _record_and_notify(complaint: Complaint, level: int, kind: str, now: dt.datetime) -> int:
    Complaint.objects.filter(pk=complaint.pk).update(
        breach_level=Greatest("breach_level", Value(level)), sla_breached=True
    )
    what = _("first response") if kind == "first_response" else _("resolution")
    if level == 1:
        text = _("Complaint #%(number)s (%(who)s, %(store)s) missed its %(what)s deadline.")
    else:
        text = _(
            "Complaint #%(number)s (%(who)s, %(store)s) missed its deadline again and is escalated to head office."
        )
    text = text % {"number": complaint.pk, "who": complaint.who, "store": complaint.store.name, "what": what}
    ComplaintEvent.objects.create(complaint=complaint, kind=EventKind.ESCALATED, at=now, text=text)
    recipients = [complaint.owner, *notify.store_managers(complaint.store)]
    if level >= 2:
        recipients += notify.head_office()
    return notify.send(
        recipients, text=text, key=f"breach:{complaint.pk}:{complaint.reopened_count}:{level}", complaint=complaint
    )


def escalate_for_day(day: dt.date) -> dict:
    """The daily job's entry: as of now, or the end of ``day`` when replaying a past day."""
    end_of_day = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    return escalate(min(timezone.now(), end_of_day))
