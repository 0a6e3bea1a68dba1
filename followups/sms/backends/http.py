import json
import urllib.error
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from followups.sms import BaseSmsBackend, SmsError, SmsMessage


class SmsBackend(BaseSmsBackend):
    """Posts to an HTTP SMS gateway (KEDANG_SMS_HTTP_URL, _KEY, _SENDER, _TIMEOUT).

    Request: ``POST`` JSON ``{"id", "to", "text", "sender"}`` with
    ``Authorization: Bearer <key>``; ``id`` is the gateway's idempotency key (the
    "client message id" most Chinese gateways accept), also sent as the
    ``Idempotency-Key`` header for gateways that read it there. A 2xx answer with JSON ``{"id": ...}``
    means accepted; anything else is an error the outbox retries.
    """

    def __init__(self, url=None, key=None, sender=None, timeout=None):
        self.url = url or settings.KEDANG_SMS_HTTP_URL
        self.key = key if key is not None else settings.KEDANG_SMS_HTTP_KEY
        self.sender = sender if sender is not None else settings.KEDANG_SMS_HTTP_SENDER
        self.timeout = timeout or settings.KEDANG_SMS_HTTP_TIMEOUT
        if not self.url:
            raise ImproperlyConfigured("KEDANG_SMS_HTTP_URL is required for the HTTP SMS backend")

    def send(self, message: SmsMessage) -> str:
        payload = json.dumps({"id": message.id, "to": message.to, "text": message.text, "sender": self.sender})
        request = urllib.request.Request(
            self.url,
            data=payload.encode("utf-8"),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.key}",
                "Idempotency-Key": message.id,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            raise SmsError(f"gateway answered {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsError(f"gateway unreachable: {exc}") from exc
        try:
            return str(json.loads(body or b"{}").get("id") or message.id)
        except (ValueError, AttributeError):
            return message.id
