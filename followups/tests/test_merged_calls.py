"""One row per customer per day on the worklist: two calls due for one customer are one
phone call, and its outcome closes both."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from followups.models import FollowUpTask, TaskStatus
from followups.services.plans import schedule_callback

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_calls(customer_a, clerk_a, store_a):
    today = timezone.localdate()
    first = schedule_callback(
        customer_a, purpose="穿着回访", due_date=today, assignee=clerk_a, store=store_a, note="", key="m:1"
    )
    second = schedule_callback(
        customer_a,
        purpose="洗后质量回访",
        due_date=today - dt.timedelta(days=1),
        assignee=clerk_a,
        store=store_a,
        note="",
        key="m:2",
    )
    return first, second


def test_it_shows_one_row_for_a_customer_with_two_calls(client_for, clerk_a, two_calls):
    response = client_for(clerk_a).get(reverse("followups:today"))
    body = response.content.decode()
    assert len(response.context["tasks"]) == 1
    assert body.count('class="list-group-item" id="task-') == 1
    assert "穿着回访" in body and "洗后质量回访" in body


def test_one_outcome_closes_both_calls(client_for, clerk_a, two_calls):
    row = client_for(clerk_a).get(reverse("followups:today")).context["tasks"][0]
    client_for(clerk_a).post(
        reverse("followups:outcome", args=[row.pk]), {"outcome": "satisfied", "satisfaction": "5", "attempt": "0"}
    )
    for task in FollowUpTask.objects.all():
        assert task.status == TaskStatus.DONE and task.outcome == "satisfied" and task.satisfaction == 5


def test_call_back_later_moves_both_calls(client_for, clerk_a, two_calls):
    day = timezone.localdate() + dt.timedelta(days=3)
    first, _second = two_calls
    client_for(clerk_a).post(
        reverse("followups:outcome", args=[first.pk]),
        {"outcome": "call_back", "callback_on": day.isoformat(), "attempt": "0"},
    )
    assert set(FollowUpTask.objects.values_list("status", "due_date")) == {(TaskStatus.PENDING, day)}


def test_it_keeps_other_customers_calls_apart(client_for, clerk_a, two_calls, store_a):
    from customers.tests.factories import CustomerFactory

    other = CustomerFactory(home_store=store_a)
    schedule_callback(
        other, purpose="季度回访", due_date=timezone.localdate(), assignee=clerk_a, store=store_a, note="", key="m:3"
    )
    response = client_for(clerk_a).get(reverse("followups:today"))
    assert len(response.context["tasks"]) == 2
    first, _second = two_calls
    client_for(clerk_a).post(reverse("followups:outcome", args=[first.pk]), {"outcome": "satisfied", "attempt": "0"})
    assert FollowUpTask.objects.get(customer=other).status == TaskStatus.PENDING


def test_the_worklist_links_the_number_for_a_tap_to_call(client_for, clerk_a, two_calls, customer_a):
    body = client_for(clerk_a).get(reverse("followups:today")).content.decode()
    assert f'href="tel:{customer_a.mobile}"' in body


def test_the_task_shows_the_satisfaction_entered_and_an_iso_date(client_for, clerk_a, manager_a, two_calls):
    first, _second = two_calls
    client_for(clerk_a).post(
        reverse("followups:outcome", args=[first.pk]), {"outcome": "satisfied", "satisfaction": "4", "attempt": "0"}
    )
    body = client_for(clerk_a).get(reverse("followups:task", args=[first.pk])).content.decode()
    assert 'id="task-satisfaction">4 / 5' in body
    pending = schedule_callback(
        first.customer,
        purpose="季度回访",
        due_date=dt.date(2026, 10, 18),
        assignee=clerk_a,
        store=first.store,
        note="",
        key="m:4",
    )
    page = client_for(manager_a).get(reverse("followups:task", args=[pending.pk])).content.decode()
    assert 'value="2026-10-18"' in page
