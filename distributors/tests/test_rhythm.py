import datetime as dt
from decimal import Decimal

import time_machine

from crm.jobs import run_daily_jobs
from distributors.models import AccountChange, ChangeKind, Grade, PickUp, ServiceRhythm, Status, ValueClass
from distributors.services.rhythm import classify, generate, value_class_for
from distributors.tests.factories import make_account
from followups.models import FollowUpTask

JOBS = ["distributors.classify", "distributors.rhythm", "distributors.renewals"]


def _existing(am, company, bought):
    account = make_account(am, company=company, status=Status.EXISTING, grade=Grade.QUALIFIED)
    if bought:
        PickUp.objects.create(
            account=account, on=dt.date(2026, 1, 5), product_line="男装", quantity=10, amount=Decimal(bought)
        )
    return account


def test_it_ranks_accounts_like_the_reports_pareto():
    assert [value_class_for(rank, 10) for rank in range(1, 11)] == [
        "important",
        "important",
        "major",
        "major",
        "major",
        "ordinary",
        "ordinary",
        "ordinary",
        "small",
        "small",
    ]


def test_it_classes_existing_accounts_by_their_yearly_pick_ups_and_records_the_change(am_a):
    amounts = [90000, 80000, 50000, 40000, 30000, 20000, 10000, 5000, 2000, 0]
    accounts = [_existing(am_a, f"经销商{i}", amount) for i, amount in enumerate(amounts)]
    potential = make_account(am_a, company="潜在客户")
    PickUp.objects.create(account=potential, on=dt.date(2026, 1, 5), product_line="男装", quantity=1, amount=100)
    assert classify(dt.date(2026, 2, 1))["reclassified"] == 10
    for account in accounts:
        account.refresh_from_db()
    got = [a.value_class for a in accounts]
    assert got == [
        "important",
        "important",
        "major",
        "major",
        "major",
        "ordinary",
        "ordinary",
        "ordinary",
        "small",
        "small",
    ]
    assert accounts[0].yearly_purchases == Decimal("90000.00")
    potential.refresh_from_db()
    assert potential.value_class == ""
    change = AccountChange.objects.get(account=accounts[0], kind=ChangeKind.VALUE_CLASS)
    assert (change.new_value, change.reason, change.by) == ("important", "yearly_purchases", None)
    assert classify(dt.date(2026, 2, 1))["reclassified"] == 0
    # a year after the pick-ups they no longer count
    classify(dt.date(2027, 1, 10))
    accounts[0].refresh_from_db()
    assert (accounts[0].value_class, accounts[0].yearly_purchases) == (ValueClass.SMALL, 0)


def test_it_puts_the_rhythm_of_each_class_on_the_worklist_over_90_days_and_a_second_run_adds_nothing(am_a, am_b):
    """Replays 180 days of the three jobs with time frozen on each (about 10 s on a shared
    machine): the issue asks for the 90 days, run twice."""
    important = _existing(am_a, "大客户", 90000)
    major = _existing(am_b, "主要客户", 50000)
    ordinary = _existing(am_a, "普通客户", 20000)
    small = _existing(am_a, "小客户", 0)
    make_account(am_a, company="意向客户", status=Status.INTENT, grade=Grade.SOON)
    start = dt.date(2026, 2, 2)  # a Monday
    days = [start + dt.timedelta(days=n) for n in range(90)]
    for day in days:
        with time_machine.travel(dt.datetime(day.year, day.month, day.day, 8, 0), tick=False):
            run_daily_jobs(day, only=JOBS)
    counts = {
        account.value_class: FollowUpTask.objects.filter(customer=account.customer).count()
        for account in (important, major, ordinary, small)
        if account.refresh_from_db() is None
    }
    # 2 Feb to 2 May: 13 weeks, 7 fortnights, 4 thirty-day and 2 quarterly (91-day) periods;
    # reviews Feb/Mar/Apr/May, Q1/Q2, H1; Spring Festival (17 Feb) for important and major.
    assert counts == {"important": 13 + 4 + 1, "major": 7 + 2 + 1, "ordinary": 4 + 1, "small": 2}
    tasks = FollowUpTask.objects.filter(customer=important.customer)
    assert {t.assignee for t in tasks} == {am_a}
    assert all(t.due_date in days for t in tasks)
    total = FollowUpTask.objects.count()
    for day in days:
        with time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, 0), tick=False):
            assert run_daily_jobs(day, only=JOBS)["distributors.rhythm"] == {"rhythm_tasks": 0}
    assert FollowUpTask.objects.count() == total


def test_it_follows_head_offices_edited_rhythm(am_a):
    account = _existing(am_a, "大客户", 90000)
    ServiceRhythm.objects.filter(value_class="important").update(contact_every_days=1, review_every_months=0)
    classify(dt.date(2026, 2, 1))
    for n in range(3):
        generate(dt.date(2026, 3, 2) + dt.timedelta(days=n))
    purposes = list(FollowUpTask.objects.filter(customer=account.customer).values_list("purpose", flat=True))
    assert len(purposes) == 3


def test_the_account_managers_worklist_shows_the_rhythm_tasks_and_the_store_staff_do_not_see_them(
    am_a, am_b, sales_manager, clerk_a, manager_a, head_office
):
    account = _existing(am_a, "大客户", 90000)
    classify(dt.date(2026, 2, 1))
    generate(dt.date(2026, 2, 2))
    mine = FollowUpTask.objects.filter(customer=account.customer)
    assert mine.count() == 2
    assert set(FollowUpTask.objects.visible_to(am_a)) == set(mine)
    assert set(FollowUpTask.objects.visible_to(sales_manager)) == set(mine)
    for outsider in (am_b, clerk_a, manager_a):
        assert not FollowUpTask.objects.visible_to(outsider).exists()
    assert FollowUpTask.objects.visible_to(head_office).count() == 2
