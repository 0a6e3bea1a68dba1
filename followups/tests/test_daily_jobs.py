"""run_daily_jobs twice, or twice at the same time, leaves what one run leaves."""

import datetime as dt

import pytest
import time_machine
from django.apps import apps
from django.db import connection, transaction

from crm.jobs import run_daily_jobs
from crm.tests.concurrency import run_together
from customers.tests.factories import CustomerFactory, buy
from followups.models import FollowUpTask, OutboundMessage
from followups.tests.conftest import at

NATIONAL_DAY = dt.date(2025, 10, 1)


def every_table() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def a_busy_day(store, clerk):
    """Purchases whose SMS and calls fall due, a birthday, and National Day for everyone."""
    for back in (2, 3, 7, 10, 30):
        customer = CustomerFactory(home_store=store, clerk=clerk)
        with time_machine.travel(at(NATIONAL_DAY - dt.timedelta(days=back)), tick=False):
            # Below the silver card: a qualifying sale would plan the silver cadence (no day-10 call).
            buy(customer, "800", clerk=clerk, when=at(NATIONAL_DAY - dt.timedelta(days=back)))
    CustomerFactory(home_store=store, clerk=clerk, birthday=dt.date(1991, 10, 1))
    CustomerFactory(home_store=store, clerk=clerk, marketing_consent=False, birthday=dt.date(1991, 10, 1))


@pytest.mark.django_db
def test_running_a_day_twice_changes_nothing_the_second_time(store_a, clerk_a, sms_outbox):
    a_busy_day(store_a, clerk_a)
    with time_machine.travel(at(NATIONAL_DAY, 8), tick=False):
        run_daily_jobs(NATIONAL_DAY)
        once = every_table()
        run_daily_jobs(NATIONAL_DAY)

    assert every_table() == once
    # 6 customers may get SMS: 6 National Day greetings, 1 birthday, and the plan SMS due
    # by today and at most KEDANG_SMS_MAX_LATE_DAYS (3) late: day 2 of the purchases 2 and
    # 3 days back, day 7 of those 7 and 10 days back. Older plan SMS are dropped, not sent.
    assert OutboundMessage.objects.count() == 6 + 1 + 2 + 2
    assert len(sms_outbox) == 11
    # Calls due before today are overdue (day 3 of three purchases, day 10 of the oldest);
    # the one due today is not.
    assert FollowUpTask.objects.filter(overdue=True).count() == 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_time_leave_what_one_run_leaves(store_a, clerk_a, sms_outbox, cadence_defaults):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for concurrent transactions")
    a_busy_day(store_a, clerk_a)
    with time_machine.travel(at(NATIONAL_DAY, 8), tick=False):
        # What one run leaves, measured on the same data and then rolled back.
        with transaction.atomic():
            run_daily_jobs(NATIONAL_DAY)
            one = every_table()
            transaction.set_rollback(True)
        sms_outbox.clear()
        assert every_table() != one  # the rollback really undid the single run

        outcomes = run_together(2, lambda i: run_daily_jobs(NATIONAL_DAY))
        assert not [o for o in outcomes if isinstance(o, Exception)]
        both = every_table()
        run_daily_jobs(NATIONAL_DAY)

    assert both == one
    assert every_table() == both
    assert OutboundMessage.objects.count() == 11
    assert len(sms_outbox) == 11
    assert both["followups.FollowUpTask"] == FollowUpTask.objects.count()
