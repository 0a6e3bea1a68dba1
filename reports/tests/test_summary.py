import datetime as dt
from decimal import Decimal

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from followups.models import TaskStatus
from reports import figures, summary
from reports.models import (
    ChurnReasonDay,
    ClerkDay,
    CustomerPeriod,
    Period,
    StorePeriod,
    StorePeriodBucket,
    StoreTierDay,
)
from reports.periods import DateRange
from reports.tests.conftest import MON, TODAY, WED, callback, customer, sale

pytestmark = pytest.mark.django_db
WEEK = DateRange(MON, WED, "week")


def _by_clerk(store):
    return {f.key: f for f in figures.per_clerk([store.pk], WEEK)}


def test_it_counts_callbacks_per_clerk_on_time_late_missed_and_open(summarised, store_a, clerk_a, clerk_a2):
    rows = _by_clerk(store_a)
    a = rows[clerk_a.pk]
    assert (a.calls_due, a.calls_on_time, a.calls_late, a.calls_missed, a.calls_open) == (4, 1, 1, 1, 1)
    assert a.completion_rate == pytest.approx(2 / 3)  # done, on time or late, of 3 whose day came
    assert a.on_time_rate == pytest.approx(1 / 3)
    b = rows[clerk_a2.pk]
    assert (b.calls_due, b.calls_on_time, b.completion_rate) == (2, 2, 1.0)


def test_it_computes_the_capture_rate_without_imported_opening_balances(summarised, store_a, clerk_a, clerk_a2):
    rows = _by_clerk(store_a)
    assert (rows[clerk_a.pk].purchases, rows[clerk_a.pk].identified) == (4, 3)
    assert rows[clerk_a.pk].capture_rate == 0.75
    assert rows[clerk_a.pk].sales == Decimal("400.00")
    assert rows[clerk_a2.pk].capture_rate == 0.5
    store = figures.total(list(rows.values()))
    assert (store.purchases, store.identified) == (6, 4)


def test_it_computes_the_opt_in_rate_of_new_customers(summarised, store_a, clerk_a, clerk_a2):
    rows = _by_clerk(store_a)
    assert (rows[clerk_a.pk].new_customers, rows[clerk_a.pk].new_opted_in) == (2, 1)
    assert rows[clerk_a.pk].opt_in_rate == 0.5
    assert figures.total(list(rows.values())).opt_in_rate == pytest.approx(2 / 3)


def _contents():
    """Every summary row, without ids and run times."""
    tables = [ClerkDay, ChurnReasonDay, StoreTierDay, CustomerPeriod, StorePeriod, StorePeriodBucket]
    result = {}
    for model in tables:
        rows = [model_to_dict(row, exclude=["id"]) for row in model.objects.all()]
        for row in rows:
            row.pop("period", None)
        result[model.__name__] = sorted(rows, key=repr)
    result["Period"] = sorted(Period.objects.values_list("key", "start", "end", "through"))
    return result


def test_it_changes_nothing_when_run_twice_on_a_day(week_data, quarter_data):
    summary.summarise(TODAY)
    first = _contents()
    assert first["ClerkDay"] and first["CustomerPeriod"] and first["StorePeriod"]
    summary.summarise(TODAY)
    assert _contents() == first


def test_it_also_changes_nothing_the_day_after_a_second_run(week_data, quarter_data):
    """A normal (not first) run is idempotent too, not only the backfill."""
    summary.summarise(TODAY)
    tomorrow = TODAY + dt.timedelta(days=1)
    summary.summarise(tomorrow)
    first = _contents()
    summary.summarise(tomorrow)
    assert _contents() == first


def test_facts_brought_up_to_date_in_place_equal_a_recomputation_from_scratch(summarised, store_a, store_c, clerk_a):
    """The daily run writes only what changed in a period's facts; after sales, a new
    buyer, a buyer whose purchases are gone and a customer moved to another store, what
    it leaves is what a first computation gives."""
    from customers.models import Customer, Purchase

    week, quarter = summarised["week"], summarised["quarter"]
    before = {(f.period_id, f.customer_id): (f.amount, f.abc, f.r, f.f, f.m) for f in CustomerPeriod.objects.all()}
    sale(store_a, clerk_a, week[1], WED, total="5000.00")  # a bigger spender: ranks shift
    sale(store_c, clerk_a, customer(store_c, clerk_a), WED, total="70.00")  # a new buyer
    Purchase.objects.filter(customer=week[2]).delete()  # no longer a buyer
    Customer.objects.filter(pk=quarter[0].pk).update(home_store=store_a)  # ranked in another store now
    summary.summarise(TODAY)
    in_place = _contents()
    after = {(f.period_id, f.customer_id): (f.amount, f.abc, f.r, f.f, f.m) for f in CustomerPeriod.objects.all()}
    assert after != before

    CustomerPeriod.objects.all().delete()
    Period.objects.update(tracked=False)  # computed whole, as the first time
    summary.summarise(TODAY)
    assert _contents() == in_place


def test_it_picks_up_a_callback_completed_late_long_after_it_was_due(week_data, store_a, clerk_a):
    old_day = TODAY - dt.timedelta(days=30)
    task = callback(store_a, clerk_a, week_data[0], old_day)
    summary.summarise(TODAY)
    row = ClerkDay.objects.get(day=old_day, store=store_a, clerk_key=clerk_a.pk)
    assert (row.calls_due, row.calls_missed, row.calls_late) == (1, 1, 0)

    task.status = TaskStatus.DONE
    task.completed_at = timezone.now()
    task.save()
    summary.summarise(TODAY + dt.timedelta(days=1))
    row.refresh_from_db()
    assert (row.calls_due, row.calls_missed, row.calls_late) == (1, 0, 1)


def test_it_removes_figures_whose_source_is_gone(summarised, store_a, clerk_a2):
    from customers.models import Purchase

    Purchase.objects.filter(store=store_a, clerk=clerk_a2, purchased_at__date=WED).delete()
    summary.summarise(TODAY)
    assert _by_clerk(store_a)[clerk_a2.pk].purchases == 1


def test_it_counts_a_purchase_entered_late_on_the_day_it_was_made(summarised, store_a, clerk_a):
    old_day = TODAY - dt.timedelta(days=20)
    sale(store_a, clerk_a, None, old_day)
    summary.summarise(TODAY)
    assert ClerkDay.objects.get(day=old_day, store=store_a, clerk_key=clerk_a.pk).purchases == 1


def test_it_snapshots_the_tier_mix_per_store(summarised, store_a):
    tiers = dict(StoreTierDay.objects.filter(day=TODAY, store=store_a).values_list("tier", "customers"))
    assert tiers == {"A": 0, "B": 0, "C": 7}


def test_it_counts_churn_reasons_per_day(summarised, store_c):
    rows = dict(ChurnReasonDay.objects.filter(store=store_c).values_list("reason", "count"))
    assert rows == {"moved": 2, "competitor": 1}


def test_it_registers_as_the_daily_job_after_the_others():
    from crm.jobs import registered_jobs

    job = next(j for j in registered_jobs() if j.name == "reports.summarise")
    assert job.order == 90


def test_the_hourly_refresh_updates_todays_figures_but_not_the_periods(week_data, store_a, clerk_a2):
    from reports.models import SummaryRun
    from reports.tasks import refresh_today_task

    result = refresh_today_task()
    assert "periods" not in result
    assert not Period.objects.exists()
    assert SummaryRun.objects.get(name="days").day == TODAY
    assert _by_clerk(store_a)[clerk_a2.pk].purchases == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_leave_what_one_run_leaves(store_c):
    import threading

    from django.db import connection

    from reports.tests.conftest import AMOUNTS, customer

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    for amount in AMOUNTS:
        sale(store_c, None, customer(store_c, created=TODAY), TODAY, f"{amount}.00")
    errors = []

    def run():
        try:
            summary.summarise(TODAY)
        except Exception as exc:  # report any failure in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert CustomerPeriod.objects.filter(period__key="2025Q1").count() == 10
    first = _contents()
    summary.summarise(TODAY)
    assert _contents() == first
