"""The complaints part of a customer's copy of their data, and of their erasure."""

from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, ComplaintEvent, ProductReturn
from customers.privacy.rights import section


def customer_data(customer) -> list:
    return [
        section("complaints", _("Complaints"), Complaint.objects.filter(customer=customer)),
        section(
            "complaint_events", _("Complaint history"), ComplaintEvent.objects.filter(complaint__customer=customer)
        ),
        section("returns", _("Returns and exchanges"), ProductReturn.objects.filter(purchase__customer=customer)),
    ]


def customer_erased(customer) -> None:
    Complaint.objects.filter(customer=customer).update(caller_name="", caller_contact="")
