"""What the API app keeps about a customer: in their copy of their data, and removed when
the customer is erased.

``customer_data``: the webhook events sent about them. ``customer_erased`` (inside the erasure's transaction): the
``customer.erased`` webhook is queued (only the member id), the card number is blanked in
the payloads of earlier deliveries about the member, and their row leaves the points
differences of POS export imports (whose reports are written again without it).
"""

from django.utils.translation import gettext_lazy as _

from api.models import PosImport, WebhookDelivery, WebhookEvent
from api.pos_import import write_report
from api.webhooks import emit
from customers.models import CustomerStoreShare
from customers.privacy.rights import section


def customer_data(customer) -> list:
    deliveries = WebhookDelivery.objects.filter(payload__member_id=customer.pk)
    return [section("webhook_deliveries", _("Webhook deliveries"), deliveries, exclude=("claimed_at",))]


def customer_erased(customer) -> None:
    emit(WebhookEvent.CUSTOMER_ERASED, lambda: {"member_id": customer.pk})
    for delivery in WebhookDelivery.objects.filter(payload__member_id=customer.pk).exclude(
        event=WebhookEvent.CUSTOMER_ERASED
    ):
        delivery.payload = {**delivery.payload, "card_number": None}
        delivery.save(update_fields=["payload"])
    stores = [
        customer.home_store_id,
        *CustomerStoreShare.objects.filter(customer=customer).values_list("store_id", flat=True),
    ]
    for pos in PosImport.objects.filter(store_id__in=stores).exclude(differences=[]):
        kept = [d for d in pos.differences if d.get("member_id") != customer.pk]
        if len(kept) != len(pos.differences):
            pos.differences = kept
            pos.save(update_fields=["differences"])
            write_report(pos)
