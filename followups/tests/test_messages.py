import datetime as dt

import pytest
from django.urls import reverse

from crm import hooks
from followups.models import FollowUpTask, InboundMessage, MessageStatus, OutboundMessage, TaskStatus
from followups.services.greetings import generate_greetings
from followups.services.messages import SAMPLE_CONTEXT, render, sms_text
from followups.services.outbox import queue_due_messages

pytestmark = pytest.mark.django_db


def test_placeholders_are_filled_and_unknown_ones_never_reach_the_customer():
    assert render("{name}，{store}{unknown}", SAMPLE_CONTEXT) == "王女士，南京西路店"
    assert render("{name", SAMPLE_CONTEXT) == "name"


def test_every_sms_ends_with_the_opt_out_line_once():
    assert sms_text("你好", {}) == "你好回复TD退订"
    assert sms_text("你好回复TD退订", {}) == "你好回复TD退订"


@pytest.fixture
def queued(make_customer):
    customer = make_customer(birthday=dt.date(1990, 4, 10))
    generate_greetings(dt.date(2025, 4, 10))
    queue_due_messages(dt.date(2025, 4, 10))
    generate_greetings(dt.date(2025, 10, 1))  # a greeting still to send
    return customer


@pytest.mark.parametrize("reply", ["TD", " td ", "不接受"])
def test_a_td_reply_through_the_gateway_stops_all_marketing_messages(client, settings, queued, reply):
    settings.KEDANG_SMS_INBOUND_TOKEN = "s3cret"
    response = client.post(
        reverse("followups:inbound"),
        {"from": queued.mobile.replace("+86", ""), "text": reply},
        HTTP_X_KEDANG_TOKEN="s3cret",
    )

    assert response.json() == {"ok": True, "opt_out": True}
    queued.refresh_from_db()
    assert not queued.can_receive_sms
    assert OutboundMessage.objects.get().status == MessageStatus.CANCELLED
    assert FollowUpTask.objects.get(greeting="national_day").status == TaskStatus.CANCELLED
    assert InboundMessage.objects.get().customer == queued


def test_other_replies_are_kept_but_change_nothing(client, settings, queued):
    settings.KEDANG_SMS_INBOUND_TOKEN = "s3cret"
    client.post(reverse("followups:inbound"), {"from": queued.mobile, "text": "谢谢"}, HTTP_X_KEDANG_TOKEN="s3cret")

    queued.refresh_from_db()
    assert queued.can_receive_sms
    assert InboundMessage.objects.get().body == "谢谢"


def test_the_gateway_endpoint_needs_the_token(client, settings, queued):
    settings.KEDANG_SMS_INBOUND_TOKEN = "s3cret"
    response = client.post(reverse("followups:inbound"), {"from": queued.mobile, "text": "TD"}, HTTP_X_KEDANG_TOKEN="x")

    assert response.status_code == 403
    queued.refresh_from_db()
    assert queued.can_receive_sms


def test_a_clerk_marks_a_td_reply_by_hand(client_for, clerk_a, customer_a):
    client_for(clerk_a).post(reverse("followups:opt_out", args=[customer_a.pk]))

    customer_a.refresh_from_db()
    assert customer_a.marketing_opt_out_at is not None


def test_the_schedule_callback_hook_creates_one_task_per_key(customer_a, clerk_a, store_a):
    (schedule,) = hooks.functions("schedule_callback")
    kwargs = dict(purpose="投诉结案满意度回访", due_date=dt.date(2025, 5, 1), assignee=clerk_a, store=store_a)

    first = schedule(customer_a, note="/complaints/7/", key="complaint:7:check", **kwargs)
    second = schedule(customer_a, note="/complaints/7/", key="complaint:7:check", **kwargs)

    assert first == second
    assert (first.channel, first.script, first.assignee) == ("call", "/complaints/7/", clerk_a)
