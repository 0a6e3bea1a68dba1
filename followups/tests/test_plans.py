import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from crm.jobs import registered_jobs, run_daily_jobs
from customers.models import ContactOutcome, Tier
from customers.tests.factories import buy
from followups.models import Channel, FollowUpTask, TaskStatus
from followups.services.plans import schedule_callback
from followups.services.worklist import record_outcome, worklist
from followups.tests.conftest import at

pytestmark = pytest.mark.django_db

DAY0 = dt.date(2025, 3, 3)
# The daily jobs a purchase's plan goes through: damping (the quarterly cadence), overdue
# marking and the SMS outbox. The others (tier checks, greetings — the customer has no
# birthday and no holiday falls in the 130 days —, complaint escalation, the report
# summaries) have their own tests and were most of these tests' time, run 131 times.
PLAN_JOBS = ["followups.damping", "followups.overdue", "followups.send_messages"]
assert set(PLAN_JOBS) <= {job.name for job in registered_jobs()}


def live_through(days, customer, clerk, sms_outbox, *, start=DAY0):
    """Live day by day: the daily jobs at 08:00, then the clerk works the worklist.
    Returns {day offset: [what happened]}."""
    seen = {}
    for offset in range(days + 1):
        day = start + dt.timedelta(days=offset)
        with time_machine.travel(at(day, 8), tick=False):
            before = len(sms_outbox)
            run_daily_jobs(day, only=PLAN_JOBS)
            events = [f"sms:{m.text[:6]}" for m in sms_outbox[before:] if m.to == customer.mobile]
        with time_machine.travel(at(day, 15), tick=False):
            for task in worklist(clerk, day).filter(customer=customer):
                events.append(f"call:{task.purpose}")
                record_outcome(task, outcome=ContactOutcome.SATISFIED, by=clerk, satisfaction=5)
        if events:
            seen[offset] = events
    return seen


def test_it_follows_a_c_customer_for_130_days(make_customer, purchase_on, clerk_a, sms_outbox):
    """131 days of the plan's daily jobs and worklist, one day at a time (a few seconds)."""
    customer = make_customer(tier=Tier.C)
    with time_machine.travel(at(DAY0, 14), tick=False):
        purchase_on(customer, DAY0)

    seen = live_through(130, customer, clerk_a, sms_outbox)

    assert sorted(seen) == [2, 3, 7, 10, 30, 120]
    assert seen[2][0].startswith("sms:") and seen[7][0].startswith("sms:")
    assert seen[3] == ["call:穿着与服务满意度回访"]
    assert seen[10] == ["call:洗后质量回访"]
    assert seen[30] == ["call:个人关怀与新品回访"]
    assert seen[120] == ["call:季度回访"]


def test_it_follows_an_a_customer_for_130_days(make_customer, purchase_on, clerk_a, sms_outbox):
    """131 days of the plan's daily jobs and worklist, one day at a time (a few seconds)."""
    customer = make_customer(tier=Tier.A)
    with time_machine.travel(at(DAY0, 14), tick=False):
        purchase_on(customer, DAY0)

    seen = live_through(130, customer, clerk_a, sms_outbox)

    assert sorted(seen) == [2, 3, 7, 30, 120]
    assert seen[7][0].startswith("sms:") and seen[7][1] == "call:领卡通知"
    assert "call:洗后质量回访" not in sum(seen.values(), [])
    assert seen[120] == ["call:季度回访"]


def test_a_purchase_on_day_5_replaces_the_older_plans_calls(make_customer, purchase_on, clerk_a, clerk_a2, sms_outbox):
    customer = make_customer(tier=Tier.C)
    with time_machine.travel(at(DAY0, 14), tick=False):
        first = purchase_on(customer, DAY0)
    live_through(4, customer, clerk_a, sms_outbox)
    day5 = DAY0 + dt.timedelta(days=5)
    with time_machine.travel(at(day5, 11), tick=False):
        second = purchase_on(customer, day5, clerk=clerk_a2)

    old = FollowUpTask.objects.filter(purchase=first)
    assert set(old.filter(status=TaskStatus.SUPERSEDED).values_list("rule__day_offset", flat=True)) == {7, 10, 30, 120}
    assert old.get(rule__day_offset=3).status == TaskStatus.DONE
    calls = FollowUpTask.objects.filter(customer=customer, status__in=[TaskStatus.PENDING, TaskStatus.DONE]).calls()
    days = sorted((t.due_date - DAY0).days for t in calls)
    assert days == [3, 8, 15, 35, 125]
    assert all(b - a >= 3 for a, b in zip(days, days[1:], strict=False))
    assert set(FollowUpTask.objects.filter(purchase=second).values_list("assignee", flat=True)) == {clerk_a2.pk}


def test_a_new_plans_call_keeps_the_minimum_gap_from_other_calls(make_customer, purchase_on, clerk_a, store_a):
    customer = make_customer(tier=Tier.C)
    schedule_callback(
        customer, purpose="投诉回访", due_date=DAY0 + dt.timedelta(days=2), assignee=clerk_a, store=store_a, key="c:1"
    )
    with time_machine.travel(at(DAY0, 14), tick=False):
        purchase = purchase_on(customer, DAY0)

    first_call = FollowUpTask.objects.filter(purchase=purchase).calls().order_by("due_date").first()
    assert first_call.due_date == DAY0 + dt.timedelta(days=5)


def test_the_minimum_gap_is_a_setting(make_customer, purchase_on, clerk_a, store_a, settings):
    settings.KEDANG_FOLLOWUP_MIN_CALL_GAP_DAYS = 1
    customer = make_customer(tier=Tier.C)
    schedule_callback(
        customer, purpose="投诉回访", due_date=DAY0 + dt.timedelta(days=2), assignee=clerk_a, store=store_a, key="c:1"
    )
    with time_machine.travel(at(DAY0, 14), tick=False):
        purchase = purchase_on(customer, DAY0)

    first_call = FollowUpTask.objects.filter(purchase=purchase).calls().order_by("due_date").first()
    assert first_call.due_date == DAY0 + dt.timedelta(days=3)


def test_it_plans_nothing_for_anonymous_or_imported_purchases(make_customer, purchase_on, store_a, clerk_a):
    customer = make_customer()
    buy(None, "100", store=store_a, clerk=clerk_a)
    purchase_on(customer, DAY0, is_imported=True)

    assert FollowUpTask.objects.count() == 0


def test_the_plan_is_for_the_clerk_who_served_the_purchase(make_customer, purchase_on, clerk_a2):
    customer = make_customer()
    purchase = purchase_on(customer, DAY0, clerk=clerk_a2)

    tasks = FollowUpTask.objects.filter(purchase=purchase)
    assert tasks.count() == 6
    assert {t.assignee_id for t in tasks} == {clerk_a2.pk}
    assert {t.store_id for t in tasks} == {purchase.store_id}


def test_days_are_counted_from_midnight_in_shanghai(make_customer):
    late = make_customer()
    early = make_customer()
    # 23:59 in Shanghai is still 3 March; 00:01 is 4 March although it is 3 March in UTC.
    buy(late, "500", clerk=None, when=at(DAY0, 23, 59))
    buy(early, "500", clerk=None, when=at(DAY0 + dt.timedelta(days=1), 0, 1))

    sms_day = dict(
        FollowUpTask.objects.filter(channel=Channel.SMS, rule__day_offset=2).values_list("customer", "due_date")
    )
    assert sms_day[late.pk] == DAY0 + dt.timedelta(days=2)
    assert sms_day[early.pk] == DAY0 + dt.timedelta(days=3)


def test_the_beat_task_runs_the_shanghai_day_just_after_midnight(make_customer, purchase_on, sms_outbox):
    from crm.tasks import run_daily_jobs_task

    customer = make_customer(birthday=dt.date(1990, 3, 5))
    # 00:00:30 on 5 March in Shanghai is still 4 March in UTC.
    with time_machine.travel(at(dt.date(2025, 3, 5), 0, 0).replace(second=30), tick=False):
        run_daily_jobs_task()

    assert FollowUpTask.objects.get(customer=customer, greeting="birthday").due_date == dt.date(2025, 3, 5)
    assert [m.to for m in sms_outbox] == [customer.mobile]


def test_run_daily_jobs_command_takes_a_date(make_customer, capsys):
    customer = make_customer(birthday=dt.date(1990, 7, 1))
    call_command("run_daily_jobs", "--date", "2025-07-01")

    assert FollowUpTask.objects.filter(customer=customer, greeting="birthday", due_date=dt.date(2025, 7, 1)).exists()
    assert "followups.greetings" in capsys.readouterr().out
