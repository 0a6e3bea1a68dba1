"""Settings of the apps added last (marketing, the POS API), read from the environment.

Kept out of ``crm/settings.py`` so that module stays under the size limit; settings.py
calls ``later_app_settings`` and puts what it returns into its namespace and beat schedule.
Every value that does not parse stops start-up with ImproperlyConfigured.
"""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ImproperlyConfigured


def _quiet_hours(env) -> tuple[str, str]:
    hours = tuple(env.list("KEDANG_MARKETING_QUIET_HOURS", default=["21:00", "09:00"]))
    if len(hours) != 2:
        raise ImproperlyConfigured("KEDANG_MARKETING_QUIET_HOURS must be two times, e.g. 21:00,09:00")
    for value in hours:
        try:
            dt.time.fromisoformat(value)
        except ValueError:
            raise ImproperlyConfigured(f"KEDANG_MARKETING_QUIET_HOURS: {value!r} is not a time like 21:00") from None
    return hours


def _amount(env, name: str, default: str) -> Decimal:
    try:
        return Decimal(env.str(name, default=default))
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name} must be an amount in CNY, e.g. {default}") from None


def later_app_settings(env, _int: Callable, _bool: Callable, production: bool) -> tuple[dict, dict]:
    """(settings, beat schedule entries) for marketing and the API."""
    values = {
        # Marketing. Quiet hours (local time) in which no campaign message is handed to
        # the outbox, and how long before they begin sending stops (the outbox runs
        # every KEDANG_SMS_OUTBOX_EVERY s).
        "KEDANG_MARKETING_QUIET_HOURS": _quiet_hours(env),
        "KEDANG_MARKETING_SEND_MARGIN": _int("KEDANG_MARKETING_SEND_MARGIN", 600),
        # At most this many campaign messages per customer in any 30 days (greetings and
        # after-sales messages do not count).
        "KEDANG_MARKETING_MAX_PER_30_DAYS": _int("KEDANG_MARKETING_MAX_PER_30_DAYS", 4),
        "KEDANG_MARKETING_HOLDOUT_PERCENT": _int("KEDANG_MARKETING_HOLDOUT_PERCENT", 10),
        # A purchase this many days after the message counts as the campaign's response.
        "KEDANG_MARKETING_RESPONSE_DAYS": _int("KEDANG_MARKETING_RESPONSE_DAYS", 14),
        "KEDANG_SMS_PRICE_PER_PART": _amount(env, "KEDANG_SMS_PRICE_PER_PART", "0.05"),
        # API. Requests per minute per API key (a key may set its own); counted in the
        # database, so the limit holds across gunicorn workers and hosts.
        "KEDANG_API_RATE_LIMIT": _int("KEDANG_API_RATE_LIMIT", 120),
        # Webhook deliveries: tries before giving up, first wait (doubling each time), timeout.
        "KEDANG_WEBHOOK_MAX_ATTEMPTS": _int("KEDANG_WEBHOOK_MAX_ATTEMPTS", 8),
        "KEDANG_WEBHOOK_BACKOFF_SECONDS": _int("KEDANG_WEBHOOK_BACKOFF_SECONDS", 30),
        "KEDANG_WEBHOOK_TIMEOUT": _int("KEDANG_WEBHOOK_TIMEOUT", 10),
        # Plain http:// to 127.0.0.1 for webhook endpoints (tests, a local receiver); never in production.
        "KEDANG_WEBHOOK_ALLOW_HTTP_LOOPBACK": _bool("KEDANG_WEBHOOK_ALLOW_HTTP_LOOPBACK", False),
    }
    if production and values["KEDANG_WEBHOOK_ALLOW_HTTP_LOOPBACK"]:
        raise ImproperlyConfigured("KEDANG_WEBHOOK_ALLOW_HTTP_LOOPBACK must be off in production")
    beat = {
        "marketing-send": {
            "task": "marketing.tasks.send_campaigns_task",
            "schedule": _int("KEDANG_MARKETING_SEND_EVERY", 300),
        },
        "api-send-due-webhooks": {
            "task": "api.tasks.send_due_webhooks_task",
            "schedule": _int("KEDANG_WEBHOOK_SWEEP_EVERY", 30),
        },
    }
    return values, beat
