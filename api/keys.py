"""API keys: made by head office, shown once, kept as a hash, revocable, rate-limited.

A key looks like ``kd_<prefix>_<secret>``; the prefix finds the row, the SHA-256 of the
whole key is compared in constant time. The rate limit is a fixed one-minute window
counted with one conditional UPDATE on the key's row, so it holds across any number of
gunicorn workers and hosts (a process-local cache would not) and needs no Redis.
"""

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from api.models import ApiKey
from crm.access import audit

PREFIX_BYTES = 6
SECRET_BYTES = 30


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_key(*, name: str, store, by, rate_limit: int | None = None) -> tuple[ApiKey, str]:
    """A new key for ``store``; returns (key row, the key in clear — shown this once)."""
    prefix = secrets.token_hex(PREFIX_BYTES)
    raw = f"kd_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    with transaction.atomic():
        key = ApiKey.objects.create(
            name=name.strip(), store=store, prefix=prefix, key_hash=_hash(raw), created_by=by, rate_limit=rate_limit
        )
        audit(by, "api.key_created", key, store=store, api_key=key.name)
    return key, raw


def revoke_key(key: ApiKey, *, by) -> bool:
    """Revoke once; False if it already was."""
    with transaction.atomic():
        done = ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=by
        )
        if done:
            audit(by, "api.key_revoked", key, store=key.store, api_key=key.name)
    key.refresh_from_db()
    return bool(done)


def find_key(raw: str) -> ApiKey | None:
    """The active key ``raw`` is, or None (unknown, malformed or revoked)."""
    parts = (raw or "").split("_")
    if len(parts) < 3 or parts[0] != "kd" or len(parts[1]) != PREFIX_BYTES * 2 or "\x00" in raw:
        return None
    key = ApiKey.objects.select_related("store").filter(prefix=parts[1]).first()
    if key is None or not hmac.compare_digest(key.key_hash, _hash(raw)) or not key.is_active:
        return None
    return key


def default_rate_limit() -> int:
    return settings.KEDANG_API_RATE_LIMIT


def count_request(key: ApiKey, now: dt.datetime | None = None) -> bool:
    """Count one request in the key's current minute and stamp last use; False over the limit."""
    now = now or timezone.now()
    window = now.replace(second=0, microsecond=0)
    ApiKey.objects.filter(pk=key.pk).update(
        window_count=Case(When(window_start=window, then=F("window_count") + 1), default=Value(1)),
        window_start=window,
        last_used_at=now,
    )
    count = ApiKey.objects.filter(pk=key.pk).values_list("window_count", flat=True).get()
    return count <= (key.rate_limit or default_rate_limit())
