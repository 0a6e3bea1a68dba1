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
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Value
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


def _due_breaches(complaint: Complaint, earlier: dict[int, Breach], now: dt.datetime, second_after) -> list[Breach]:
    """The breaches ``complaint`` has as of ``now`` and has not recorded yet: the first,
    and the second when it missed its other deadline too or is still overdue
    ``second_after`` after the first. Both can come in one run."""
    kinds = _missed(complaint, now)
    found = []
    first = earlier.get(1)
    if first is None:
        first = Breach(complaint=complaint, round=complaint.reopened_count, level=1, kind=kinds[0], at=now)
        found.append(first)
    if 2 not in earlier:
        other_deadline = any(kind != first.kind for kind in kinds)
        if other_deadline or now >= first.at + second_after:
            found.append(Breach(complaint=complaint, round=complaint.reopened_count, level=2, kind=kinds[-1], at=now))
    return found


def escalate(now: dt.datetime | None = None) -> dict:
    """Record and notify every breach due as of ``now``, in a fixed number of statements.

    Complaints whose round has both breaches are left out at once. The complaints with a
    breach to record are locked and read again before it is written, so two runs at once
    (the daily job and the hourly task, two workers) take turns and the second finds the
    breaches recorded. A run with nothing new locks nothing.
    """
    now = now or timezone.now()
    second_after = dt.timedelta(hours=settings.COMPLAINTS_SECOND_BREACH_HOURS)
    counts = {"overdue": 0, "first_breaches": 0, "second_breaches": 0, "notifications": 0}
    counts["overdue"] = Complaint.objects.overdue(now).count()
    overdue = Complaint.objects.overdue(now).exclude(_both_breaches_recorded()).select_related("store", "customer")
    overdue = overdue.order_by("pk")
    pending = _due(list(overdue), now, second_after)
    if not pending:
        return counts
    with transaction.atomic():
        locked = list(overdue.filter(pk__in={b.complaint.pk for b in pending}).select_for_update(of=("self",)))
        new = _due(locked, now, second_after)
        if not new:
            return counts
        Breach.objects.bulk_create(new)
        for level in (1, 2):
            ids = [b.complaint.pk for b in new if b.level == level]
            counts["first_breaches" if level == 1 else "second_breaches"] = len(ids)
            Complaint.objects.filter(pk__in=ids).update(
                breach_level=Greatest("breach_level", Value(level)), sla_breached=True
            )
        counts["notifications"] = _record_and_notify(new, now)
    return counts


def _both_breaches_recorded() -> Q:
    """A complaint whose round has both its breaches has nothing left to escalate: it is
    not read again (a backlog of such complaints costs a repeat run nothing)."""
    this_round = Breach.objects.filter(complaint=OuterRef("pk"), round=OuterRef("reopened_count"))
    return Q(Exists(this_round.filter(level=1))) & Q(Exists(this_round.filter(level=2)))


def _due(complaints: list[Complaint], now: dt.datetime, second_after) -> list[Breach]:
    """The breaches of ``complaints`` not recorded yet."""
    earlier: dict[tuple[int, int], dict[int, Breach]] = {}
    for breach in Breach.objects.filter(complaint__in=[c.pk for c in complaints]):
        earlier.setdefault((breach.complaint_id, breach.round), {})[breach.level] = breach
    new = []
    for complaint in complaints:
        new += _due_breaches(complaint, earlier.get((complaint.pk, complaint.reopened_count), {}), now, second_after)
    return new


def _text(breach: Breach) -> str:
    complaint = breach.complaint
    what = _("first response") if breach.kind == "first_response" else _("resolution")
    if breach.level == 1:
        text = _("Complaint #%(number)s (%(who)s, %(store)s) missed its %(what)s deadline.")
    else:
        text = _(
            "Complaint #%(number)s (%(who)s, %(store)s) missed its deadline again and is escalated to head office."
        )
    return text % {"number": complaint.pk, "who": complaint.who, "store": complaint.store.name, "what": what}


def _record_and_notify(breaches: list[Breach], now: dt.datetime) -> int:
    """The escalation events and the notices: owner and store managers, and head office
    for a second breach. Returns the notices stored (keys make a repeat store nothing)."""
    texts = {id(b): _text(b) for b in breaches}
    ComplaintEvent.objects.bulk_create(
        ComplaintEvent(complaint=b.complaint, kind=EventKind.ESCALATED, at=now, text=texts[id(b)]) for b in breaches
    )
    managers = notify.store_managers_of({b.complaint.store_id for b in breaches})
    head_office = notify.head_office() if any(b.level >= 2 for b in breaches) else []
    rows = []
    complaints = {b.complaint.pk: b.complaint for b in breaches}
    links = {pk: complaint.get_absolute_url() for pk, complaint in complaints.items()}  # one reverse each
    for b in breaches:
        complaint = b.complaint
        users = {complaint.owner_id, *managers.get(complaint.store_id, [])}
        if b.level >= 2:
            users.update(user.pk for user in head_office)
        key = f"breach:{complaint.pk}:{complaint.reopened_count}:{b.level}"
        rows += [
            notify.notification(user_id, texts[id(b)], key, complaint, links[complaint.pk])
            for user_id in users
            if user_id
        ]
    return notify.store(rows)


def escalate_for_day(day: dt.date) -> dict:
    """The daily job's entry: as of now, or the end of ``day`` when replaying a past day."""
    end_of_day = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    return escalate(min(timezone.now(), end_of_day))
