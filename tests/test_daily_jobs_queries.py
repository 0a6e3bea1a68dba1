"""The daily jobs cost the same number of queries for ten qualifying customers as for a thousand."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crm.jobs import run_daily_jobs
from customers.models import Customer
from followups.models import MessageTemplate, OutboundMessage
from followups.sms.backends import locmem
from loyalty.models import CardApplication

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 6, 10)


@pytest.fixture(autouse=True)
def _sms_to_memory(sms_in_memory):
    """Every SMS of these tests goes to ``locmem.outbox`` (the root conftest's fixture)."""


def customers_who_qualify(store, clerk, count: int, first: int, birthday: dt.date) -> None:
    """Customers with a silver-level spend brought in by an import and a birthday today:
    each needs a card application, a greeting and its SMS."""
    Customer.objects.bulk_create(
        Customer(
            name=f"顾客{n}",
            gender="F",
            mobile=f"+86137{n:08d}",
            home_store=store,
            clerk=clerk,
            cumulative_spend=Decimal("6000.00"),
            birthday=birthday.replace(year=1990),
            marketing_consent=True,
            data_consent_at=timezone.now(),
        )
        for n in range(first, first + count)
    )


def queries_for_the_day(day: dt.date) -> int:
    nine_utc = dt.datetime(day.year, day.month, day.day, 9, tzinfo=dt.UTC)
    with time_machine.travel(nine_utc, tick=False), CaptureQueriesContext(connection) as ctx:
        run_daily_jobs(day)
    return len(ctx.captured_queries)


def test_the_daily_jobs_do_not_issue_more_queries_for_more_customers(store_a, clerk_a):
    """About 10 s: a thousand customers get an application, a greeting and an SMS."""
    assert MessageTemplate.objects.filter(code="birthday", is_active=True).exists()
    queries_for_the_day(DAY - dt.timedelta(days=1))  # the summaries' first run backfills
    customers_who_qualify(store_a, clerk_a, 10, first=0, birthday=DAY)
    few = queries_for_the_day(DAY)
    assert CardApplication.objects.count() == 10 and len(locmem.outbox) == 10

    next_day = DAY + dt.timedelta(days=1)
    customers_who_qualify(store_a, clerk_a, 1000, first=10, birthday=next_day)
    many = queries_for_the_day(next_day)
    assert CardApplication.objects.count() == 1010
    assert OutboundMessage.objects.count() == 1010 and len(locmem.outbox) == 1010
    # The outbox claims, reads and sends 500 messages per batch: 1,000 messages are two
    # batches where ten were one, and that second batch (about a dozen queries with its
    # savepoints) is the only extra. A query per customer would add a thousand.
    assert many <= few + 16, (few, many)
