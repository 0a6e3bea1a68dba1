from followups.sms import BaseSmsBackend, SmsMessage

# Every message "sent", in order, for tests. Clear it with ``outbox.clear()``.
outbox: list[SmsMessage] = []


class SmsBackend(BaseSmsBackend):
    def send(self, message: SmsMessage) -> str:
        if all(sent.id != message.id for sent in outbox):
            outbox.append(message)
        return message.id
