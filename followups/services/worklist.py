"""The clerk's list for today and the outcomes recorded from it."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from customers.models import CallTime, ContactChannel, ContactLog, ContactOutcome, Customer, Purchase
from followups.models import Channel, FollowUpTask, TaskStatus
from followups.services.messages import render, stop_messages

CALL_WINDOWS = {
    CallTime.MORNING: (9, 12),
    CallTime.AFTERNOON: (12, 18),
    CallTime.EVENING: (18, 21),
}
# The outcomes a clerk picks from the worklist (SENT and NOTE are not call outcomes).
CALL_OUTCOMES = (
    ContactOutcome.SATISFIED,
    ContactOutcome.PROBLEM,
    ContactOutcome.NOT_REACHED,
    ContactOutcome.WRONG_NUMBER,
    ContactOutcome.CALL_BACK,
)
CHANNELS = {Channel.CALL: ContactChannel.CALL, Channel.VISIT: ContactChannel.VISIT, Channel.SMS: ContactChannel.SMS}


def fits_call_time(preferred: str, now: dt.datetime | None = None) -> bool:
    window = CALL_WINDOWS.get(preferred)
    if window is None:
        return True
    hour = timezone.localtime(now).hour
    return window[0] <= hour < window[1]


def worklist(user, day: dt.date, *, assignee=None):
    """Calls and visits due by ``day`` in the stores ``user`` sees, oldest first, with
    what the row shows fetched in the same query."""
    last_purchase = (
        Purchase.objects.filter(customer=OuterRef("customer_id"), is_imported=False)
        .order_by("-purchased_at", "-id")
        .values("pk")[:1]
    )
    tasks = (
        FollowUpTask.objects.visible_to(user)
        .due_on(day)
        .calls()
        .select_related("customer", "store", "assignee", "assignee__staff")
        .annotate(
            last_purchase_id=Subquery(last_purchase),
            points=Coalesce(F("customer__points_account__balance"), 0),
            call_order=Case(
                When(customer__preferred_call_time=CallTime.MORNING, then=Value(1)),
                When(customer__preferred_call_time=CallTime.AFTERNOON, then=Value(2)),
                When(customer__preferred_call_time=CallTime.EVENING, then=Value(3)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by("due_date", "call_order", "id")
    )
    if assignee is not None:
        tasks = tasks.filter(assignee=assignee)
    return tasks


def attach_glance(tasks: list[FollowUpTask]) -> None:
    """Each task's customer's last purchase with its items, and its script filled in,
    in three queries whatever the number of tasks."""
    from loyalty.models import Gift

    gifts = list(Gift.objects.filter(is_active=True, stock__gt=0).order_by("points_price", "pk"))
    purchases = Purchase.objects.filter(pk__in={t.last_purchase_id for t in tasks if t.last_purchase_id})
    by_id = {p.pk: p for p in purchases.prefetch_related("lines")}
    now = timezone.now()
    for task in tasks:
        task.last_purchase = by_id.get(task.last_purchase_id)
        task.fits_call_time = fits_call_time(task.customer.preferred_call_time, now)
        task.script_text = render(task.script, _glance_context(task, gifts))


def _glance_context(task: FollowUpTask, gifts) -> dict:
    customer = task.customer
    gift = next((g for g in gifts if g.points_price > task.points), None)
    needed = gift.points_price - task.points if gift else 0
    purchase = task.last_purchase
    return {
        "name": customer.salutation,
        "store": task.store.name,
        "items": "、".join(line.item for line in purchase.lines.all()) if purchase else "",
        "points": task.points,
        "cumulative_spend": f"{customer.cumulative_spend:.2f}",
        "next_gift": str(gift or ""),
        "points_needed": needed,
        "gift_hint": f"再积{needed}分即可兑换{gift}。" if gift else "",
    }


def merge_same_customer(tasks: list[FollowUpTask]) -> list[FollowUpTask]:
    """One row per customer: a customer's later calls of the list ride on their first
    (``task.merged``), so the clerk phones once; one outcome closes them all."""
    rows, by_customer = [], {}
    for task in tasks:
        first = by_customer.get((task.customer_id, task.store_id))
        if first is None:
            task.merged = []
            by_customer[(task.customer_id, task.store_id)] = task
            rows.append(task)
        else:
            first.merged.append(task)
    return rows


def merged_calls(task: FollowUpTask, day: dt.date):
    """The customer's other calls due by ``day`` in the same store, which one phone call covers."""
    return (
        FollowUpTask.objects.due_on(day)
        .calls()
        .filter(customer_id=task.customer_id, store_id=task.store_id)
        .exclude(pk=task.pk)
    )


def _close_merged(task: FollowUpTask, today: dt.date) -> None:
    """The same outcome for the calls merged into ``task``'s row (inside its transaction)."""
    merged = merged_calls(task, today).select_for_update()
    fields = {"outcome": task.outcome, "note": task.note, "attempts": F("attempts") + 1}
    if task.satisfaction is not None:
        fields["satisfaction"] = task.satisfaction
    if task.status == TaskStatus.DONE:
        fields.update(
            status=TaskStatus.DONE,
            completed_at=task.completed_at,
            completed_by=task.completed_by,
            points_at_contact=task.points_at_contact,
        )
    else:
        fields.update(due_date=task.due_date, overdue=False)
    FollowUpTask.objects.filter(pk__in=list(merged.values_list("pk", flat=True))).update(**fields)


def script_text(task: FollowUpTask) -> str:
    """The task's script with the customer's own values, as the worklist row shows it."""
    from followups.services.messages import message_context

    return render(task.script, message_context(task.customer, store=task.store))


def record_outcome(
    task: FollowUpTask,
    *,
    outcome: str,
    by,
    satisfaction: int | None = None,
    churn_reason: str = "",
    note: str = "",
    callback_on: dt.date | None = None,
    attempt: int | None = None,
) -> FollowUpTask | None:
    """Record what came of a call. Returns None when the task was already handled
    (a second click, or another clerk): nothing is recorded twice.

    ``attempt`` is the attempt count the clerk's page showed; a stale one is a repeat.
    """
    from loyalty.services import points_balance

    today = timezone.localdate()
    with transaction.atomic():
        task = FollowUpTask.objects.select_for_update().select_related("customer").get(pk=task.pk)
        if task.status != TaskStatus.PENDING or (attempt is not None and attempt != task.attempts):
            return None
        log = ContactLog.objects.create(
            customer=task.customer,
            store=task.store,
            staff=by,
            channel=CHANNELS[task.channel],
            purpose=task.purpose[:100],
            outcome=outcome,
            satisfaction=satisfaction,
            churn_reason=churn_reason,
            note=note,
        )
        task.contact_log = log
        task.outcome = outcome
        task.note = note
        task.attempts += 1
        if satisfaction is not None:
            task.satisfaction = satisfaction
        done = True
        if outcome in (ContactOutcome.SATISFIED, ContactOutcome.PROBLEM):
            task.points_at_contact = points_balance(task.customer)
        elif outcome == ContactOutcome.CALL_BACK:
            task.due_date = max(callback_on or today + dt.timedelta(days=1), today)
            done = False
        elif outcome == ContactOutcome.NOT_REACHED:
            done = task.attempts >= settings.KEDANG_FOLLOWUP_MAX_ATTEMPTS
            if not done:
                task.due_date = today + dt.timedelta(days=1)
        elif outcome == ContactOutcome.WRONG_NUMBER:
            Customer.objects.filter(pk=task.customer_id).update(mobile_invalid=True, updated_at=timezone.now())
            task.customer.mobile_invalid = True
        if done:
            task.status = TaskStatus.DONE
            task.completed_at = timezone.now()
            task.completed_by = by
        else:
            task.overdue = False
        task.save()
        _close_merged(task, today)
    if outcome == ContactOutcome.WRONG_NUMBER:
        stop_messages(task.customer, by=by, reason="wrong_number")
    return task
