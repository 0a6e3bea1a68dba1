from dataclasses import dataclass

from django.dispatch import Signal


@dataclass(frozen=True)
class ImportedCustomer:
    customer: object  # the new Customer (tier already set to the file's tier, or C)
    points: int  # >= 0, the points balance in the store's file
    tier: str  # "A" / "B" / "C" as in the file ("" when the file has no tier)
    key: str  # stable idempotency key for the opening entry ("import-opening:<customer pk>")


# Sent once per batch, inside the batch's transaction, after the batch's new customers
# and their opening-balance purchases are saved. Arguments:
#   customers  list[ImportedCustomer], the customers this batch created
#   by         the user who confirmed the import (None from the command line)
# One signal per batch, not per customer: an import brings in 100,000 customers, and
# the loyalty app opens their points in bulk (loyalty/receivers_import.py).
# A receiver that raises rolls the whole batch back: its rows are reported as not imported.
customers_imported = Signal()

# The same for one customer: customer, points, tier, by, key (as in ImportedCustomer).
# The importer sends ``customers_imported``; this one is for bringing in a single
# customer's opening balance outside a file import.
customer_imported = Signal()
