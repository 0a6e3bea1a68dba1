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

    def receipt_number(self, when: dt.datetime) -> str:
        """The till's next generated receipt number for ``when``'s day (the store's day
        counter, so tills and imports never hand out one number twice)."""
        return next_receipt_number(self.store, when)

    def unuse_receipt(self, when: dt.datetime) -> None:
        """A number taken and not used is a gap, as at the till."""

    def forget_receipts(self) -> None:
        """Numbers of a batch that rolled back were counted in the same transaction."""

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
