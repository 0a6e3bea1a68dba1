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
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from customers.models import ContactChannel, ContactLog, ContactOutcome
from followups.models import Channel, FollowUpTask, MessageStatus, OutboundMessage, TaskStatus
from followups.services.messages import message_context, sms_text
from followups.sms import SmsError, SmsMessage, get_backend

logger = logging.getLogger(__name__)

BATCH = 500


def queue_due_messages(day: dt.date) -> dict:
    """Turn every SMS task due by ``day`` into an outbox message (or cancel it if the
    customer may not get SMS)."""
    queued = cancelled = 0
    # A day-2 points message weeks late helps nobody (a backlog after an outage, a
    # restored backup, sales entered after the fact): such SMS are dropped, not sent.
    too_late = day - dt.timedelta(days=settings.KEDANG_SMS_MAX_LATE_DAYS)
    expired = FollowUpTask.objects.due_on(too_late - dt.timedelta(days=1)).filter(
        channel=Channel.SMS, messages__isnull=True
    )
    cancelled += FollowUpTask.objects.filter(id__in=expired.values("id"), status=TaskStatus.PENDING).update(
        status=TaskStatus.CANCELLED, note="too late to send"
    )
    due = (
        FollowUpTask.objects.due_on(day)
        .filter(channel=Channel.SMS, messages__isnull=True)
        .select_related("customer", "customer__home_store", "store", "template", "purchase")
        .order_by("id")
    )
    last_id = 0
    while True:
        batch = list(due.filter(id__gt=last_id)[:BATCH])
        if not batch:
            break
        last_id = batch[-1].id
        messages, blocked = [], []
        for task in batch:
            if not task.customer.can_receive_sms:
                blocked.append(task.id)
                continue
            messages.append(
                OutboundMessage(
                    key=f"task:{task.id}",
                    customer=task.customer,
                    store=task.store,
                    task=task,
                    mobile=task.customer.mobile,
                    body=task_text(task, day),
                )
            )
        OutboundMessage.objects.bulk_create(messages, ignore_conflicts=True)
        queued += len(messages)
        cancelled += FollowUpTask.objects.filter(id__in=blocked, status=TaskStatus.PENDING).update(
            status=TaskStatus.CANCELLED, note="no SMS consent or invalid number"
        )
    return {"messages_queued": queued, "sms_tasks_cancelled": cancelled}


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
    """Send every message that is due (new, due for a retry, or abandoned by a dead sender)."""
    counts = {"sent": 0, "retry": 0, "failed": 0, "cancelled": 0}
    backend = None
    now = now or timezone.now()
    ids = list(OutboundMessage.objects.filter(_claimable(now)).order_by("id").values_list("id", flat=True)[:limit])
    for message_id in ids:
        message = claim(message_id)
        if message is None:
            continue
        backend = backend or get_backend()
        counts[deliver(message, backend)] += 1
    return counts


def claim(message_id: int) -> OutboundMessage | None:
    now = timezone.now()
    claimed = OutboundMessage.objects.filter(Q(pk=message_id) & _claimable(now)).update(
        status=MessageStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if claimed != 1:
        return None  # another sender got there first
    return OutboundMessage.objects.select_related("customer").get(pk=message_id)


def deliver(message: OutboundMessage, backend) -> str:
    """Send a claimed message and record the result; returns the counts key."""
    if not message.customer.can_receive_sms:
        _finish(message, status=MessageStatus.CANCELLED, last_error="customer may not get SMS")
        return "cancelled"
    try:
        provider_id = backend.send(SmsMessage(id=message.key, to=message.mobile, text=message.body))
    except SmsError as exc:
        logger.warning("SMS %s failed (attempt %s): %s", message.key, message.attempts, exc)
        if message.attempts >= settings.KEDANG_SMS_MAX_ATTEMPTS:
            _finish(message, status=MessageStatus.FAILED, last_error=str(exc)[:300])
            return "failed"
        _finish(
            message,
            status=MessageStatus.QUEUED,
            last_error=str(exc)[:300],
            next_attempt_at=timezone.now() + backoff(message.attempts),
        )
        return "retry"
    _finish(message, status=MessageStatus.SENT, sent_at=timezone.now(), provider_id=provider_id[:100])
    return "sent"


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 ... minutes, at most 2 hours."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 120))


def _finish(message: OutboundMessage, *, status: str, **fields) -> bool:
    """Record the result if this sender still holds the claim."""
    with transaction.atomic():
        done = OutboundMessage.objects.filter(
            pk=message.pk, status=MessageStatus.SENDING, claimed_at=message.claimed_at
        ).update(status=status, **fields)
        if done != 1 or message.task_id is None:
            return done == 1
        if status == MessageStatus.SENT:
            log = ContactLog.objects.create(
                customer_id=message.customer_id,
                store_id=message.store_id,
                staff=None,
                channel=ContactChannel.SMS,
                purpose=message.task.purpose[:100],
                outcome=ContactOutcome.SENT,
                note=message.body,
            )
            FollowUpTask.objects.filter(pk=message.task_id).update(
                status=TaskStatus.DONE, outcome=ContactOutcome.SENT, contact_log=log, completed_at=timezone.now()
            )
        elif status in (MessageStatus.FAILED, MessageStatus.CANCELLED):
            FollowUpTask.objects.filter(pk=message.task_id, status=TaskStatus.PENDING).update(
                status=TaskStatus.CANCELLED, note=fields.get("last_error", "")
            )
    return True


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
