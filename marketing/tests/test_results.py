"""The results page's figures on a hand-made campaign, against answers worked out by hand."""

import datetime as dt
import math
from decimal import Decimal

import pytest

from customers.tests.factories import CustomerFactory, buy
from followups.models import MessageStatus, OutboundMessage
from marketing import campaigns, results
from marketing.models import Group, Recipient, RecipientStatus
from marketing.tests.conftest import SEND_AT

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(make_campaign, store_a, head_office):
    """10 recipients and 5 in the control group, placed by hand (not by the seed)."""
    campaign = make_campaign()
    campaigns.submit(campaign, by=campaign.created_by)
    campaigns.approve(campaign, by=head_office)  # an empty segment: no recipients yet
    people = [CustomerFactory(home_store=store_a, mobile=f"+8613600{i:06d}") for i in range(15)]
    for i, customer in enumerate(people):
        Recipient.objects.create(
            campaign=campaign,
            customer=customer,
            group=Group.TARGET if i < 10 else Group.CONTROL,
            status=RecipientStatus.PENDING if i < 10 else RecipientStatus.HELD_OUT,
            send_after=SEND_AT,
        )
    campaign.people = people
    return campaign


def test_it_compares_who_bought_within_14_days_with_the_control_group(campaign):
    target, control = campaign.people[:10], campaign.people[10:]
    # Recipients: 4 of 10 buy in the window (100, 200, 300, 400); one buys on day 15 (too late),
    # one bought the day before the message (not a response).
    for customer, amount in zip(target[:4], [100, 200, 300, 400], strict=True):
        buy(customer, amount, when=SEND_AT + dt.timedelta(days=3))
    buy(target[4], 999, when=SEND_AT + dt.timedelta(days=14, minutes=1))
    buy(target[5], 888, when=SEND_AT - dt.timedelta(days=1))
    # Control: 1 of 5 buys 100 in the window.
    buy(control[0], 100, when=SEND_AT + dt.timedelta(days=13, hours=23))

    summary = results.summary(campaign)

    assert (summary["target"].customers, summary["target"].buyers) == (10, 4)
    assert (summary["control"].customers, summary["control"].buyers) == (5, 1)
    assert summary["target"].spend_per_customer == Decimal("100.00")  # 1000 / 10
    assert summary["control"].spend_per_customer == Decimal("20.00")  # 100 / 5
    share = summary["share_diff"]
    # 0.4 - 0.2, se = sqrt(0.4*0.6/10 + 0.2*0.8/5) = sqrt(0.056) = 0.236643
    assert share.value == pytest.approx(0.2)
    assert share.low == pytest.approx(0.2 - 1.959964 * 0.2366432, abs=1e-6)
    assert share.high == pytest.approx(0.2 + 1.959964 * 0.2366432, abs=1e-6)
    spend = summary["spend_diff"]
    # Recipients 0,0,0,0,0,0,100,200,300,400: variance 22222.22 / 10; control 0,0,0,0,100: 2000 / 5
    se = math.sqrt(22222.2222 / 10 + 2000 / 5)
    assert spend.value == pytest.approx(80.0)
    assert spend.low == pytest.approx(80.0 - 1.959964 * se, abs=1e-3)
    assert spend.high == pytest.approx(80.0 + 1.959964 * se, abs=1e-3)


def test_it_counts_sent_failed_and_opt_outs_within_7_days(campaign):
    campaigns.queue_due(SEND_AT + dt.timedelta(minutes=5))
    messages = list(OutboundMessage.objects.filter(key__startswith=f"campaign:{campaign.pk}:").order_by("id"))
    assert len(messages) == 10
    sent_at = SEND_AT + dt.timedelta(minutes=6)
    OutboundMessage.objects.filter(pk__in=[m.pk for m in messages[:8]]).update(
        status=MessageStatus.SENT, sent_at=sent_at
    )
    OutboundMessage.objects.filter(pk__in=[m.pk for m in messages[8:]]).update(status=MessageStatus.FAILED)
    early, late = messages[0].customer, messages[1].customer
    early.opt_out(when=sent_at + dt.timedelta(days=2))
    early.save()
    late.opt_out(when=sent_at + dt.timedelta(days=9))
    late.save()

    delivery = results.summary(campaign)["delivery"]

    assert delivery["outbox"]["sent"] == 8
    assert delivery["outbox"]["failed"] == 2
    assert delivery["opt_outs"] == 1
    assert delivery["statuses"] == {RecipientStatus.QUEUED: 10, RecipientStatus.HELD_OUT: 5}


def test_with_an_empty_control_group_there_is_no_difference_to_show(make_campaign, customers_a, head_office):
    campaign = make_campaign(holdout_percent=0)
    campaigns.submit(campaign, by=campaign.created_by)
    campaigns.approve(campaign, by=head_office)
    summary = results.summary(campaign)
    assert summary["control"].customers == 0
    assert summary["share_diff"] is None and summary["spend_diff"] is None
