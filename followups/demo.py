"""Demo history for seed_demo: the callbacks of past weeks were worked, mostly on time."""

import datetime as dt

from django.utils import timezone

from customers.models import ChurnReason, ContactChannel, ContactLog, ContactOutcome
from followups.models import FollowUpTask, TaskStatus

OUTCOMES = [ContactOutcome.SATISFIED] * 7 + [
    ContactOutcome.NOT_REACHED,
    ContactOutcome.PROBLEM,
    ContactOutcome.CALL_BACK,
]


def seed_demo(*, rng, today, stores, staff, customers, **_):
    tz = timezone.get_current_timezone()
    tasks = list(
        FollowUpTask.objects.pending()
        .calls()
        .filter(due_date__lt=today - dt.timedelta(days=1))
        .select_related("customer")
        .order_by("id")
    )
    done, logs = [], []
    for task in tasks:
        roll = rng.random()
        if roll < 0.12 and task.due_date >= today - dt.timedelta(days=45):
            continue  # missed lately: stays on the worklist as overdue
        late_days = rng.randint(1, 4) if roll < 0.22 else 0
        when = dt.datetime.combine(task.due_date + dt.timedelta(days=late_days), dt.time(rng.randint(10, 19), 0), tz)
        if when.date() >= today:
            continue
        outcome = rng.choice(OUTCOMES)
        reached = outcome in (ContactOutcome.SATISFIED, ContactOutcome.PROBLEM)
        log = ContactLog(
            customer=task.customer,
            store=task.store,
            staff=task.assignee,
            channel=ContactChannel.CALL,
            occurred_at=when,
            purpose=task.purpose,
            outcome=outcome,
            satisfaction=rng.choice([3, 4, 4, 5, 5]) if reached else None,
            churn_reason=rng.choice(list(ChurnReason.values)) if outcome == ContactOutcome.PROBLEM else "",
        )
        logs.append(log)
        task.status, task.outcome, task.completed_at, task.completed_by = TaskStatus.DONE, outcome, when, task.assignee
        task.satisfaction, task.attempts = log.satisfaction, 1
        done.append(task)
    ContactLog.objects.bulk_create(logs)
    for task, log in zip(done, logs, strict=True):
        task.contact_log = log
    FollowUpTask.objects.bulk_update(
        done, ["status", "outcome", "completed_at", "completed_by", "satisfaction", "attempts", "contact_log"], 500
    )
