"""The one writer of consent: data consent, marketing consent and SMS opt-out / opt-in.

Every change is a ``ConsentRecord`` (when, who, how, which privacy notice) and updates
the customer's current state in the same transaction. A consent is recorded only from
the customer in person or asking (``EXPLICIT_METHODS``) and names the notice they were
shown; an opt-out (a TD reply included) is honoured from any path, and only such a new
recorded consent reverses it — ticking a box on the edit form does not.
"""

from django.db import transaction
from django.utils import timezone

from crm.access import audit
from customers.models import Customer
from customers.privacy.models import EXPLICIT_METHODS, ConsentKind, ConsentMethod, ConsentRecord, PrivacyNotice

_STATE_FIELDS = [
    "data_consent_at",
    "data_consent_by",
    "marketing_consent",
    "marketing_consent_at",
    "marketing_opt_out_at",
    "consent_pending",
    "updated_at",
]


class ConsentError(Exception):
    """The consent cannot be recorded this way; ``code`` says why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def record_consent(
    customer: Customer,
    *,
    kind: str,
    granted: bool,
    by,
    method: str,
    notice: PrivacyNotice | None = None,
    store=None,
    at=None,
) -> ConsentRecord:
    """Record one consent given or withdrawn and apply it to the customer."""
    if granted and method not in EXPLICIT_METHODS and method != ConsentMethod.IMPORT:
        raise ConsentError("not_explicit")
    if kind == ConsentKind.DATA and not granted:
        raise ConsentError("data_withdrawal_is_erasure")
    if granted and method != ConsentMethod.IMPORT:
        notice = notice or PrivacyNotice.current()
    at = at or timezone.now()
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        if granted and kind != ConsentKind.DATA and (locked.consent_pending or not locked.data_consent_at):
            raise ConsentError("data_consent_first")
        _apply(locked, kind, granted, by, at)
        locked.save(update_fields=_STATE_FIELDS)
        record = ConsentRecord.objects.create(
            customer=locked,
            kind=kind,
            granted=granted,
            at=at,
            by=_person(by),
            store=store,
            method=method,
            notice=notice,
        )
        audit(
            by, "customer.consent", locked, store=store or locked.home_store, kind=kind, granted=granted, method=method
        )
    for name in _STATE_FIELDS:
        setattr(customer, name, getattr(locked, name))
    return record


def _person(user):
    return user if user is not None and user.is_authenticated else None


def _apply(customer: Customer, kind: str, granted: bool, by, at) -> None:
    if kind == ConsentKind.DATA:
        customer.data_consent_at, customer.data_consent_by = at, _person(by)
        customer.consent_pending = False
        return
    customer.marketing_consent = granted
    customer.marketing_consent_at = at
    customer.marketing_opt_out_at = None if granted else at


def history(customer: Customer):
    return customer.consents.select_related("by__staff", "notice", "store").order_by("-at", "-id")


def captured_records(customer: Customer, *, by, store, save: bool = True) -> list[ConsentRecord]:
    """The records of a customer captured with consent (at the till or on the form);
    ``save=False``: unsaved, for a caller that writes them with the customer."""
    notice, at = PrivacyNotice.current(), customer.data_consent_at
    kinds = [ConsentKind.DATA] + ([ConsentKind.MARKETING] if customer.marketing_consent else [])
    write = ConsentRecord.objects.bulk_create if save else list
    return write(
        ConsentRecord(
            customer=customer, kind=kind, granted=True, at=at, by=_person(by), store=store,
            method=ConsentMethod.CAPTURE, notice=notice,
        )
        for kind in kinds
    )  # fmt: skip


def imported_records(customers, *, by, store, at) -> list[ConsentRecord]:
    """The consent records of customers just created by an import (unsaved, for bulk insert):
    what their consent column said; nothing for those whose consent is to be confirmed."""
    records = []
    for c in customers:
        for kind, granted, held in (
            (ConsentKind.DATA, True, c.data_consent_at),
            (ConsentKind.MARKETING, True, c.marketing_consent),
            (ConsentKind.SMS, False, c.marketing_opt_out_at),
        ):
            if held:
                records.append(
                    ConsentRecord(
                        customer=c,
                        kind=kind,
                        granted=granted,
                        at=at,
                        by=by,
                        store=store,
                        method=ConsentMethod.IMPORT,
                    )
                )
    return records
