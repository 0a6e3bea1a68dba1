"""SMS backends in the style of Django's email backends.

``settings.KEDANG_SMS_BACKEND`` names the class. Every backend gets the outbox row's
``key`` as the message id and must treat a second ``send`` with the same id as already
done: a worker killed after the gateway accepted a message but before the outbox row was
marked sent will send it again, and the id is what keeps the customer from getting it twice.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


class SmsError(Exception):
    """The message was not accepted; the outbox retries it later."""


@dataclass(frozen=True)
class SmsMessage:
    id: str
    to: str
    text: str


class BaseSmsBackend:
    def send(self, message: SmsMessage) -> str:
        """Send ``message``; return the provider's id for it. Raise SmsError on failure."""
        raise NotImplementedError


def get_backend(path: str | None = None) -> BaseSmsBackend:
    return import_string(path or settings.KEDANG_SMS_BACKEND)()
