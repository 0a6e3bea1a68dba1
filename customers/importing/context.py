"""The state an import's write phase carries from batch to batch (see ``writing.py``)."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from customers.importing.models import ImportJob
from customers.services import next_receipt_number


class WriteContext:
    """What the batches of one import share: the job, its store and importer, the receipt
    numbers counted so far and the clerks found by name."""

    def __init__(self, job: ImportJob):
        self.job = job
        self.store = job.store
        self.by = job.confirmed_by or job.created_by
        self.now = timezone.now()
        self._clerks: dict[str, object] = {}
        self._receipts: dict[str, int] = {}

    def receipt_number(self, when: dt.datetime) -> str:
        """The till's next generated receipt number for ``when``'s day, counted here.

        An import records its purchases one after the other, so it asks
        ``next_receipt_number`` once per day and counts on from there. The numbers are
        the ones ``record_purchase`` would give.
        """
        day = timezone.localtime(when).strftime("%Y%m%d")
        if day not in self._receipts:
            first = next_receipt_number(self.store, when)
            self._receipts[day] = int(first.rsplit("-", 1)[1]) - 1
        self._receipts[day] += 1
        return f"{self.store.code}-{day}-{self._receipts[day]:04d}"

    def unuse_receipt(self, when: dt.datetime) -> None:
        """The purchase was already recorded (a re-import): its number was not used."""
        day = timezone.localtime(when).strftime("%Y%m%d")
        if day in self._receipts:
            self._receipts[day] -= 1

    def forget_receipts(self) -> None:
        """After a batch rolled back, its numbers were not used: count again."""
        self._receipts.clear()

    def clerk(self, name: str):
        """The store's staff member known by ``name`` (display name, first name or login)."""
        if not name:
            return None
        if name not in self._clerks:
            users = get_user_model().objects.filter(staff__store=self.store)
            self._clerks[name] = users.filter(
                Q(staff__display_name=name) | Q(first_name=name) | Q(username=name)
            ).first()
        return self._clerks[name]
