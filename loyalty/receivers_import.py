"""The loyalty side of a customer import: opening points, and points for the export.

Connected from ``LoyaltyConfig.ready()`` with ``receivers_import.connect()``; the
customers app sends ``customers_imported`` and asks the ``points_balances`` hook, and
never imports loyalty.
"""

import datetime as dt

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from crm import hooks
from customers.importing.bulk import insert_rows
from customers.importing.signals import customer_imported, customers_imported


def on_customers_imported(sender, customers, by, **kwargs) -> None:
    """Each new customer's points balance from the store's file becomes their opening
    ledger entry, a batch at a time.

    The customers were created in this same transaction, so nobody else can hold their
    points yet: no row lock is needed, and the accounts and entries are written in bulk
    (one at a time through ``open_balance`` would take minutes for 100,000 customers;
    ``insert_rows`` skips even ``bulk_create``'s per-field work on PostgreSQL). The same
    key twice writes nothing. The tier is already on the customer, so no tier change
    is recorded.
    """
    from loyalty.models import EntryKind, PointsAccount, PointsEntry
    from loyalty.points import expiry_days

    opening = [c for c in customers if c.points > 0]
    if not opening:
        return
    now = timezone.now()
    days = expiry_days()
    expires_on = timezone.localdate(now) + dt.timedelta(days=days) if days else None
    staff = by if by is not None and getattr(by, "is_authenticated", False) else None
    known = set(
        PointsEntry.objects.filter(idempotency_key__in=[c.key for c in opening]).values_list(
            "idempotency_key", flat=True
        )
    )
    opening = [c for c in opening if c.key not in known]
    # New customers have no account yet: it is created holding the opening points.
    # One that already has an account (not the case for a customer the import just
    # created, but cheap to honour) has it moved by the points instead.
    held = dict(
        PointsAccount.objects.filter(customer_id__in=[c.customer.pk for c in opening]).values_list(
            "customer_id", "balance"
        )
    )
    insert_rows(
        PointsAccount,
        ("customer_id", "balance"),
        ((c.customer.pk, c.points) for c in opening if c.customer.pk not in held),
    )
    reason = _("Opening balance (import)")
    staff_id = staff.pk if staff is not None else None
    insert_rows(
        PointsEntry,
        (
            "customer_id",
            "kind",
            "points",
            "balance_after",
            "reason",
            "by_id",
            "at",
            "idempotency_key",
            "remaining",
            "expires_on",
        ),
        (
            (
                c.customer.pk,
                EntryKind.OPENING,
                c.points,
                held.get(c.customer.pk, 0) + c.points,
                reason,
                staff_id,
                now,
                c.key,
                c.points,
                expires_on,
            )
            for c in opening
        ),
    )
    for c in opening:
        if c.customer.pk in held:
            PointsAccount.objects.filter(customer_id=c.customer.pk).update(balance=F("balance") + c.points)


def on_customer_imported(sender, customer, points: int, tier: str, by, key: str, **kwargs) -> None:
    """One customer's opening balance (the single-customer form of the signal)."""
    from loyalty import services

    if points > 0:
        services.open_balance(customer, points, by=by, key=key)


def points_balances(customer_ids: list[int]) -> dict[int, int]:
    """Points balance per customer, for a chunk of customers being exported."""
    from loyalty.models import PointsAccount

    return dict(PointsAccount.objects.filter(customer_id__in=customer_ids).values_list("customer_id", "balance"))


def connect() -> None:
    customers_imported.connect(on_customers_imported, dispatch_uid="loyalty.import_opening_balances")
    customer_imported.connect(on_customer_imported, dispatch_uid="loyalty.import_opening_balance")
    hooks.register("points_balances", points_balances)
