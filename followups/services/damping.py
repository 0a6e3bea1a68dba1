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
from django.db.models import Count, Max, Q

from customers.models import ContactOutcome, Customer
from followups.defaults import QUARTERLY_PURPOSE
from followups.models import QUARTERLY_FROM_DAY, Channel, CustomerCadence, FollowUpTask, TaskKind, TaskStatus

REACHED = (ContactOutcome.SATISFIED, ContactOutcome.PROBLEM)
QUARTER = dt.timedelta(days=91)


def apply_damping(day: dt.date) -> dict:
    from loyalty.services import points_balance

    n = settings.KEDANG_FOLLOWUP_DAMPING_CALLS
    damped = 0
    reached = FollowUpTask.objects.filter(status=TaskStatus.DONE, outcome__in=REACHED, points_at_contact__isnull=False)
    # Only a newly recorded callback can make a customer qualify; a week covers missed days.
    recent = reached.filter(completed_at__date__gte=day - dt.timedelta(days=7), completed_at__date__lte=day)
    candidates = (
        reached.filter(customer__in=recent.values("customer_id"))
        .exclude(customer__cadence__quarterly_since__isnull=False)
        .values("customer_id")
        .annotate(callbacks=Count("pk"))
        .filter(callbacks__gte=n)
    )
    for row in candidates:
        customer = Customer.objects.get(pk=row["customer_id"])
        last = list(
            reached.filter(customer=customer).order_by("-completed_at").values_list("points_at_contact", flat=True)[:n]
        )
        if len(last) < n or points_balance(customer) > last[-1]:
            continue
        with transaction.atomic():
            CustomerCadence.objects.bulk_create([CustomerCadence(customer=customer)], ignore_conflicts=True)
            CustomerCadence.objects.filter(customer=customer, quarterly_since__isnull=True).update(quarterly_since=day)
            FollowUpTask.objects.filter(
                customer=customer,
                kind=TaskKind.PLAN,
                status=TaskStatus.PENDING,
                rule__day_offset__lt=QUARTERLY_FROM_DAY,
            ).exclude(channel=Channel.SMS).update(status=TaskStatus.CANCELLED, note="quarterly cadence")
        damped += 1
    planned = plan_quarterly_calls(day)
    return {"customers_damped": damped, "quarterly_calls": planned}


def plan_quarterly_calls(day: dt.date) -> int:
    """A call for each damped customer whose last call is a quarter old and who has none open."""
    damped = CustomerCadence.objects.filter(quarterly_since__isnull=False, quarterly_since__lte=day)
    calls = FollowUpTask.objects.calls().filter(status__in=(TaskStatus.PENDING, TaskStatus.DONE))
    planned = 0
    rows = (
        calls.filter(customer__in=damped.values("customer_id"))
        .values("customer_id")
        .annotate(last_due=Max("due_date"), open=Count("pk", filter=Q(status=TaskStatus.PENDING)))
        .filter(open=0, last_due__lte=day - QUARTER)
    )
    for row in rows:
        last = (
            calls.filter(customer_id=row["customer_id"], due_date=row["last_due"])
            .select_related("customer")
            .order_by("-id")
            .first()
        )
        FollowUpTask.objects.get_or_create(
            key=f"quarterly:{row['customer_id']}:{day.isoformat()}",
            defaults={
                "kind": TaskKind.ADHOC,
                "customer_id": row["customer_id"],
                "store_id": last.store_id,
                "assignee_id": last.assignee_id,
                "channel": Channel.CALL,
                "purpose": QUARTERLY_PURPOSE,
                "script": last.rule.script if last.rule_id else "",
                "due_date": day,
            },
        )
        planned += 1
    return planned
