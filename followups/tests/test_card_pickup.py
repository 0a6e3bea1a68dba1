"""Card pick-up done as seed 003's register says: the qualifying purchase plans the
cadence of the card applied for; after approval the next call is the pick-up call; the
first notice sends the card-ready SMS and puts the second-notice call on tomorrow's list."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from followups.models import FollowUpTask, OutboundMessage, TaskStatus
from loyalty import services
from loyalty.models import CardApplication

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 2)


@pytest.fixture
def application(make_customer, purchase_on):
    customer = make_customer(name="王芳")
    purchase_on(customer, DAY, amount="1600")
    return CardApplication.objects.get(customer=customer)


def approve(application, clerk_a, manager_a, head_office):
    services.enter_application(application, relative_name="王强", relative_phone="13900000009", by=clerk_a)
    services.submit_application(application, by=manager_a)
    services.approve_application(application, by=head_office)


def calls(customer):
    return FollowUpTask.objects.filter(customer=customer).exclude(channel="sms").order_by("due_date")


def test_the_qualifying_purchase_plans_the_silver_cadence(application):
    offsets = {(t.due_date - DAY).days: t.purpose for t in calls(application.customer)}
    assert offsets[7] == "领卡通知" and 10 not in offsets


def test_after_approval_the_day_7_call_becomes_the_pick_up_call(application, clerk_a, manager_a, head_office):
    with time_machine.travel(dt.datetime(2026, 11, 5, 10, tzinfo=dt.UTC)):
        approve(application, clerk_a, manager_a, head_office)
    pickup = FollowUpTask.objects.get(key=f"card-pickup:{application.pk}")
    assert pickup.due_date == DAY + dt.timedelta(days=7) and pickup.status == TaskStatus.PENDING
    assert pickup.purpose == "领卡通知" and "银卡已办好" in pickup.script


def test_after_a_late_approval_the_next_call_becomes_the_pick_up_call(application, clerk_a, manager_a, head_office):
    with time_machine.travel(dt.datetime(2026, 11, 12, 10, tzinfo=dt.UTC)):
        approve(application, clerk_a, manager_a, head_office)
    pickup = FollowUpTask.objects.get(key=f"card-pickup:{application.pk}")
    assert pickup.due_date == DAY + dt.timedelta(days=30)


def test_the_pick_up_script_reads_well_on_the_task_page(
    client_for, application, clerk_a, manager_a, head_office, store_a
):
    approve(application, clerk_a, manager_a, head_office)
    pickup = FollowUpTask.objects.get(key=f"card-pickup:{application.pk}")
    body = client_for(clerk_a).get(reverse("followups:task", args=[pickup.pk])).content.decode()
    assert "{" not in body.split('id="task-script">')[1].split("</dd>")[0]


def test_notifying_sends_the_card_ready_sms_and_plans_the_second_call(application, clerk_a, manager_a, head_office):
    approve(application, clerk_a, manager_a, head_office)
    with time_machine.travel(dt.datetime(2026, 11, 9, 3, tzinfo=dt.UTC)):
        services.record_notified(application, by=clerk_a)
    message = OutboundMessage.objects.get(key=f"card-ready:{application.pk}")
    assert "银卡已办好" in message.body and message.body.count("退订") == 1
    second = FollowUpTask.objects.get(key=f"card-second:{application.pk}")
    assert second.due_date == dt.date(2026, 11, 10) and second.status == TaskStatus.PENDING
    assert FollowUpTask.objects.get(key=f"card-pickup:{application.pk}").status == TaskStatus.DONE


def test_no_sms_without_consent_but_the_second_call_still(application, clerk_a, manager_a, head_office):
    application.customer.opt_out()
    application.customer.save()
    approve(application, clerk_a, manager_a, head_office)
    services.record_notified(application, by=clerk_a)
    assert not OutboundMessage.objects.filter(key__startswith="card-ready").exists()
    assert FollowUpTask.objects.filter(key=f"card-second:{application.pk}").exists()


def test_collecting_the_card_closes_the_second_call(application, clerk_a, manager_a, head_office):
    approve(application, clerk_a, manager_a, head_office)
    services.record_notified(application, by=clerk_a)
    services.record_collected(application, by=clerk_a)
    assert FollowUpTask.objects.get(key=f"card-second:{application.pk}").status == TaskStatus.DONE
