"""The loyalty side of a customer import: opening points, and points for the export.

Connected from ``LoyaltyConfig.ready()`` with ``receivers_import.connect()``; the
customers app sends ``customer_imported`` and asks the ``points_balances`` hook, and
never imports loyalty.
"""

from crm import hooks
from customers.importing.signals import customer_imported


def on_customer_imported(sender, customer, points: int, tier: str, by, key: str, **kwargs) -> None:
    """The points balance of the store's file becomes the customer's opening ledger entry.

    The tier is already on the customer (set when the import created them), so no tier
    change is recorded here.
    """
    from loyalty import services

    if points > 0:
        services.open_balance(customer, points, by=by, key=key)


def points_balances(customer_ids: list[int]) -> dict[int, int]:
    """Points balance per customer, for a chunk of customers being exported."""
    from loyalty.models import PointsAccount

    return dict(PointsAccount.objects.filter(customer_id__in=customer_ids).values_list("customer_id", "balance"))


def connect() -> None:
    customer_imported.connect(on_customer_imported, dispatch_uid="loyalty.import_opening_balance")
    hooks.register("points_balances", points_balances)
