from django.dispatch import Signal

# Sent inside the purchase's transaction, after the purchase, its lines and the
# customer's totals are saved; the customer row is locked. Receivers (points, tier
# eligibility, follow-up plans) write in the same transaction, so a failure in any of
# them records nothing. Arguments: purchase, created (False when an idempotent retry
# returned an existing purchase; receivers are then not called).
purchase_recorded = Signal()

# Sent inside the transaction when a customer is captured: customer, by (user).
customer_captured = Signal()
