"""A test-only SMS backend for the worker tests: the file outbox, slowed down, with a
log line for every message it really delivers (not for a repeat it recognises)."""

import os
import time

from followups.sms import SmsMessage
from followups.sms.backends.filebased import SmsBackend as FileBackend


class SmsBackend(FileBackend):
    def send(self, message: SmsMessage) -> str:
        time.sleep(float(os.environ.get("SLOW_SMS_SECONDS", "0.15")))
        # Logged only by the call whose link created the file: two senders of one message
        # at the same moment (a stale claim taken over) both used to see "not there yet".
        if self.write(message):
            with open(self.directory / "deliveries.log", "a", encoding="utf-8") as log:
                log.write(message.id + "\n")
        return self.path_for(message).name
