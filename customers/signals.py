from django.dispatch import Signal

# A recorded purchase is the ordered extension point ``crm.hooks.purchase_recorded``
# (points before the follow-up plan), not a signal: register with
# ``hooks.register("purchase_recorded", fn, order=N)``.

# Sent inside the transaction when a customer is captured: customer, by (user).
customer_captured = Signal()
