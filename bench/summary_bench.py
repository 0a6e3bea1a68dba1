"""Benchmark of the daily summary job on a loaded chain (not part of the test suite).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kedang_bench \\
        .venv/bin/python bench/summary_bench.py [--sales 6850]

Uses the chain ``bench/reports_bench.py`` loads (and summarises). Adds one normal day for
the day after the data: ``--sales`` purchases (default: the chain's purchases per day),
a twentieth as many new customers, and that day's callbacks done, then times
``reports.summarise`` for that day, part by part, and once more (nothing changed). Beside
it, the reference: the plain SQL that reads and ranks the year's buyers (what the facts
are recomputed from), without writing anything. Everything happens in one transaction
that is rolled back: the loaded chain stays as it was.
"""

import argparse
import datetime as dt
import sys
import time
from functools import wraps
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reports_load import open_loaded_chain  # noqa: E402  (bench/ is on the path: the script's own folder)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sales", type=int, default=None, help="default: the chain's purchases per day")
    return parser.parse_args()


def add_a_day(cursor, day: dt.date, sales: int) -> dict:
    """One day's trade: sales to existing customers (a fifth without one), new customers,
    and the callbacks due that day done."""
    import random
    import uuid
    from decimal import Decimal

    from django.utils import timezone

    from customers.models import Customer, Purchase

    rng = random.Random(day.toordinal())
    opening = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    ids = list(Customer.objects.order_by("?").values_list("pk", "home_store_id", "clerk_id")[: sales * 2])
    new = Customer.objects.bulk_create(
        Customer(name="新客", home_store_id=store, clerk_id=clerk, created_at=opening, marketing_consent=True)
        for _pk, store, clerk in ids[: max(sales // 20, 1)]
    )
    Customer.objects.filter(pk__in=[c.pk for c in new]).update(created_at=opening)  # not auto_now_add's now
    buyers = [(c.pk, c.home_store_id, c.clerk_id) for c in new] + ids
    purchases = []
    for n in range(sales):
        customer, store, clerk = buyers[n % len(buyers)]
        total = Decimal(rng.randint(99, 4999))
        purchases.append(
            Purchase(
                store_id=store,
                customer_id=None if n % 5 == 0 else customer,
                clerk_id=clerk,
                receipt_number=f"D{day:%Y%m%d}-{n}",
                purchased_at=opening + dt.timedelta(seconds=rng.randrange(10 * 3600)),
                subtotal=total,
                total=total,
                idempotency_key=uuid.uuid4(),
            )
        )
    Purchase.objects.bulk_create(purchases, batch_size=2000)
    cursor.execute(
        "UPDATE followups_followuptask SET status = 'done', outcome = 'satisfied', completed_at = %s "
        "WHERE due_date = %s AND status = 'pending' AND channel <> 'sms'",
        [opening + dt.timedelta(hours=5), day],
    )
    return {"sales": len(purchases), "new_customers": len(new), "callbacks_done": cursor.rowcount}


def timed_parts(summary) -> dict:
    """Wrap the job's parts so each call's time is recorded."""
    parts: dict[str, float] = {}

    def wrap(name, label):
        fn = getattr(summary, name)

        @wraps(fn)
        def timed(*args, **kwargs):
            began = time.perf_counter()
            result = fn(*args, **kwargs)
            key = label(*args) if callable(label) else label
            parts[key] = parts.get(key, 0) + time.perf_counter() - began
            return result

        setattr(summary, name, timed)

    wrap("summarise_days", "daily figures (ClerkDay, churn reasons)")
    wrap("snapshot_tiers", "tier mix")
    wrap("summarise_period", lambda kind, key, *rest: f"period {key}")
    refresh = summary.customer_facts.refresh

    def counted(period_id, *args, **kwargs):
        result = refresh(period_id, *args, **kwargs)
        parts[f"    facts of period {period_id}: {result}"] = 0.0
        return result

    summary.customer_facts.refresh = counted
    return parts


def main() -> None:
    args = parse_args()
    day = open_loaded_chain()
    from django.db import connection, transaction

    from customers.models import Purchase
    from reports import customer_facts, summary
    from reports.periods import local_bounds, period_bounds

    total = Purchase.objects.count()
    sales = args.sales or total // 730
    parts = timed_parts(summary)
    with transaction.atomic(), connection.cursor() as cursor:
        began = time.perf_counter()
        summary.summarise(day - dt.timedelta(days=1))
        print(f"the data's last day summarised first: {time.perf_counter() - began:.1f} s", flush=True)
        added = add_a_day(cursor, day, sales)
        print(f"a normal day, {day}: {added}", flush=True)
        for label in ("the day's run", "the same day again (nothing changed)"):
            parts.clear()
            began = time.perf_counter()
            counts = summary.summarise(day)
            seconds = time.perf_counter() - began
            print(f"  {label:<40} {seconds:7.1f} s   {counts}", flush=True)
            for name, part in parts.items():
                print(f"      {name:<40} {part:7.1f} s" if part else f"      {name}", flush=True)
        _key, start, end = period_bounds("year", day)
        lower, upper = local_bounds(start, day)
        began = time.perf_counter()
        cursor.execute(
            f"SELECT count(fresh.*) FROM ({customer_facts._select_sql()}) fresh",  # every column: ranks computed
            {"false": False, "lower": lower, "upper": upper},
        )
        buyers = cursor.fetchone()[0]
        print(f"  reference: reading and ranking the year's {buyers:,} buyers {time.perf_counter() - began:7.1f} s")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
