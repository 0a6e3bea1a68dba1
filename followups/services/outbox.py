"""The SMS outbox: due SMS tasks become messages, and each message is sent exactly once.

Queuing is idempotent through the message's unique ``key`` (``task:<id>``). Sending
claims a message with a conditional UPDATE (queued -> sending); only the claimer sends
it. A sender that dies after the claim leaves the row "sending": after
KEDANG_SMS_CLAIM_TIMEOUT seconds another sender claims it again, and the backend's
idempotency on the message id keeps the customer from getting it twice.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from crm.db import bulk_set, insert_ignoring_conflicts
from customers.models import ContactChannel, ContactLog, ContactOutcome, Purchase, PurchaseLine
from followups import notes
from followups.models import Channel, FollowUpTask, MessageStatus, OutboundMessage, TaskStatus
from followups.services.messages import context_for, gifts_on_offer, loyalty_context_for, message_context, sms_text
from followups.sms import SmsError, SmsMessage, get_backend
from loyalty.models import PointsAccount

logger = logging.getLogger(__name__)

BATCH = 500


def queue_due_messages(day: dt.date) -> dict:
    """Turn every SMS task due by ``day`` into an outbox message (or cancel it if the
    customer may not get SMS). A batch of tasks costs a fixed number of queries: their
    purchases, lines, balances and the gifts are read for the whole batch."""
    queued = cancelled = 0
    # A day-2 points message weeks late helps nobody (a backlog after an outage, a
    # restored backup, sales entered after the fact): such SMS are dropped, not sent.
    too_late = day - dt.timedelta(days=settings.KEDANG_SMS_MAX_LATE_DAYS)
    # NOT EXISTS, not the ORM's LEFT JOIN … IS NULL: PostgreSQL does not turn that join
    # into an anti-join, and hashed the whole outbox for each batch (quadratic in a day's SMS).
    unqueued = ~Exists(OutboundMessage.objects.filter(task_id=OuterRef("pk")))
    expired = FollowUpTask.objects.due_on(too_late - dt.timedelta(days=1)).filter(unqueued, channel=Channel.SMS)
    cancelled += FollowUpTask.objects.filter(id__in=expired.values("id"), status=TaskStatus.PENDING).update(
        status=TaskStatus.CANCELLED, note=notes.TOO_LATE
    )
    due = FollowUpTask.objects.due_on(day).filter(unqueued, channel=Channel.SMS)
    # The ids first, in one query, then each batch by primary key: "the next 500 due after
    # id N" would walk the whole task table once per batch.
    ids = list(due.order_by("id").values_list("id", flat=True))
    gifts = gifts_on_offer()
    for start in range(0, len(ids), BATCH):
        batch = list(
            due.filter(id__in=ids[start : start + BATCH])
            .select_related("customer", "customer__home_store", "store", "template", "purchase")
            .only(*QUEUED_FIELDS)
            .order_by("id")
        )
        blocked = [task.id for task in batch if not task.customer.can_receive_sms]
        sending = [task for task in batch if task.customer.can_receive_sms]
        texts = _texts(sending, day, gifts)
        # The INSERT's SQL is compiled once per batch size (crm.db.insert_ignoring_conflicts):
        # a key already queued is skipped.
        insert_ignoring_conflicts(
            [
                OutboundMessage(
                    key=f"task:{task.id}",
                    customer_id=task.customer_id,
                    store_id=task.store_id,
                    task_id=task.id,
                    mobile=task.customer.mobile,
                    body=texts[task.id],
                )
                for task in sending
            ]
        )
        queued += len(sending)
        cancelled += FollowUpTask.objects.filter(id__in=blocked, status=TaskStatus.PENDING).update(
            status=TaskStatus.CANCELLED, note=notes.NO_SMS
        )
    return {"messages_queued": queued, "sms_tasks_cancelled": cancelled}


# What a message's text and address need of its task (the placeholders of
# ``messages.context_for``), not the customer's whole file.
QUEUED_FIELDS = [
    "id",
    "channel",
    "script",
    "customer__name",
    "customer__gender",
    "customer__member_since",
    "customer__cumulative_spend",
    "customer__mobile",
    "customer__mobile_invalid",
    "customer__marketing_consent",
    "customer__marketing_opt_out_at",
    "customer__consent_pending",
    "customer__home_store__name",
    "store__name",
    "template__body",
    "purchase__id",
    "purchase__store_id",
]


def _texts(tasks: list[FollowUpTask], day: dt.date, gifts: list) -> dict[int, str]:
    """Each task's message text (``task_text`` for a batch)."""
    if not tasks:
        return {}
    customer_ids = {task.customer_id for task in tasks}
    # The customer's latest real purchase, for messages not about one purchase.
    latest = {
        purchase.customer_id: purchase
        for purchase in Purchase.objects.counted()
        .filter(customer_id__in={task.customer_id for task in tasks if task.purchase_id is None})
        .annotate(
            place=Window(
                RowNumber(), partition_by=F("customer_id"), order_by=[F("purchased_at").desc(), F("id").desc()]
            )
        )
        .filter(place=1)
    }
    purchases = {task.id: task.purchase or latest.get(task.customer_id) for task in tasks}
    items: dict[int, list[str]] = {}
    lines = PurchaseLine.objects.filter(purchase_id__in={p.pk for p in purchases.values() if p}).order_by("id")
    for purchase_id, item in lines.values_list("purchase_id", "item"):
        items.setdefault(purchase_id, []).append(item)
    balances = dict(PointsAccount.objects.filter(customer_id__in=customer_ids).values_list("customer_id", "balance"))
    texts = {}
    for task in tasks:
        purchase = purchases[task.id]
        context = context_for(
            task.customer,
            purchase=purchase,
            items=items.get(purchase.pk, []) if purchase else [],
            store=task.store,
            day=day,
            **loyalty_context_for(balances.get(task.customer_id, 0), gifts),
        )
        texts[task.id] = sms_text(task.template.body if task.template_id else task.script, context)
    return texts


def task_text(task: FollowUpTask, day: dt.date) -> str:
    body = task.template.body if task.template_id else task.script
    context = message_context(task.customer, purchase=task.purchase, store=task.store, day=day)
    return sms_text(body, context)


def preview(body: str, context: dict) -> str:
    return sms_text(body, context)


def _claimable(now: dt.datetime) -> Q:
    stale = now - dt.timedelta(seconds=settings.KEDANG_SMS_CLAIM_TIMEOUT)
    queued = Q(status=MessageStatus.QUEUED) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    return queued | Q(status=MessageStatus.SENDING, claimed_at__lt=stale)


def send_due_messages(now: dt.datetime | None = None, limit: int | None = None) -> dict:
    """Send every message that is due (new, due for a retry, or abandoned by a dead sender),
    a batch at a time: one claim, the sends, then the results of the batch written together."""
    counts = {"sent": 0, "retry": 0, "failed": 0, "cancelled": 0}
    backend = None
    now = now or timezone.now()
    last_id, left = 0, limit
    while left is None or left > 0:
        size = BATCH if left is None else min(BATCH, left)
        batch = claim_batch(now, after=last_id, size=size)
        if not batch:
            break
        last_id = batch[-1].pk
        left = None if left is None else left - len(batch)
        backend = backend or get_backend()
        results = [(message, _attempt(message, backend)) for message in batch]
        _record(results)
        for _message, (outcome, _fields) in results:
            counts[outcome] += 1
    return counts


def claim(message_id: int) -> OutboundMessage | None:
    """Claim one message (the batch claim does the same for many)."""
    now = timezone.now()
    claimed = OutboundMessage.objects.filter(Q(pk=message_id) & _claimable(now)).update(
        status=MessageStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if claimed != 1:
        return None  # another sender got there first
    return OutboundMessage.objects.select_related("customer").get(pk=message_id)


def claim_batch(now: dt.datetime, *, after: int, size: int) -> list[OutboundMessage]:
    """Claim up to ``size`` due messages with ids above ``after`` with one conditional
    UPDATE; rows another sender is claiming are skipped, not waited for."""
    claimed_at = timezone.now()
    with transaction.atomic():
        # The ids are read first: PostgreSQL may run an ``IN (… LIMIT n FOR UPDATE)``
        # subquery more than once inside an UPDATE and claim more than ``size`` rows.
        candidates = list(
            OutboundMessage.objects.filter(_claimable(now), pk__gt=after)
            .order_by("pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:size]
        )
        if not candidates:
            return []
        OutboundMessage.objects.filter(pk__in=candidates).filter(_claimable(claimed_at)).update(
            status=MessageStatus.SENDING, claimed_at=claimed_at, attempts=F("attempts") + 1
        )
    return list(
        OutboundMessage.objects.filter(status=MessageStatus.SENDING, claimed_at=claimed_at, pk__in=candidates)
        .select_related("customer")
        .only(*CLAIMED_FIELDS)
        .order_by("pk")
    )


# What sending reads of a claimed message: its own row and whether the customer may get
# SMS (not the customer's whole file, built a hundred thousand times on a big day).
CLAIMED_FIELDS = [f.name for f in OutboundMessage._meta.concrete_fields] + [
    f"customer__{name}"
    for name in ("mobile", "mobile_invalid", "marketing_consent", "marketing_opt_out_at", "consent_pending")
]


def _attempt(message: OutboundMessage, backend) -> tuple[str, dict]:
    """Send a claimed message; returns the counts key and the fields to record."""
    if not message.customer.can_receive_sms:
        return "cancelled", {"status": MessageStatus.CANCELLED, "last_error": "customer may not get SMS"}
    try:
        provider_id = backend.send(SmsMessage(id=message.key, to=message.mobile, text=message.body))
    except SmsError as exc:
        logger.warning("SMS %s failed (attempt %s): %s", message.key, message.attempts, exc)
        if message.attempts >= settings.KEDANG_SMS_MAX_ATTEMPTS:
            return "failed", {"status": MessageStatus.FAILED, "last_error": str(exc)[:300]}
        retry_at = timezone.now() + backoff(message.attempts)
        return "retry", {"status": MessageStatus.QUEUED, "last_error": str(exc)[:300], "next_attempt_at": retry_at}
    return "sent", {"status": MessageStatus.SENT, "sent_at": timezone.now(), "provider_id": provider_id[:100]}


def deliver(message: OutboundMessage, backend) -> str:
    """Send one claimed message and record the result; returns the counts key."""
    result = _attempt(message, backend)
    _record([(message, result)])
    return result[0]


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 ... minutes, at most 2 hours."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 120))


RESULT_FIELDS = ["status", "last_error", "next_attempt_at", "sent_at", "provider_id"]


def _record(results: list[tuple[OutboundMessage, tuple[str, dict]]]) -> int:
    """Record the results of the messages this sender still holds (a sender whose claim
    went stale and was taken over records nothing), with their tasks and contact logs."""
    now = timezone.now()
    with transaction.atomic():
        held = set(
            OutboundMessage.objects.select_for_update()
            .filter(Q(status=MessageStatus.SENDING) & _same_claims([message for message, _result in results]))
            .values_list("pk", flat=True)
        )
        mine = [(message, result) for message, result in results if message.pk in held]
        for message, (_outcome, fields) in mine:
            for name, value in fields.items():
                setattr(message, name, value)
        bulk_set([message for message, _result in mine], RESULT_FIELDS)
        sent = [message for message, (outcome, _f) in mine if outcome == "sent" and message.task_id is not None]
        _log_and_close(sent, now)
        given_up = [
            FollowUpTask(pk=message.task_id, status=TaskStatus.CANCELLED, note=fields.get("last_error", ""))
            for message, (outcome, fields) in mine
            if outcome in ("failed", "cancelled") and message.task_id is not None
        ]
        bulk_set(given_up, ["status", "note"], FollowUpTask.objects.filter(status=TaskStatus.PENDING))
    return len(mine)


def _log_and_close(sent: list[OutboundMessage], now: dt.datetime) -> None:
    """A contact log for each sent message, and its task done with that log."""
    if not sent:
        return
    if connection.vendor == "postgresql":
        _log_and_close_in_sql([message.pk for message in sent], now)
        return
    purposes = dict(FollowUpTask.objects.filter(pk__in=[m.task_id for m in sent]).values_list("pk", "purpose"))
    logs = ContactLog.objects.bulk_create(
        ContactLog(
            customer_id=message.customer_id,
            store_id=message.store_id,
            staff=None,
            channel=ContactChannel.SMS,
            occurred_at=now,
            purpose=purposes[message.task_id][:100],
            outcome=ContactOutcome.SENT,
            note=message.body,
        )
        for message in sent
    )
    done = [
        FollowUpTask(
            pk=message.task_id, status=TaskStatus.DONE, outcome=ContactOutcome.SENT, contact_log=log, completed_at=now
        )
        for message, log in zip(sent, logs, strict=True)
    ]
    FollowUpTask.objects.bulk_update(done, ["status", "outcome", "contact_log", "completed_at"])


def _log_and_close_in_sql(message_ids: list[int], now: dt.datetime) -> None:
    """``_log_and_close`` in one statement: the logs' ids are drawn from their sequence
    first, so each task is paired with its own log without building either in Python."""
    message, log, task = (m._meta.db_table for m in (OutboundMessage, ContactLog, FollowUpTask))
    sql = f"""
        WITH sent AS MATERIALIZED (
            SELECT m.id AS message_id, m.task_id, m.customer_id, m.store_id, m.body, LEFT(t.purpose, 100) AS purpose,
                   nextval(pg_get_serial_sequence(%(log)s, 'id')) AS log_id
            FROM {message} m JOIN {task} t ON t.id = m.task_id WHERE m.id = ANY(%(ids)s)
        ), logged AS (
            INSERT INTO {log} (id, customer_id, store_id, staff_id, channel, occurred_at, purpose, outcome,
                               satisfaction, churn_reason, note)
            SELECT log_id, customer_id, store_id, NULL, %(sms)s, %(now)s, purpose, %(sent)s, NULL, '', body
            FROM sent ORDER BY message_id
        )
        UPDATE {task} SET status = %(done)s, outcome = %(sent)s, contact_log_id = sent.log_id, completed_at = %(now)s
        FROM sent WHERE {task}.id = sent.task_id"""
    params = {
        "log": log,
        "ids": message_ids,
        "sms": ContactChannel.SMS,
        "now": now,
        "sent": ContactOutcome.SENT,
        "done": TaskStatus.DONE,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _same_claims(messages: list[OutboundMessage]) -> Q:
    """The rows still carrying the claims these objects were read with."""
    by_claim: dict = {}
    for message in messages:
        by_claim.setdefault(message.claimed_at, []).append(message.pk)
    q = Q(pk__in=[])
    for claimed_at, ids in by_claim.items():
        q |= Q(claimed_at=claimed_at, pk__in=ids)
    return q


def send_transactional(*, customer, store, text: str, key: str, masked_text: str) -> bool:
    """Send a message the customer asked for (a verification code) at once.

    Not marketing: consent and a TD opt-out do not block it (the customer is at the till
    asking for it), and it carries no opt-out line. The outbox keeps a row for the record
    with ``masked_text``, so nobody who can read the outbox can read the code.
    """
    try:
        provider_id = get_backend().send(SmsMessage(id=key, to=customer.mobile, text=text))
        status, error = MessageStatus.SENT, ""
    except SmsError as exc:
        logger.warning("transactional SMS %s failed: %s", key, exc)
        provider_id, status, error = "", MessageStatus.FAILED, str(exc)[:300]
    now = timezone.now()
    OutboundMessage.objects.create(
        key=key,
        customer=customer,
        store=store,
        mobile=customer.mobile,
        body=masked_text,
        status=status,
        attempts=1,
        claimed_at=now,
        sent_at=now if status == MessageStatus.SENT else None,
        provider_id=provider_id[:100],
        last_error=error,
    )
    return status == MessageStatus.SENT
