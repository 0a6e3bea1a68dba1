from django.dispatch import Signal

# Sent inside the batch transaction for each customer an import creates, after the
# customer and its opening-balance purchase are saved. Arguments:
#   customer  the new Customer (tier already set to the file's tier, or C)
#   points    int >= 0, the points balance in the store's file
#   tier      "A" / "B" / "C" as in the file ("" when the file has no tier)
#   by        the user who confirmed the import (None from the command line)
#   key       a stable idempotency key for the opening entry ("import-opening:<customer pk>")
# The loyalty app answers with an opening ledger entry (loyalty/receivers_import.py).
# A receiver that raises rolls the whole batch back: its rows are reported as not imported.
customer_imported = Signal()
