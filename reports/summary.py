"""The summary job: brings the reports tables up to date for a day.

``summarise(day)`` recomputes, from the source tables,

- the daily figures per store and clerk (``ClerkDay``) and churn reasons
  (``ChurnReasonDay``) for the trailing window (the day and the ``WINDOW_DAYS`` before),
  plus any older day touched since the window began: a callback completed late counts
  on the day it was due (as done late) and again on the day it was done (as caught up),
  a purchase entered late on the day it was made;
- today's tier mix per store (``StoreTierDay``);
- the per-customer facts and store totals of every quarter, half year and year that
  overlaps the window, and of any of the last ``BACKFILL_YEARS`` years never computed.

Everything is an upsert of recomputed rows plus removal of rows that no longer have a
source, so running a day twice leaves the tables exactly as one run leaves them. Two runs
of the same period at once are serialised by a row lock on the period.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Least, TruncDate
from django.utils import timezone

from crm.models import Store
from customers.models import ContactLog, Customer, Purchase, Tier
from followups.models import Channel, FollowUpTask, TaskStatus
from reports import customer_facts
from reports.models import (
    ChurnReasonDay,
    ClerkDay,
    CustomerPeriod,
    Dimension,
    Period,
    PeriodKind,
    StorePeriod,
    StorePeriodBucket,
    StoreTierDay,
    SummaryRun,
)
from reports.periods import local_bounds, period_bounds

WINDOW_DAYS = 7
BACKFILL_YEARS = 2
CLERK_FIELDS = [
    "purchases",
    "identified",
    "sales",
    "new_customers",
    "new_opted_in",
    "calls_due",
    "calls_on_time",
    "calls_late",
    "calls_missed",
    "calls_open",
    "calls_caught_up",
]
BATCH = 2000


def summarise(day: dt.date, *, periods: bool = True) -> dict:
    """Bring every summary up to date for ``day`` (see the module docstring)."""
    days = days_to_recompute(day)
    counts = {"days": len(days)}
    counts["clerk_days"] = summarise_days(days, as_of=day)
    counts["tiers"] = snapshot_tiers(day)
    if periods:
        claimed = customer_facts.claim_changes()
        recomputed, counts["facts_written"], whole = [], 0, False
        for kind, key, start, end in periods_to_recompute(day):
            period, written = summarise_period(kind, key, start, end, through=day, claimed=claimed)
            recomputed.append(period.pk)
            counts["facts_written"] += sum(written.values())
            whole = whole or (written and "reclassed" not in written)  # only the tracked path reclasses
        if claimed is not None:
            customer_facts.release_changes(recomputed)
        counts["periods"] = len(recomputed)
        if connection.vendor == "postgresql":
            # Fresh statistics after rewriting many rows, so the planner keeps using the
            # indexes the pages rely on (autovacuum may come much later). A tracked day
            # rewrites a few percent of the facts at most: their statistics hold.
            tables = [ClerkDay, StorePeriod, StorePeriodBucket] + ([CustomerPeriod] if whole else [])
            with connection.cursor() as cursor:
                for model in tables:
                    cursor.execute(f"ANALYZE {model._meta.db_table}")
    SummaryRun.objects.update_or_create(
        name="periods" if periods else "days", defaults={"day": day, "finished_at": timezone.now()}
    )
    return counts


REFRESH_AT_MOST_EVERY = dt.timedelta(minutes=1)


def refresh_today(now: dt.datetime | None = None) -> bool:
    """Today's daily figures on demand (the dashboards' button), as the hourly task
    computes them; skipped if they were refreshed less than a minute ago, so a row of
    managers pressing it costs one run. True if it ran."""
    now = now or timezone.now()
    recent = SummaryRun.objects.filter(finished_at__gt=now - REFRESH_AT_MOST_EVERY, day=timezone.localdate(now))
    if recent.exists():
        return False
    summarise(timezone.localdate(now), periods=False)
    return True


def days_to_recompute(day: dt.date) -> list[dt.date]:
    """The window, every older day whose figures may have changed since the window
    began, and on the very first run every day with data."""
    first = day - dt.timedelta(days=WINDOW_DAYS)
    days = {first + dt.timedelta(days=n) for n in range(WINDOW_DAYS + 1)}
    if not ClerkDay.objects.exists():
        oldest = _oldest_day(day)
        if oldest is not None:
            days.update(oldest + dt.timedelta(days=n) for n in range((first - oldest).days))
        return sorted(days)
    since, _upper = local_bounds(first, day)
    days.update(
        FollowUpTask.objects.exclude(channel=Channel.SMS)
        .filter(completed_at__gte=since, due_date__lt=first)
        .order_by()  # the model's ordering would put the id in the DISTINCT: one row per task
        .values_list("due_date", flat=True)
        .distinct()
    )
    late = Purchase.objects.filter(created_at__gte=since, purchased_at__lt=since).annotate(
        day=TruncDate("purchased_at")
    )
    days.update(late.order_by().values_list("day", flat=True).distinct())
    return sorted(d for d in days if d <= day)


def _oldest_day(day: dt.date) -> dt.date | None:
    earliest = day - dt.timedelta(days=366 * BACKFILL_YEARS)
    first_purchase = Purchase.objects.counted().order_by("purchased_at").values_list("purchased_at", flat=True).first()
    first_task = FollowUpTask.objects.order_by("due_date").values_list("due_date", flat=True).first()
    candidates = [d for d in (first_purchase and timezone.localdate(first_purchase), first_task) if d]
    return max(min(candidates), earliest) if candidates else None


def _runs(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive days grouped into (first, last) runs."""
    runs: list[list[dt.date]] = []
    for d in days:
        if runs and (d - runs[-1][1]).days == 1:
            runs[-1][1] = d
        else:
            runs.append([d, d])
    return [(a, b) for a, b in runs]


# --- daily figures --------------------------------------------------------------------


# The window's tasks are read through a bitmap of a few hundred thousand rows: with the
# server's default 4 MB it goes lossy and rechecks a million rows more (this job only).
DAYS_WORK_MEM = "64MB"


def summarise_days(days: list[dt.date], as_of: dt.date) -> int:
    """Recompute ``ClerkDay`` and ``ChurnReasonDay`` for ``days``; returns rows written."""
    store_ids = list(Store.objects.values_list("pk", flat=True))
    written = 0
    for start, end in _runs(days):
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL work_mem = '{DAYS_WORK_MEM}'")
                    cursor.execute("SET LOCAL jit = off")  # compiling costs more than these queries
            written += _summarise_run(start, end, as_of, store_ids)
    return written


def _summarise_run(start: dt.date, end: dt.date, as_of: dt.date, store_ids: list[int]) -> int:
    lower, upper = local_bounds(start, end)
    rows: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(CLERK_FIELDS, 0))

    purchases = (
        Purchase.objects.counted()
        .filter(purchased_at__gte=lower, purchased_at__lt=upper)
        .annotate(day=TruncDate("purchased_at"))
        .values("day", "store_id", "clerk_id")
        .annotate(n=Count("id"), identified=Count("customer_id"), sales=Sum("total"))
    )
    for p in purchases:
        row = rows[(p["day"], p["store_id"], p["clerk_id"] or 0)]
        row.update(purchases=p["n"], identified=p["identified"], sales=p["sales"] or Decimal("0"))

    captured = (
        Customer.objects.filter(created_at__gte=lower, created_at__lt=upper)
        .annotate(day=TruncDate("created_at"))
        .values("day", "home_store_id", "clerk_id")
        .annotate(n=Count("id"), opted_in=Count("id", filter=Q(marketing_consent=True)))
    )
    for c in captured:
        row = rows[(c["day"], c["home_store_id"], c["clerk_id"] or 0)]
        row.update(new_customers=c["n"], new_opted_in=c["opted_in"])

    done = Q(status=TaskStatus.DONE)
    calls = (
        # Naming every store lets the (store, status, due_date) index serve the range.
        FollowUpTask.objects.exclude(channel=Channel.SMS)
        .filter(store_id__in=store_ids, status__in=[TaskStatus.PENDING, TaskStatus.DONE])
        .filter(due_date__gte=start, due_date__lte=end)
        .annotate(done_on=TruncDate("completed_at"))
        .values("due_date", "store_id", "assignee_id")
        .annotate(
            due=Count("id"),
            on_time=Count("id", filter=done & Q(done_on__lte=F("due_date"))),
            late=Count("id", filter=done & Q(done_on__gt=F("due_date"))),
            missed=Count("id", filter=Q(status=TaskStatus.PENDING, due_date__lt=as_of)),
            open=Count("id", filter=Q(status=TaskStatus.PENDING, due_date__gte=as_of)),
        )
    )
    for t in calls:
        row = rows[(t["due_date"], t["store_id"], t["assignee_id"] or 0)]
        row.update(
            calls_due=t["due"],
            calls_on_time=t["on_time"],
            calls_late=t["late"],
            calls_missed=t["missed"],
            calls_open=t["open"],
        )

    # Late work counted on the day it was done too, for the assignee (as the due-day row).
    caught_up = (
        FollowUpTask.objects.exclude(channel=Channel.SMS)
        .filter(status=TaskStatus.DONE, completed_at__gte=lower, completed_at__lt=upper)
        .annotate(done_on=TruncDate("completed_at"))
        .filter(done_on__gt=F("due_date"))
        .values("done_on", "store_id", "assignee_id")
        .annotate(n=Count("id"))
    )
    for t in caught_up:
        rows[(t["done_on"], t["store_id"], t["assignee_id"] or 0)]["calls_caught_up"] = t["n"]

    reasons = (
        ContactLog.objects.filter(occurred_at__gte=lower, occurred_at__lt=upper)
        .exclude(churn_reason="")
        .annotate(day=TruncDate("occurred_at"))
        .values("day", "store_id", "churn_reason")
        .annotate(n=Count("id"))
    )
    reason_rows = [
        ChurnReasonDay(day=r["day"], store_id=r["store_id"], reason=r["churn_reason"], count=r["n"]) for r in reasons
    ]
    clerk_rows = [
        ClerkDay(day=d, store_id=s, clerk_id=k or None, clerk_key=k, **values) for (d, s, k), values in rows.items()
    ]
    with transaction.atomic():
        _replace(ClerkDay, clerk_rows, start, end, ["day", "store", "clerk_key"], CLERK_FIELDS + ["clerk"])
        _replace(ChurnReasonDay, reason_rows, start, end, ["day", "store", "reason"], ["count"])
    return len(clerk_rows)


def _replace(model, rows, start, end, unique, update) -> None:
    """Upsert ``rows`` and delete the rows of [start, end] that were not recomputed."""
    model.objects.bulk_create(rows, batch_size=BATCH, update_conflicts=True, unique_fields=unique, update_fields=update)
    keep = {tuple(getattr(r, f if f != "store" else "store_id") for f in unique) for r in rows}
    existing = model.objects.filter(day__gte=start, day__lte=end).values_list(
        "pk", *[f if f != "store" else "store_id" for f in unique]
    )
    stale = [pk for pk, *key in existing if tuple(key) not in keep]
    for i in range(0, len(stale), BATCH):
        model.objects.filter(pk__in=stale[i : i + BATCH]).delete()


def snapshot_tiers(day: dt.date) -> int:
    counts = {
        (c["home_store_id"], c["tier"]): c["n"]
        for c in Customer.objects.values("home_store_id", "tier").annotate(n=Count("id")).order_by()
    }
    rows = [
        StoreTierDay(day=day, store_id=store_id, tier=tier, customers=counts.get((store_id, tier), 0))
        for store_id in Store.objects.values_list("pk", flat=True)
        for tier in Tier.values
    ]
    StoreTierDay.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["day", "store", "tier"], update_fields=["customers"]
    )
    return len(rows)


# --- periods ----------------------------------------------------------------------------


def periods_to_recompute(day: dt.date) -> list[tuple[str, str, dt.date, dt.date]]:
    """Periods overlapping the window, and older ones (back to ``BACKFILL_YEARS``) that
    were never computed."""
    first = day - dt.timedelta(days=WINDOW_DAYS)
    wanted: dict[str, tuple] = {}
    for kind in PeriodKind.values:
        for d in (first, day):
            key, start, end = period_bounds(kind, d)
            wanted[key] = (kind, key, start, end)
    computed = set(Period.objects.filter(computed_at__isnull=False).values_list("key", flat=True))
    oldest = day.replace(year=day.year - BACKFILL_YEARS, month=1, day=1)
    for kind in PeriodKind.values:
        d = oldest
        while d < first:
            key, start, end = period_bounds(kind, d)
            if key not in computed:
                wanted.setdefault(key, (kind, key, start, end))
            d = end + dt.timedelta(days=1)
    return sorted(wanted.values(), key=lambda p: (p[2], p[0]))


def summarise_period(
    kind: str, key: str, start: dt.date, end: dt.date, through: dt.date, *, claimed: int | None = None
) -> tuple[Period, dict]:
    """Recompute one period's per-customer facts, store totals and buckets from purchases
    up to ``through`` (or the period's end). ``claimed``: the changes noted since the
    period was last computed are claimed (``customer_facts.claim_changes``), so a
    tracked period recomputes only the customers they name (``claimed``: how many), or
    nothing at all when there are none and no new day. Returns the period and the fact
    rows written, by kind."""
    last = min(end, through)
    lower, upper = local_bounds(start, last)
    with transaction.atomic():
        period, _created = Period.objects.get_or_create(key=key, defaults={"kind": kind, "start": start, "end": end})
        period = Period.objects.select_for_update().get(pk=period.pk)
        tracked = claimed is not None and period.tracked and period.through is not None
        if tracked and claimed == 0 and period.through == last:
            return period, {}  # nothing its facts or totals read has changed
        StorePeriodBucket.objects.filter(period=period).delete()
        StorePeriod.objects.filter(period=period).delete()
        if last >= start:
            # Only forward: a day before the last computed one drops purchases, seen whole.
            since = max(lower, local_bounds(start, period.through)[1]) if tracked and period.through <= last else None
            written = customer_facts.refresh(period.pk, lower, upper, since=since)
            _insert_store_totals(period, lower, upper)
        else:
            written = {"deleted": CustomerPeriod.objects.filter(period=period).delete()[0]}
        period.through = last
        period.computed_at = timezone.now()
        period.tracked = claimed is not None
        period.save(update_fields=["through", "computed_at", "tracked"])
    return period, written


def _insert_store_totals(period: Period, lower: dt.datetime, upper: dt.datetime) -> None:
    """The period's store totals and buckets from one pass over its facts, grouped by
    every bucket at once (a few thousand groups), summed up here."""
    zero = Decimal("0")
    groups = (
        CustomerPeriod.objects.filter(period=period)
        .values("store_id", "abc", "r", "f", visits=Least("purchases", StorePeriodBucket.VISITS_CAP))
        .annotate(
            customers=Count("id"),
            repeat_customers=Count("id", filter=Q(purchases__gte=2)),
            purchases_sum=Sum("purchases"),
            total=Sum("amount"),
            rated_sum=Sum("rated"),
            rating=Sum("rating_sum"),
            surveys_sum=Sum("surveys"),
            survey=Sum("survey_sum"),
            referrers=Count("id", filter=Q(referrals__gt=0)),
        )
        .order_by()
    )
    totals: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    buckets: dict[tuple, list] = defaultdict(lambda: [0, zero])
    for g in groups:
        store = totals[g["store_id"]]
        for name in (
            "customers", "repeat_customers", "purchases_sum", "total", "rated_sum", "rating", "surveys_sum", "survey",
            "referrers",
        ):  # fmt: skip
            store[name] += g[name]
        for dimension, bucket in (
            (Dimension.ABC, g["abc"]),
            (Dimension.RF, f"{g['r']}{g['f']}"),
            (Dimension.VISITS, str(g["visits"])),
        ):
            counted = buckets[(g["store_id"], dimension, bucket)]
            counted[0] += g["customers"]
            counted[1] += g["total"]
    new = {
        c["home_store_id"]: c
        for c in Customer.objects.filter(created_at__gte=lower, created_at__lt=upper)
        .values("home_store_id")
        .annotate(n=Count("id"), referred=Count("id", filter=Q(referred_by__isnull=False)))
        .order_by()
    }
    rows = []
    for store_id in set(totals) | set(new):
        t, c = totals.get(store_id, {}), new.get(store_id, {})
        rows.append(
            StorePeriod(
                period=period,
                store_id=store_id,
                customers=t.get("customers", 0),
                repeat_customers=t.get("repeat_customers", 0),
                purchases=t.get("purchases_sum", 0),
                amount=t.get("total", zero),
                rated=t.get("rated_sum", 0),
                rating_sum=t.get("rating", 0),
                surveys=t.get("surveys_sum", 0),
                survey_sum=t.get("survey", 0),
                referrers=t.get("referrers", 0),
                new_customers=c.get("n", 0),
                new_referred=c.get("referred", 0),
            )
        )
    StorePeriod.objects.bulk_create(rows, batch_size=BATCH)
    StorePeriodBucket.objects.bulk_create(
        [
            StorePeriodBucket(period=period, store_id=s, dimension=d, bucket=b, customers=n, amount=total)
            for (s, d, b), (n, total) in buckets.items()
        ],
        batch_size=BATCH,
    )
