import hashlib
import json
import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from followups.sms import BaseSmsBackend, SmsError, SmsMessage


class SmsBackend(BaseSmsBackend):
    """Writes each message as a JSON file into ``settings.KEDANG_SMS_OUTBOX_DIR``.

    The default of the embedded install: an operator can read what would have gone out.
    The file name comes from the message id and is created exclusively, so sending the
    same message twice writes it once.
    """

    def __init__(self, directory=None):
        self.directory = Path(directory or settings.KEDANG_SMS_OUTBOX_DIR)

    def path_for(self, message: SmsMessage) -> Path:
        digest = hashlib.sha256(message.id.encode()).hexdigest()[:24]
        return self.directory / f"{digest}.json"

    def send(self, message: SmsMessage) -> str:
        self.write(message)
        return self.path_for(message).name

    def write(self, message: SmsMessage) -> bool:
        """Write the message's file once; True if this call wrote it, False if it was there."""
        path = self.path_for(message)
        data = {"id": message.id, "to": message.to, "text": message.text, "at": timezone.now().isoformat()}
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            # Write under a temporary name, then link into place: the file appears whole
            # or not at all, and an existing file means the message already went out.
            tmp = self.directory / f".{path.name}.{os.getpid()}.tmp"
            tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            try:
                os.link(tmp, path)
                return True
            except FileExistsError:
                return False
            finally:
                tmp.unlink(missing_ok=True)
        except OSError as exc:
            raise SmsError(f"cannot write {path}: {exc}") from exc
