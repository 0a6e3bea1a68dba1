"""The sending rules: approval first, consent, opt-out, invalid numbers, quiet hours, the
30-day cap, one campaign message per customer a day, the control group and priority notice."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from customers.tests.factories import CustomerFactory
from followups.models import OutboundMessage
from marketing import campaigns
from marketing.models import Group, Recipient, RecipientStatus
from marketing.tests.conftest import SEND_AT

pytestmark = pytest.mark.django_db


def approved(campaign, head_office):
    campaigns.submit(campaign, by=campaign.created_by)
    return campaigns.approve(campaign, by=head_office)


def sent_to(campaign) -> set[int]:
    return set(
        OutboundMessage.objects.filter(key__startswith=f"campaign:{campaign.pk}:").values_list("customer_id", flat=True)
    )


def test_a_managers_campaign_sends_nothing_before_head_office_approves(
    make_campaign, customers_a, manager_a, head_office
):
    campaign = make_campaign()
    campaigns.submit(campaign, by=manager_a)
    assert campaigns.queue_due(SEND_AT + dt.timedelta(hours=1)) == {}
    assert sent_to(campaign) == set()
    campaigns.approve(campaign, by=head_office)
    campaigns.queue_due(SEND_AT + dt.timedelta(hours=1))
    assert sent_to(campaign) == {c.pk for c in customers_a}


def test_a_manager_cannot_approve_their_own_campaign(make_campaign, manager_a):
    campaign = make_campaign()
    campaigns.submit(campaign, by=manager_a)
    with pytest.raises(campaigns.Refused):
        campaigns.approve(campaign, by=manager_a)
    campaign.refresh_from_db()
    assert campaign.status == "submitted"


def test_a_managers_draft_must_be_submitted_before_approval(make_campaign, head_office):
    campaign = make_campaign()
    with pytest.raises(campaigns.Refused):
        campaigns.approve(campaign, by=head_office)


def test_approving_twice_is_refused_and_freezes_the_audience_once(make_campaign, customers_a, head_office):
    campaign = approved(make_campaign(), head_office)
    with pytest.raises(campaigns.Refused):
        campaigns.approve(campaign, by=head_office)
    assert Recipient.objects.filter(campaign=campaign).count() == 5


def test_nothing_goes_before_the_send_time(make_campaign, customers_a, head_office):
    campaign = approved(make_campaign(), head_office)
    assert campaigns.queue_due(SEND_AT - dt.timedelta(minutes=1)) == {}
    assert sent_to(campaign) == set()


def test_customers_without_consent_opted_out_or_with_an_invalid_number_get_nothing(
    make_campaign, customers_a, head_office
):
    no_consent, opted_out, invalid, ok, no_mobile = customers_a
    campaign = approved(make_campaign(), head_office)
    # Their situation changes between approval and the send time.
    no_consent.marketing_consent = False
    no_consent.save()
    opted_out.opt_out(when=timezone.now())
    opted_out.save()
    invalid.mobile_invalid = True
    invalid.save()
    no_mobile.mobile = None
    no_mobile.save()
    counts = campaigns.queue_due(SEND_AT + dt.timedelta(minutes=5))
    assert sent_to(campaign) == {ok.pk}
    statuses = dict(Recipient.objects.filter(campaign=campaign).values_list("customer_id", "status"))
    assert statuses[no_consent.pk] == RecipientStatus.NO_CONSENT
    assert statuses[opted_out.pk] == RecipientStatus.OPTED_OUT
    assert statuses[invalid.pk] == RecipientStatus.INVALID
    assert statuses[no_mobile.pk] == RecipientStatus.INVALID
    assert counts[RecipientStatus.QUEUED] == 1


def test_customers_who_do_not_accept_marketing_at_approval_are_not_in_the_audience(make_campaign, store_a, head_office):
    CustomerFactory(home_store=store_a, marketing_consent=False)
    accepted = CustomerFactory(home_store=store_a)
    campaign = approved(make_campaign(), head_office)
    assert set(campaign.recipients.values_list("customer_id", flat=True)) == {accepted.pk}


@pytest.mark.parametrize("hour, minute", [(21, 0), (23, 30), (3, 0), (8, 59), (20, 55)])
def test_nothing_is_handed_over_in_or_just_before_quiet_hours(make_campaign, customers_a, head_office, hour, minute):
    campaign = approved(make_campaign(), head_office)
    day = SEND_AT + dt.timedelta(days=1)
    assert campaigns.queue_due(day.replace(hour=hour, minute=minute)) == {"quiet_hours": 1}
    assert sent_to(campaign) == set()
    campaigns.queue_due(day.replace(hour=9, minute=0))
    assert len(sent_to(campaign)) == 5


def test_the_daily_job_replaying_a_day_sends_within_the_sending_window(make_campaign, customers_a, head_office):
    from marketing.jobs import send

    campaign = approved(make_campaign(), head_office)
    with time_machine.travel(SEND_AT + dt.timedelta(days=2), tick=False):
        send(SEND_AT.date())
    assert len(sent_to(campaign)) == 5
    sent = OutboundMessage.objects.filter(customer=customers_a[0]).get()
    assert sent.body.endswith("回复TD退订")
    assert sent.body.startswith("顾女士您好，秋冬新品已到南京西路店。")


def test_at_most_four_campaign_messages_per_customer_in_30_days(make_campaign, customers_a, head_office):
    customer = customers_a[0]
    for day in range(4):
        campaign = approved(make_campaign(name=f"第{day}期", send_at=SEND_AT + dt.timedelta(days=day * 7)), head_office)
        campaigns.queue_due(SEND_AT + dt.timedelta(days=day * 7, minutes=5))
        assert customer.pk in sent_to(campaign)
    fifth = approved(make_campaign(name="第五期", send_at=SEND_AT + dt.timedelta(days=29)), head_office)
    campaigns.queue_due(SEND_AT + dt.timedelta(days=29, minutes=5))
    assert customer.pk not in sent_to(fifth)
    assert Recipient.objects.get(campaign=fifth, customer=customer).status == RecipientStatus.CAP
    # 30 days after the first, a fifth message is allowed again.
    sixth = approved(make_campaign(name="第六期", send_at=SEND_AT + dt.timedelta(days=31)), head_office)
    campaigns.queue_due(SEND_AT + dt.timedelta(days=31, minutes=5))
    assert customer.pk in sent_to(sixth)


def test_greetings_and_after_sales_messages_do_not_count_towards_the_cap(make_campaign, customers_a, head_office):
    customer = customers_a[0]
    for i in range(6):
        OutboundMessage.objects.create(
            key=f"task:x{i}", customer=customer, store=customer.home_store, mobile=customer.mobile, body="生日快乐"
        )
    campaign = approved(make_campaign(), head_office)
    campaigns.queue_due(SEND_AT + dt.timedelta(minutes=5))
    assert customer.pk in sent_to(campaign)


def test_two_campaigns_picking_the_same_customer_the_same_day_send_one_message(make_campaign, customers_a, head_office):
    first = approved(make_campaign(name="一"), head_office)
    second = approved(make_campaign(name="二", send_at=SEND_AT + dt.timedelta(hours=2)), head_office)
    campaigns.queue_due(SEND_AT + dt.timedelta(hours=3))
    assert sent_to(first) == {c.pk for c in customers_a}
    assert sent_to(second) == set()
    assert set(second.recipients.values_list("status", flat=True)) == {RecipientStatus.OVERLAP}
    assert OutboundMessage.objects.filter(customer=customers_a[0]).count() == 1


def test_a_second_run_hands_over_nothing_more(make_campaign, customers_a, head_office):
    campaign = approved(make_campaign(), head_office)
    campaigns.queue_due(SEND_AT + dt.timedelta(minutes=5))
    assert campaigns.queue_due(SEND_AT + dt.timedelta(minutes=10)) == {}
    assert OutboundMessage.objects.filter(key__startswith=f"campaign:{campaign.pk}:").count() == 5


def test_the_control_group_gets_nothing_and_is_the_same_on_every_run(make_campaign, store_a, head_office):
    for i in range(200):
        CustomerFactory(home_store=store_a, mobile=f"+8613800{i:06d}")
    campaign = approved(make_campaign(holdout_percent=10), head_office)
    control = set(campaign.recipients.filter(group=Group.CONTROL).values_list("customer_id", flat=True))
    assert 5 <= len(control) <= 40  # about 10 % of 200
    campaigns.queue_due(SEND_AT + dt.timedelta(minutes=5))
    campaigns.queue_due(SEND_AT + dt.timedelta(days=1, hours=1))
    assert sent_to(campaign).isdisjoint(control)
    assert len(sent_to(campaign)) == 200 - len(control)
    # The draw is reproducible from the campaign's seed: recomputing gives the same group.
    recomputed = {
        pk
        for pk in campaign.recipients.values_list("customer_id", flat=True)
        if campaigns.in_control_group(campaign.seed, pk, 10)
    }
    assert recomputed == control


def test_gold_and_silver_members_get_a_priority_notice_days_before_everyone_else(
    make_campaign, customers_a, head_office
):
    gold, silver, *others = customers_a
    gold.tier, silver.tier = "A", "B"
    gold.save()
    silver.save()
    campaign = approved(make_campaign(priority_days=3), head_office)
    campaigns.queue_due(SEND_AT + dt.timedelta(minutes=5))
    assert sent_to(campaign) == {gold.pk, silver.pk}
    campaigns.queue_due(SEND_AT + dt.timedelta(days=3, minutes=5))
    assert sent_to(campaign) == {c.pk for c in customers_a}


def test_cancelling_an_approved_campaign_stops_what_is_not_yet_sent(make_campaign, customers_a, head_office):
    campaign = approved(make_campaign(), head_office)
    campaigns.cancel(campaign, by=head_office)
    assert campaigns.queue_due(SEND_AT + dt.timedelta(minutes=5)) == {}
    assert set(campaign.recipients.values_list("status", flat=True)) == {RecipientStatus.CANCELLED}


def test_sending_a_batch_takes_the_same_queries_for_5_or_50_customers(
    make_campaign, store_a, head_office, django_assert_max_num_queries
):
    for i in range(50):
        CustomerFactory(home_store=store_a, mobile=f"+8613700{i:06d}")
    approved(make_campaign(), head_office)
    # lock + fetch the batch, cap counts, today's, points, insert messages, one update per
    # status, the empty next batch; with savepoints: well under a query per customer.
    with django_assert_max_num_queries(14):
        counts = campaigns.queue_due(SEND_AT + dt.timedelta(minutes=5))
    assert counts[RecipientStatus.QUEUED] == 50


def test_a_campaign_with_a_voucher_issues_one_to_each_customer_it_sends_to(make_campaign, store_a, head_office):
    from decimal import Decimal

    from loyalty.voucher_models import Voucher, VoucherType

    for i in range(20):
        CustomerFactory(home_store=store_a, mobile=f"+8613400{i:06d}")
    vtype = VoucherType.objects.create(name="新品50元券", kind="amount", amount=Decimal("50"), valid_days=14)
    campaign = approved(
        make_campaign(voucher_type=vtype, holdout_percent=20, body="{name}您好，凭券号{voucher}减50元。"), head_office
    )
    campaigns.queue_due(SEND_AT + dt.timedelta(minutes=5))
    campaigns.queue_due(SEND_AT + dt.timedelta(minutes=10))
    sent = sent_to(campaign)
    issued = Voucher.objects.filter(type=vtype)
    assert set(issued.values_list("customer_id", flat=True)) == sent  # none for the control group
    assert issued.count() == len(sent) and issued.filter(source="campaign").count() == len(sent)
    voucher = issued.first()
    body = OutboundMessage.objects.get(key=f"campaign:{campaign.pk}:{voucher.customer_id}").body
    assert f"凭券号{voucher.code}减50元" in body
    assert voucher.valid_until - voucher.valid_from == dt.timedelta(days=13)
