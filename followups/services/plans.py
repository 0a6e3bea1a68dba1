"""Follow-up plans: the tasks a purchase creates, ad-hoc callbacks, and a manager's changes."""

import datetime as dt
import uuid

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from crm.access import audit
from crm.db import insert_ignoring_conflicts
from customers.models import Customer, Purchase, Tier
from followups.models import CadenceRule, Channel, CustomerCadence, FollowUpTask, TaskKind, TaskStatus

ACTIVE = (TaskStatus.PENDING, TaskStatus.DONE)


def on_purchase_recorded(purchase: Purchase) -> None:
    """Provider of the ``purchase_recorded`` hook (order 20, after loyalty's points and
    tier check): runs inside the purchase's transaction with the customer row locked, so
    two purchases of one customer plan one after the other."""
    create_plan(purchase)


def create_plan(purchase: Purchase) -> list[FollowUpTask]:
    """The purchase's tasks, due in store-local days after it, for the clerk who served it.

    The plan replaces what older plans still had ahead of them, and its calls keep
    KEDANG_FOLLOWUP_MIN_CALL_GAP_DAYS from any other call of the customer.
    """
    customer = purchase.customer
    day = timezone.localdate(purchase.purchased_at)
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            busy, rules = _supersede_and_read(purchase, day)
        else:
            _supersede(purchase, day)
            busy = _call_days(customer, exclude_purchase=purchase)
            rules = CadenceRule.objects.filter(tier=plan_tier(customer), is_active=True)
        tasks = []
        for rule in sorted(rules, key=lambda r: (r.day_offset, r.id)):
            due = day + dt.timedelta(days=rule.day_offset)
            if rule.channel != Channel.SMS:
                due = _first_free_day(due, busy)
                busy.add(due)
            tasks.append(
                FollowUpTask(
                    kind=TaskKind.PLAN,
                    customer=customer,
                    store_id=purchase.store_id,
                    assignee_id=purchase.clerk_id,
                    purchase=purchase,
                    rule=rule,
                    channel=rule.channel,
                    purpose=rule.purpose,
                    script=rule.script,
                    template_id=rule.template_id,
                    due_date=due,
                )
            )
        insert_ignoring_conflicts(tasks)
    return tasks


def _supersede(purchase: Purchase, day: dt.date) -> None:
    FollowUpTask.objects.filter(
        customer=purchase.customer,
        kind=TaskKind.PLAN,
        status=TaskStatus.PENDING,
        due_date__gt=day,
        purchase__purchased_at__lt=purchase.purchased_at,
    ).update(status=TaskStatus.SUPERSEDED, superseded_by=purchase)
    # A purchase is points growth: the customer is back on the full cadence.
    CustomerCadence.objects.filter(customer=purchase.customer).update(quarterly_since=None)


def _supersede_and_read(purchase: Purchase, day: dt.date) -> tuple[set[dt.date], list[CadenceRule]]:
    """``_supersede``, ``_call_days`` and the cadence rules of ``plan_tier`` in one
    statement (PostgreSQL): the plan's one read at a sale."""
    from loyalty.models import OPEN_STATUSES, CardApplication, tier_rank

    q = connection.ops.quote_name
    task, sale, cadence, rule, app = (
        q(m._meta.db_table) for m in (FollowUpTask, Purchase, CustomerCadence, CadenceRule, CardApplication)
    )
    customer = purchase.customer
    higher = [t for t in Tier.values if tier_rank(t) > tier_rank(customer.tier)]
    sql = f"""
        WITH superseded AS (
            UPDATE {task} SET status = %(superseded)s, superseded_by_id = %(purchase)s WHERE id IN (
                SELECT t.id FROM {task} t JOIN {sale} s ON s.id = t.purchase_id
                WHERE t.customer_id = %(customer)s AND t.kind = %(plan)s AND t.status = %(pending)s
                  AND t.due_date > %(day)s AND s.purchased_at < %(when)s)
            RETURNING id
        ), cadence AS (
            UPDATE {cadence} SET quarterly_since = NULL WHERE customer_id = %(customer)s
        ), plan AS (
            SELECT COALESCE((SELECT target_tier FROM {app} WHERE customer_id = %(customer)s
                AND status = ANY(%(open)s::text[]) AND target_tier = ANY(%(higher)s::text[]) LIMIT 1), %(tier)s) AS tier
        )
        SELECT NULL::date, r.id, r.tier, r.day_offset, r.channel, r.purpose, r.script, r.template_id, r.is_active
        FROM {rule} r JOIN plan ON r.tier = plan.tier WHERE r.is_active
        UNION ALL
        SELECT t.due_date, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM {task} t
        WHERE t.customer_id = %(customer)s AND t.status = ANY(%(active)s::text[]) AND t.channel <> %(sms)s
          AND (t.purchase_id IS NULL OR t.purchase_id <> %(purchase)s)
          AND t.id NOT IN (SELECT id FROM superseded)"""
    params = {
        "superseded": TaskStatus.SUPERSEDED,
        "purchase": purchase.pk,
        "customer": customer.pk,
        "plan": TaskKind.PLAN,
        "pending": TaskStatus.PENDING,
        "day": day,
        "when": purchase.purchased_at,
        "open": [str(s) for s in OPEN_STATUSES],
        "higher": [str(t) for t in higher],
        "tier": customer.tier,
        "active": [str(s) for s in ACTIVE],
        "sms": Channel.SMS,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    busy = {row[0] for row in rows if row[1] is None}
    fields = ("id", "tier", "day_offset", "channel", "purpose", "script", "template_id", "is_active")
    rules = [CadenceRule(**dict(zip(fields, row[1:], strict=True))) for row in rows if row[1] is not None]
    return busy, rules


def plan_tier(customer: Customer) -> str:
    """The tier whose cadence a purchase plans: the card applied for when an application
    is open (the purchase that qualifies for a silver card gets its day-7 pick-up call)."""
    from loyalty.models import CardApplication, tier_rank

    application = CardApplication.objects.open().filter(customer=customer).only("target_tier").first()
    if application is not None and tier_rank(application.target_tier) > tier_rank(customer.tier):
        return application.target_tier
    return customer.tier


def _call_days(customer: Customer, exclude_purchase: Purchase | None = None) -> set[dt.date]:
    calls = FollowUpTask.objects.filter(customer=customer, status__in=ACTIVE).calls()
    if exclude_purchase is not None:
        calls = calls.exclude(purchase=exclude_purchase)
    return set(calls.values_list("due_date", flat=True))


def _first_free_day(due: dt.date, busy: set[dt.date]) -> dt.date:
    gap = settings.KEDANG_FOLLOWUP_MIN_CALL_GAP_DAYS
    while any(abs((due - other).days) < gap for other in busy):
        due = max(other for other in busy if abs((due - other).days) < gap) + dt.timedelta(days=gap)
    return due


def schedule_callback(
    customer: Customer,
    *,
    purpose: str,
    due_date: dt.date,
    assignee,
    store,
    note: str = "",
    key: str,
    channel: str = Channel.CALL,
) -> FollowUpTask:
    """An ad-hoc call (hook ``schedule_callback``); the same ``key`` returns the same task."""
    task, _ = FollowUpTask.objects.get_or_create(
        key=key,
        defaults={
            "kind": TaskKind.ADHOC,
            "customer": customer,
            "store": store,
            "assignee": assignee,
            "channel": channel,
            "purpose": purpose[:100],
            "script": note,
            "due_date": due_date,
        },
    )
    return task


def schedule_callbacks(calls: list[dict]) -> int:
    """Many ad-hoc calls at once (hook ``schedule_callbacks``), for daily jobs of other
    apps: each dict has the arguments of ``schedule_callback``; a ``key`` already on the
    worklist is skipped by the unique index. Returns how many were added."""
    tasks = [
        FollowUpTask(
            kind=TaskKind.ADHOC,
            key=call["key"],
            customer=call["customer"],
            store=call["store"],
            assignee=call["assignee"],
            channel=call.get("channel", Channel.CALL),
            purpose=str(call["purpose"])[:100],
            script=call.get("note", ""),
            due_date=call["due_date"],
        )
        for call in calls
    ]
    if not tasks:
        return 0
    before = FollowUpTask.objects.filter(key__in=[t.key for t in tasks]).count()
    FollowUpTask.objects.bulk_create(tasks, ignore_conflicts=True)
    return FollowUpTask.objects.filter(key__in=[t.key for t in tasks]).count() - before


def add_task(customer, *, channel, purpose, due_date, assignee, store, by, script="", token=None) -> FollowUpTask:
    """A task a manager adds to one customer's plan; ``token`` (from the form) makes a
    double submit create it once."""
    task = schedule_callback(
        customer,
        purpose=purpose,
        due_date=due_date,
        assignee=assignee,
        store=store,
        note=script,
        key=f"manual:{token or uuid.uuid4()}",
        channel=channel,
    )
    audit(by, "followups.task_added", task, store=store, due=str(due_date))
    return task


def reschedule(task: FollowUpTask, due_date: dt.date, *, by) -> bool:
    """The manager sets a new date (accepting the clerk's proposal, or on their own)."""
    changed = FollowUpTask.objects.filter(pk=task.pk, status=TaskStatus.PENDING).update(
        due_date=due_date, overdue=due_date < timezone.localdate(), proposed_due_date=None, proposal_note=""
    )
    if changed:
        audit(by, "followups.rescheduled", task, store=task.store, due=str(due_date))
    return bool(changed)


def cancel(task: FollowUpTask, *, by) -> bool:
    changed = FollowUpTask.objects.filter(pk=task.pk, status=TaskStatus.PENDING).update(
        status=TaskStatus.CANCELLED, completed_by=by, completed_at=timezone.now()
    )
    if changed:
        audit(by, "followups.cancelled", task, store=task.store)
    return bool(changed)


def propose(task: FollowUpTask, due_date: dt.date, note: str, *, by) -> bool:
    """A clerk proposes a different date; the manager decides."""
    changed = FollowUpTask.objects.filter(pk=task.pk, status=TaskStatus.PENDING).update(
        proposed_due_date=due_date, proposal_note=note[:200], proposed_by=by
    )
    return bool(changed)


def reassign(task: FollowUpTask, assignee, *, by) -> bool:
    changed = FollowUpTask.objects.filter(pk=task.pk, status=TaskStatus.PENDING).update(assignee=assignee)
    if changed:
        audit(by, "followups.reassigned", task, store=task.store, to=assignee.pk)
    return bool(changed)


def reassign_all(store, from_user, to_user, *, by) -> int:
    """Every open task of a clerk who left goes to another clerk of the store."""
    moved = FollowUpTask.objects.filter(Q(store=store) & Q(assignee=from_user) & Q(status=TaskStatus.PENDING)).update(
        assignee=to_user
    )
    audit(by, "followups.reassigned_all", store=store, frm=from_user.pk, to=to_user.pk, tasks=moved)
    return moved
