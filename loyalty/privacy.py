"""The loyalty part of a customer's copy of their data, and of their erasure."""

from django.utils.translation import gettext_lazy as _

from customers.privacy.rights import section
from loyalty.models import (
    ApplicationEvent,
    CardApplication,
    GiftRedemption,
    MembershipCard,
    PointsEntry,
    TierChange,
)


def customer_data(customer) -> list:
    return [
        section("points", _("Points ledger"), PointsEntry.objects.filter(customer=customer)),
        section("cards", _("Cards"), MembershipCard.objects.filter(customer=customer)),
        section("card_applications", _("Card applications"), CardApplication.objects.filter(customer=customer)),
        section(
            "card_application_events",
            _("Card application history"),
            ApplicationEvent.objects.filter(application__customer=customer),
        ),
        section("tier_changes", _("Tier changes"), TierChange.objects.filter(customer=customer)),
        section("gift_redemptions", _("Gifts"), GiftRedemption.objects.filter(customer=customer)),
    ]


def customer_erased(customer) -> None:
    CardApplication.objects.filter(customer=customer).update(relative_name="", relative_phone="")
