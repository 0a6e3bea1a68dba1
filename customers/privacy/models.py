"""Personal-data records of the customer file: codes that let another store serve a
customer, the consent history and the privacy notice it refers to."""

from django.conf import settings
from django.db import models

from crm.models import Store


class ServeCode(models.Model):
    """A 6-digit code sent by SMS to a customer of another store, so that this store's
    clerk may serve them. Only the code's hash is kept."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)
    sent = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["clerk", "created_at"]),
            models.Index(fields=["customer", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"code for customer {self.customer_id} at {self.store_id}"
