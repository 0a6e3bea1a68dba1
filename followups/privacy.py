"""The follow-ups part of a customer's copy of their data, and of their erasure."""

from django.utils.translation import gettext_lazy as _

from customers.privacy.rights import section
from followups.models import Channel, FollowUpTask, InboundMessage, MessageStatus, OutboundMessage, TaskStatus


def customer_data(customer) -> list:
    return [
        section("followups", _("Follow-ups"), FollowUpTask.objects.filter(customer=customer)),
        section("messages_sent", _("Messages"), OutboundMessage.objects.filter(customer=customer)),
        section("messages_received", _("Replies"), InboundMessage.objects.filter(customer=customer)),
    ]


def customer_erased(customer) -> None:
    """Nothing more reaches the customer; their number and texts are gone from the outbox."""
    FollowUpTask.objects.filter(customer=customer, status=TaskStatus.PENDING).update(
        status=TaskStatus.CANCELLED, note="erased"
    )
    FollowUpTask.objects.filter(customer=customer, channel=Channel.SMS).update(script="")
    OutboundMessage.objects.filter(customer=customer, status=MessageStatus.QUEUED).update(
        status=MessageStatus.CANCELLED, last_error="erased"
    )
    OutboundMessage.objects.filter(customer=customer).update(mobile="", body="")
    InboundMessage.objects.filter(customer=customer).update(mobile="", body="")
