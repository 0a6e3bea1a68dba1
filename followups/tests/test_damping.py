import datetime as dt

import pytest
import time_machine

from customers.models import ContactOutcome, Tier
from followups.models import CustomerCadence, FollowUpTask, TaskStatus
from followups.services.damping import apply_damping
from followups.services.plans import schedule_callback
from followups.services.worklist import record_outcome
from followups.tests.conftest import at

pytestmark = pytest.mark.django_db

DAY0 = dt.date(2025, 3, 3)


def reach(customer, clerk, store, day, n):
    with time_machine.travel(at(day, 15), tick=False):
        task = schedule_callback(customer, purpose="回访", due_date=day, assignee=clerk, store=store, key=f"k{n}")
        record_outcome(task, outcome=ContactOutcome.SATISFIED, by=clerk)


def test_three_callbacks_without_points_growth_drop_the_customer_to_quarterly(
    make_customer, purchase_on, clerk_a, store_a
):
    customer = make_customer(tier=Tier.A)
    purchase = purchase_on(customer, DAY0)
    for n in range(3):
        reach(customer, clerk_a, store_a, DAY0 + dt.timedelta(days=1 + n), n)

    with time_machine.travel(at(DAY0 + dt.timedelta(days=4), 8), tick=False):
        assert apply_damping(DAY0 + dt.timedelta(days=4))["customers_damped"] == 1

    assert CustomerCadence.objects.get(customer=customer).quarterly_since == DAY0 + dt.timedelta(days=4)
    left = FollowUpTask.objects.filter(purchase=purchase, status=TaskStatus.PENDING).calls()
    assert [t.rule.day_offset for t in left] == [120]


def test_points_growth_between_callbacks_keeps_the_full_cadence(make_customer, purchase_on, clerk_a, store_a):
    customer = make_customer()
    purchase_on(customer, DAY0)
    reach(customer, clerk_a, store_a, DAY0 + dt.timedelta(days=1), 1)
    purchase_on(customer, DAY0 + dt.timedelta(days=2))
    reach(customer, clerk_a, store_a, DAY0 + dt.timedelta(days=3), 2)
    reach(customer, clerk_a, store_a, DAY0 + dt.timedelta(days=4), 3)

    assert apply_damping(DAY0 + dt.timedelta(days=4))["customers_damped"] == 0


def test_a_damped_customer_gets_a_call_every_quarter(make_customer, purchase_on, clerk_a, store_a):
    customer = make_customer()
    for n in range(3):
        reach(customer, clerk_a, store_a, DAY0 + dt.timedelta(days=n), n)
    apply_damping(DAY0 + dt.timedelta(days=2))

    quarter_later = DAY0 + dt.timedelta(days=2 + 91)
    apply_damping(quarter_later)
    apply_damping(quarter_later)

    (call,) = FollowUpTask.objects.filter(customer=customer, status=TaskStatus.PENDING)
    assert (call.due_date, call.assignee) == (quarter_later, clerk_a)


def test_the_number_of_callbacks_is_a_setting(make_customer, clerk_a, store_a, settings):
    settings.KEDANG_FOLLOWUP_DAMPING_CALLS = 4
    customer = make_customer()
    for n in range(3):
        reach(customer, clerk_a, store_a, DAY0 + dt.timedelta(days=n), n)

    assert apply_damping(DAY0 + dt.timedelta(days=2))["customers_damped"] == 0
