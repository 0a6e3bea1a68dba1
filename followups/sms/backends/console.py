import sys

from followups.sms import BaseSmsBackend, SmsMessage


class SmsBackend(BaseSmsBackend):
    """Prints each message; for development."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, message: SmsMessage) -> str:
        self.stream.write(f"SMS {message.id} to {message.to}:\n{message.text}\n{'-' * 40}\n")
        self.stream.flush()
        return message.id
