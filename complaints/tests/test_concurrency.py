"""Two workers at once: real concurrent transactions on PostgreSQL, one thread each."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from complaints.escalation import escalate
from complaints.models import Breach, Notification, ProductReturn
from complaints.returns import ReturnItem, record_return
from complaints.tests.conftest import at
from crm.tests.concurrency import run_together
from customers.tests.factories import buy

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")


def test_two_escalation_runs_at_once_notify_once(make_complaint, manager_a):
    with time_machine.travel(at(dt.date(2025, 3, 3), 10), tick=False):
        complaint = make_complaint()
    results = run_together(4, lambda i: escalate(at(dt.date(2025, 3, 4), 11)))
    assert not [r for r in results if isinstance(r, Exception)]
    assert sum(r["first_breaches"] for r in results) == 1
    assert Breach.objects.filter(complaint=complaint).count() == 1
    assert Notification.objects.filter(complaint=complaint).count() == 2


def test_two_clerks_returning_the_last_item_at_once_return_it_once(customer_a, clerk_a, clerk_a2):
    purchase = buy(customer_a, Decimal("500.00"), clerk=clerk_a)
    line = purchase.lines.get()
    clerks = [clerk_a, clerk_a2]
    results = run_together(2, lambda i: record_return(purchase=purchase, items=[ReturnItem(line, 1)], by=clerks[i]))
    assert len([r for r in results if isinstance(r, Exception)]) == 1
    assert ProductReturn.objects.count() == 1
    customer_a.refresh_from_db()
    assert customer_a.cumulative_spend == Decimal("0.00")
