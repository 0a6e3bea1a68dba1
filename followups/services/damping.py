"""The damping rule: after N callbacks with no points growth, a quarterly cadence.

"Callbacks" are calls that reached the customer. Each records the points balance at the
time (``points_at_contact``). When the customer's last N of them all saw the same balance
or less than the oldest of them, and the balance has not grown since, the customer drops
to a quarterly cadence: the plan's remaining calls before the quarterly one are cancelled,
and while no call is open, one call every quarter is planned. The next purchase lifts it.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from customers.models import ContactOutcome
from followups import notes
from followups.defaults import QUARTERLY_PURPOSE
from followups.models import QUARTERLY_FROM_DAY, Channel, CustomerCadence, FollowUpTask, TaskKind, TaskStatus
from loyalty.models import PointsAccount

REACHED = (ContactOutcome.SATISFIED, ContactOutcome.PROBLEM)
QUARTER = dt.timedelta(days=91)


def apply_damping(day: dt.date) -> dict:
    """Damp every customer who qualifies on ``day``, in a fixed number of statements."""
    n = settings.KEDANG_FOLLOWUP_DAMPING_CALLS
    reached = FollowUpTask.objects.filter(status=TaskStatus.DONE, outcome__in=REACHED, points_at_contact__isnull=False)
    # Only a newly recorded callback can make a customer qualify; a week covers missed
    # days. Bounds on completed_at itself, so its index is used.
    since, until = _day_start(day - dt.timedelta(days=7)), _day_start(day + dt.timedelta(days=1))
    recent = reached.filter(completed_at__gte=since, completed_at__lt=until)
    # The n-th most recent reached callback of each candidate (no join to the customers:
    # the week's callbacks drive the query).
    quarterly = CustomerCadence.objects.filter(quarterly_since__isnull=False).values("customer_id")
    nth = dict(
        reached.filter(customer_id__in=recent.values("customer_id"))
        .exclude(customer_id__in=quarterly)
        .annotate(
            place=Window(
                RowNumber(), partition_by=F("customer_id"), order_by=[F("completed_at").desc(), F("id").desc()]
            )
        )
        .filter(place=n)
        .values_list("customer_id", "points_at_contact")
    )
    balances = dict(PointsAccount.objects.filter(customer_id__in=list(nth)).values_list("customer_id", "balance"))
    damped = sorted(customer_id for customer_id, oldest in nth.items() if balances.get(customer_id, 0) <= oldest)
    if damped:
        with transaction.atomic():
            CustomerCadence.objects.bulk_create(
                [CustomerCadence(customer_id=customer_id) for customer_id in damped], ignore_conflicts=True
            )
            CustomerCadence.objects.filter(customer_id__in=damped, quarterly_since__isnull=True).update(
                quarterly_since=day
            )
            FollowUpTask.objects.filter(
                customer_id__in=damped,
                kind=TaskKind.PLAN,
                status=TaskStatus.PENDING,
                rule__day_offset__lt=QUARTERLY_FROM_DAY,
            ).exclude(channel=Channel.SMS).update(status=TaskStatus.CANCELLED, note=notes.QUARTERLY)
    planned = plan_quarterly_calls(day)
    return {"customers_damped": len(damped), "quarterly_calls": planned}


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def plan_quarterly_calls(day: dt.date) -> int:
    """A call for each damped customer whose last call is a quarter old and who has none open."""
    damped = CustomerCadence.objects.filter(quarterly_since__isnull=False, quarterly_since__lte=day)
    calls = FollowUpTask.objects.calls().filter(status__in=(TaskStatus.PENDING, TaskStatus.DONE))
    due = (
        calls.filter(customer__in=damped.values("customer_id"))
        .values("customer_id")
        .annotate(last_due=Max("due_date"), open=Count("pk", filter=Q(status=TaskStatus.PENDING)))
        .filter(open=0, last_due__lte=day - QUARTER)
        .values("customer_id")
    )
    # Each customer's last call (latest due date, then the newest) gives clerk, store and script.
    last_calls = (
        calls.filter(customer__in=due)
        .annotate(
            place=Window(RowNumber(), partition_by=F("customer_id"), order_by=[F("due_date").desc(), F("id").desc()])
        )
        .filter(place=1)
        .select_related("rule")
    )
    tasks = [
        FollowUpTask(
            key=f"quarterly:{last.customer_id}:{day.isoformat()}",
            kind=TaskKind.ADHOC,
            customer_id=last.customer_id,
            store_id=last.store_id,
            assignee_id=last.assignee_id,
            channel=Channel.CALL,
            purpose=QUARTERLY_PURPOSE,
            script=last.rule.script if last.rule_id else "",
            due_date=day,
        )
        for last in last_calls
    ]
    FollowUpTask.objects.bulk_create(tasks, ignore_conflicts=True, batch_size=2000)
    return len(tasks)
