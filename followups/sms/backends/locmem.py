from followups.sms import BaseSmsBackend, SmsMessage


class Outbox(list):
    """The messages "sent", in order; a message id is kept once (the provider's
    idempotency), looked up in a set so a day's thousands of SMS stay linear."""

    def __init__(self):
        super().__init__()
        self._ids: set[str] = set()

    def add(self, message: SmsMessage) -> None:
        if message.id not in self._ids:
            self._ids.add(message.id)
            self.append(message)

    def clear(self) -> None:
        super().clear()
        self._ids.clear()


# Every message "sent", in order, for tests. Clear it with ``outbox.clear()``.
outbox: Outbox = Outbox()


class SmsBackend(BaseSmsBackend):
    def send(self, message: SmsMessage) -> str:
        outbox.add(message)
        return message.id
