"""A small hand-made chain whose right answers are written in the tests.

Today is Wednesday 2025-03-12, 10:00 in the store time zone; "this week" is Monday
03-10 to Wednesday 03-12.

Store A (the dashboard data):
- clerk_a: 4 sales this week, 3 with a customer (75% captured), plus one imported
  opening balance that never counts; callbacks due Mon (done Mon: on time), Mon (done
  Tue: late), Tue (still to do: missed), Wed (to do: not yet due), a cancelled one and
  an SMS that never count -> 2 done (1 on time) of 3 whose day has come = 66.7% completion
  (33.3% on time), and the late one counts again on Tuesday, the day it was done; 2 new customers,
  1 accepting messages.
- clerk_a2: 2 sales, 1 identified (50%); callbacks Mon and Tue done the same day
  (100%); 1 new customer accepting messages.

Store C (the analysis data, 2025 Q1): ten customers, spend (desc) 100, 90, 90, 70, 60,
50, 40, 30, 20, 20; the first three bought 3, 2 and 2 times, the others once; customer
i last bought on 03-(10 - i).
"""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from crm.models import Role
from crm.tests.factories import make_staff
from customers.models import ContactChannel, ContactLog, ContactOutcome, Customer, Purchase
from customers.tests.factories import CustomerFactory
from followups.models import Channel, FollowUpTask, TaskKind, TaskStatus
from reports import summary

TODAY = dt.date(2025, 3, 12)
MON, TUE, WED = dt.date(2025, 3, 10), dt.date(2025, 3, 11), TODAY


def at(day: dt.date, hour: int = 11, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(at(TODAY, 10), tick=False):
        yield


_receipts = iter(range(1, 10**9))


def sale(store, clerk, customer, day, total="100.00", imported=False, hour=11):
    return Purchase.objects.create(
        store=store,
        clerk=clerk,
        customer=customer,
        receipt_number=f"R{next(_receipts)}",
        purchased_at=at(day, hour),
        subtotal=Decimal(total),
        total=Decimal(total),
        is_imported=imported,
    )


def callback(store, clerk, customer, due, status=TaskStatus.PENDING, done_on=None, channel=Channel.CALL):
    return FollowUpTask.objects.create(
        kind=TaskKind.ADHOC,
        customer=customer,
        store=store,
        assignee=clerk,
        channel=channel,
        purpose="回访",
        due_date=due,
        status=status,
        completed_at=at(done_on, 15) if done_on else None,
    )


def customer(store, clerk=None, created=dt.date(2024, 6, 1), consent=True, **fields):
    made = CustomerFactory(home_store=store, clerk=clerk, marketing_consent=consent, **fields)
    Customer.objects.filter(pk=made.pk).update(created_at=at(created, 9))
    made.refresh_from_db()
    return made


@pytest.fixture
def week_data(store_a, clerk_a, clerk_a2):
    old = [customer(store_a, clerk_a) for _ in range(4)]
    for c in old[:3]:
        sale(store_a, clerk_a, c, MON)
    sale(store_a, clerk_a, None, TUE)
    sale(store_a, clerk_a, old[0], MON, total="999.00", imported=True)
    sale(store_a, clerk_a2, old[3], TUE)
    sale(store_a, clerk_a2, None, WED, hour=9)

    c = old[0]
    callback(store_a, clerk_a, c, MON, TaskStatus.DONE, done_on=MON)
    callback(store_a, clerk_a, c, MON, TaskStatus.DONE, done_on=TUE)
    callback(store_a, clerk_a, c, TUE)
    callback(store_a, clerk_a, c, WED)
    callback(store_a, clerk_a, c, TUE, TaskStatus.CANCELLED)
    callback(store_a, clerk_a, c, MON, channel=Channel.SMS)
    callback(store_a, clerk_a2, c, MON, TaskStatus.DONE, done_on=MON)
    callback(store_a, clerk_a2, c, TUE, TaskStatus.DONE, done_on=TUE)

    customer(store_a, clerk_a, created=MON, consent=True)
    customer(store_a, clerk_a, created=TUE, consent=False)
    customer(store_a, clerk_a2, created=WED, consent=True)
    return old


AMOUNTS = [100, 90, 90, 70, 60, 50, 40, 30, 20, 20]


@pytest.fixture
def quarter_data(store_c):
    clerk_c = make_staff("clerk_c", Role.CLERK, store=store_c)
    people = [customer(store_c, clerk_c, created=dt.date(2025, 1, 5)) for _ in AMOUNTS]
    for i, (person, amount) in enumerate(zip(people, AMOUNTS, strict=True)):
        last = dt.date(2025, 3, 10 - i)
        if i == 0:
            sale(store_c, clerk_c, person, dt.date(2025, 1, 20), "40.00")
            sale(store_c, clerk_c, person, dt.date(2025, 2, 20), "30.00")
            sale(store_c, clerk_c, person, last, "30.00")
        elif i in (1, 2):
            sale(store_c, clerk_c, person, dt.date(2025, 2, i), "45.00")
            sale(store_c, clerk_c, person, last, "45.00")
        else:
            sale(store_c, clerk_c, person, last, f"{amount}.00")
    # Referred by the best customer: two of the ten new customers of the quarter.
    Customer.objects.filter(pk__in=[people[5].pk, people[6].pk]).update(referred_by=people[0])
    for score in (4, 5):
        contact(store_c, clerk_c, people[0], satisfaction=score)
    contact(store_c, clerk_c, people[8], churn_reason="moved")
    contact(store_c, clerk_c, people[9], churn_reason="moved")
    contact(store_c, clerk_c, people[7], churn_reason="competitor")
    return people


def contact(store, staff, person, satisfaction=None, churn_reason="", day=dt.date(2025, 3, 5)):
    return ContactLog.objects.create(
        customer=person,
        store=store,
        staff=staff,
        channel=ContactChannel.CALL,
        occurred_at=at(day),
        outcome=ContactOutcome.SATISFIED,
        satisfaction=satisfaction,
        churn_reason=churn_reason,
    )


@pytest.fixture
def summarised(week_data, quarter_data):
    summary.summarise(TODAY)
    return {"week": week_data, "quarter": quarter_data}
