"""What a campaign did: messages sent, failed and skipped, opt-outs, and the uplift.

The uplift compares the two groups frozen at approval, as assigned (intention to treat):
a target customer later skipped (opted out, cap) still counts in the target group, because
the control group holds the same kinds of customers. For each group: the share who bought
within ``KEDANG_MARKETING_RESPONSE_DAYS`` of their send time, and their spend per
customer; the difference with a 95 % confidence interval (normal approximation: two
proportions, and Welch's standard error for the spend).
"""

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, OuterRef, Q, Subquery

from customers.models import Purchase
from followups.models import MessageStatus, OutboundMessage
from marketing.models import Campaign, Group, Recipient, RecipientStatus

Z95 = 1.959964
OPT_OUT_DAYS = 7


@dataclass
class GroupFigures:
    customers: int
    buyers: int
    spend: Decimal

    @property
    def share(self) -> float:
        return self.buyers / self.customers if self.customers else 0.0

    @property
    def spend_per_customer(self) -> Decimal:
        return (self.spend / self.customers).quantize(Decimal("0.01")) if self.customers else Decimal("0.00")


@dataclass
class Difference:
    value: float
    low: float
    high: float


def group_spends(campaign: Campaign, group: str) -> list[Decimal]:
    days = settings.KEDANG_MARKETING_RESPONSE_DAYS
    recipients = Recipient.objects.filter(campaign=campaign, group=group).values_list("customer_id", "send_after")
    if not recipients:
        return []
    ends = {cid: after + dt.timedelta(days=days) for cid, after in recipients}
    starts = dict(recipients)
    totals: dict[int, Decimal] = {cid: Decimal("0.00") for cid in starts}
    earliest = min(starts.values())
    latest = max(ends.values())
    purchases = (
        Purchase.objects.counted()
        .filter(customer_id__in=Recipient.objects.filter(campaign=campaign, group=group).values("customer_id"))
        .filter(purchased_at__gte=earliest, purchased_at__lt=latest)
        .values_list("customer_id", "purchased_at", "total")
    )
    for customer_id, at, total in purchases.iterator(chunk_size=2000):
        if starts[customer_id] <= at < ends[customer_id]:
            totals[customer_id] += total
    return list(totals.values())


def figures(spends: list[Decimal]) -> GroupFigures:
    return GroupFigures(customers=len(spends), buyers=sum(1 for s in spends if s > 0), spend=sum(spends, Decimal("0")))


def share_difference(target: GroupFigures, control: GroupFigures) -> Difference | None:
    if not target.customers or not control.customers:
        return None
    p1, p2 = target.share, control.share
    se = math.sqrt(p1 * (1 - p1) / target.customers + p2 * (1 - p2) / control.customers)
    diff = p1 - p2
    return Difference(diff, diff - Z95 * se, diff + Z95 * se)


def _variance(values: list[float]) -> float:
    if len(values) < 2:
        return 0.0
    mean = sum(values) / len(values)
    return sum((v - mean) ** 2 for v in values) / (len(values) - 1)


def spend_difference(target: list[Decimal], control: list[Decimal]) -> Difference | None:
    if not target or not control:
        return None
    a, b = [float(v) for v in target], [float(v) for v in control]
    diff = sum(a) / len(a) - sum(b) / len(b)
    se = math.sqrt(_variance(a) / len(a) + _variance(b) / len(b))
    return Difference(diff, diff - Z95 * se, diff + Z95 * se)


def delivery(campaign: Campaign) -> dict:
    """Recipients by status, and the outbox's view of the messages handed to it."""
    statuses = dict(
        Recipient.objects.filter(campaign=campaign).values("status").annotate(n=Count("id")).values_list("status", "n")
    )
    keys = Recipient.objects.filter(campaign=campaign, status=RecipientStatus.QUEUED).values("message_key")
    outbox = OutboundMessage.objects.filter(key__in=keys).aggregate(
        sent=Count("id", filter=Q(status=MessageStatus.SENT)),
        failed=Count("id", filter=Q(status=MessageStatus.FAILED)),
        cancelled=Count("id", filter=Q(status=MessageStatus.CANCELLED)),
        waiting=Count("id", filter=Q(status__in=[MessageStatus.QUEUED, MessageStatus.SENDING])),
    )
    opt_outs = _opt_outs(campaign)
    return {"statuses": statuses, "outbox": outbox, "opt_outs": opt_outs}


def _opt_outs(campaign: Campaign) -> int:
    """Target customers who opted out within 7 days of their message being sent."""
    sent = OutboundMessage.objects.filter(key=OuterRef("message_key"), status=MessageStatus.SENT).values("sent_at")[:1]
    rows = (
        Recipient.objects.filter(campaign=campaign, status=RecipientStatus.QUEUED)
        .annotate(sent_at=Subquery(sent))
        .filter(sent_at__isnull=False, customer__marketing_opt_out_at__isnull=False)
        .values_list("sent_at", "customer__marketing_opt_out_at")
    )
    window = dt.timedelta(days=OPT_OUT_DAYS)
    return sum(1 for sent_at, out_at in rows if sent_at <= out_at <= sent_at + window)


def summary(campaign: Campaign) -> dict:
    target_spends = group_spends(campaign, Group.TARGET)
    control_spends = group_spends(campaign, Group.CONTROL)
    target, control = figures(target_spends), figures(control_spends)
    return {
        "delivery": delivery(campaign),
        "target": target,
        "control": control,
        "share_diff": share_difference(target, control),
        "spend_diff": spend_difference(target_spends, control_spends),
        "days": settings.KEDANG_MARKETING_RESPONSE_DAYS,
    }
