"""Webhooks out: head office's endpoints, the events they get, signed and retried.

A delivery row is written in the transaction of the change it reports (an outbox), so
an event is sent if and only if the change was committed. After the commit a task tries
it at once; the beat task ``send_due_webhooks_task`` retries failures with exponential
backoff until ``KEDANG_WEBHOOK_MAX_ATTEMPTS``, then marks them failed. Each try claims the
row with a conditional UPDATE, so two workers never send the same delivery at once.

Each request carries ``X-Kedang-Event-Id`` (the same on every retry: the receiver's
idempotency key) and ``X-Kedang-Signature: t=<unix time>,v1=<hex>``, where the hex is the
HMAC-SHA256, keyed with the endpoint's secret, of ``"<t>." + body``.
"""

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import secrets
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from crm.access import audit
from customers import crypto

STALE_CLAIM = dt.timedelta(minutes=5)


def max_attempts() -> int:
    return settings.KEDANG_WEBHOOK_MAX_ATTEMPTS


def backoff(attempts: int) -> dt.timedelta:
    """Wait after the ``attempts``-th failure: 30 s, 1 min, 2 min, … at most 6 hours."""
    base = settings.KEDANG_WEBHOOK_BACKOFF_SECONDS
    return dt.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def check_url(url: str) -> str:
    """HTTPS only; plain HTTP to the loopback address only where settings allow it (tests)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and settings.KEDANG_WEBHOOK_ALLOW_HTTP_LOOPBACK:
        try:
            if ipaddress.ip_address(parts.hostname or "").is_loopback:
                return url
        except ValueError:
            pass
    raise ValidationError(_("A webhook address must start with https://."), code="https_required")


def create_endpoint(*, url: str, events: list[str], by, description: str = "") -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it and its signing secret (shown this once)."""
    check_url(url)
    unknown = set(events) - set(WebhookEvent.values)
    if unknown or not events:
        raise ValidationError(_("Choose at least one known event."), code="events")
    secret = "whsec_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            url=url,
            description=description.strip(),
            events=sorted(set(events)),
            secret_encrypted=crypto.encrypt(secret),
            created_by=by,
        )
        audit(by, "api.webhook_created", endpoint, url=url, events=endpoint.events)
    return endpoint, secret


def deactivate_endpoint(endpoint: WebhookEndpoint, *, by) -> None:
    with transaction.atomic():
        if WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).update(is_active=False):
            audit(by, "api.webhook_deactivated", endpoint, url=endpoint.url)
    endpoint.refresh_from_db()


# --- events ------------------------------------------------------------------------------


def emit(event: str, data: Callable[[], dict]) -> list[WebhookDelivery]:
    """Queue ``event`` for every active endpoint that listens to it (inside the caller's
    transaction); they are sent after the commit. ``data`` is only built (and its queries
    run) when some endpoint listens."""
    assert event in WebhookEvent.values, event
    endpoints = [e for e in WebhookEndpoint.objects.filter(is_active=True).only("pk", "events") if event in e.events]
    if not endpoints:
        return []
    event_id = uuid.uuid4()
    payload = json.loads(json.dumps(data(), cls=DjangoJSONEncoder))
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=e, event_id=event_id, event=event, payload=payload) for e in endpoints
    )
    ids = [d.pk for d in deliveries if d.pk]

    def _enqueue():
        from api.tasks import deliver_webhook_task

        for pk in ids:
            deliver_webhook_task.delay(pk)

    if ids:
        transaction.on_commit(_enqueue)
    return deliveries


# --- sending -----------------------------------------------------------------------------


def body_of(delivery: WebhookDelivery) -> bytes:
    document = {
        "id": str(delivery.event_id),
        "event": delivery.event,
        "created_at": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def verify(secret: str, header: str, body: bytes, *, tolerance: int = 300, now: float | None = None) -> bool:
    """What a receiver does (docs/api.md shows the same in a few lines of any language)."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs((now or time.time()) - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), fields.get("v1", ""))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _post(url: str, body: bytes, headers: dict) -> tuple[int | None, str]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=settings.KEDANG_WEBHOOK_TIMEOUT) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        return None, str(getattr(error, "reason", error))[:200]


def attempt(delivery_id: int) -> WebhookDelivery | None:
    """Try one delivery if it is due; None if it is not (or another worker has it)."""
    now = timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    claimed = (
        WebhookDelivery.objects.filter(due, pk=delivery_id, status=DeliveryStatus.PENDING)
        .filter(endpoint__is_active=True)
        .update(status=DeliveryStatus.SENDING, claimed_at=now)
    )
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    body = body_of(delivery)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Kedang-Webhooks/1",
        "X-Kedang-Event": delivery.event,
        "X-Kedang-Event-Id": str(delivery.event_id),
        "X-Kedang-Signature": f"t={timestamp},v1={sign(delivery.endpoint.secret, timestamp, body)}",
    }
    code, error = _post(delivery.endpoint.url, body, headers)
    delivery.attempts += 1
    delivery.last_status_code = code
    delivery.claimed_at = None
    if code is not None and 200 <= code < 300:
        delivery.status, delivery.delivered_at, delivery.last_error = DeliveryStatus.DELIVERED, timezone.now(), ""
        delivery.next_attempt_at = None
    else:
        delivery.last_error = error or f"HTTP {code}"
        if delivery.attempts >= max_attempts():
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        else:
            delivery.status = DeliveryStatus.PENDING
            delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
    delivery.save(
        update_fields=[
            "attempts",
            "last_status_code",
            "claimed_at",
            "status",
            "delivered_at",
            "last_error",
            "next_attempt_at",
        ]
    )
    return delivery


def send_due(limit: int = 200) -> dict:
    """The beat job: release claims a dead worker left, then try what is due."""
    now = timezone.now()
    WebhookDelivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=now - STALE_CLAIM).update(
        status=DeliveryStatus.PENDING, claimed_at=None
    )
    due = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, endpoint__is_active=True).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    counts = {"delivered": 0, "retrying": 0, "failed": 0}
    for pk in list(due.order_by("created_at", "pk").values_list("pk", flat=True)[:limit]):
        delivery = attempt(pk)
        if delivery is None:
            continue
        key = {DeliveryStatus.DELIVERED: "delivered", DeliveryStatus.FAILED: "failed"}.get(delivery.status, "retrying")
        counts[key] += 1
    return counts
