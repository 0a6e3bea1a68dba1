"""Dashboard figures, read from the summary tables (and a few small live tables: card
applications and complaints, through their indexes). Each function is one query.

Rates are ratios (0..1) or None when there is nothing to divide by:

- callback completion = done (on time or late) / callbacks whose due day has passed or
  been worked (due minus those still open and not yet late), so late work still
  completes its due week; the on-time rate counts only those done by the due day;
- late callbacks done in the range (``calls_caught_up``) count where the work was done,
  whatever their due day;
- data capture = identified purchases / all purchases (imported opening balances
  excluded);
- messaging opt-in = new customers accepting messages / new customers.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from complaints.models import Complaint
from customers.models import Tier
from loyalty.models import FINISHED_STATUSES, ApplicationStatus, CardApplication
from reports.models import ClerkDay, StoreTierDay, SummaryRun
from reports.periods import DateRange, local_bounds

SUMS = {
    "purchases": Sum("purchases"),
    "identified": Sum("identified"),
    "sales": Sum("sales"),
    "new_customers": Sum("new_customers"),
    "new_opted_in": Sum("new_opted_in"),
    "calls_due": Sum("calls_due"),
    "calls_on_time": Sum("calls_on_time"),
    "calls_late": Sum("calls_late"),
    "calls_missed": Sum("calls_missed"),
    "calls_open": Sum("calls_open"),
    "calls_caught_up": Sum("calls_caught_up"),
}
TIER_TARGET = {Tier.A: 0.20, Tier.B: 0.40, Tier.C: 0.40}
AGE_BUCKETS = [(0, 3), (4, 7), (8, 14), (15, None)]


def ratio(part, whole) -> float | None:
    return float(part) / float(whole) if whole else None


@dataclass
class Figures:
    """Summed daily figures of a clerk, a store, a region or everything."""

    key: object = None
    label: str = ""
    purchases: int = 0
    identified: int = 0
    sales: object = 0
    new_customers: int = 0
    new_opted_in: int = 0
    calls_due: int = 0
    calls_on_time: int = 0
    calls_late: int = 0
    calls_missed: int = 0
    calls_open: int = 0
    calls_caught_up: int = 0
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: dict, key=None, label="") -> "Figures":
        return cls(key=key, label=label, **{name: row.get(name) or 0 for name in SUMS})

    def add(self, other: "Figures") -> None:
        for name in SUMS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def calls_counted(self) -> int:
        return self.calls_on_time + self.calls_late + self.calls_missed

    @property
    def calls_done(self) -> int:
        return self.calls_on_time + self.calls_late

    @property
    def completion_rate(self) -> float | None:
        return ratio(self.calls_done, self.calls_counted)

    @property
    def on_time_rate(self) -> float | None:
        return ratio(self.calls_on_time, self.calls_counted)

    @property
    def capture_rate(self) -> float | None:
        return ratio(self.identified, self.purchases)

    @property
    def opt_in_rate(self) -> float | None:
        return ratio(self.new_opted_in, self.new_customers)


def _days(store_ids, period: DateRange):
    return ClerkDay.objects.filter(store_id__in=store_ids, day__gte=period.start, day__lte=period.end)


def total(rows: list[Figures], label="") -> Figures:
    result = Figures(label=label)
    for row in rows:
        result.add(row)
    return result


def per_clerk(store_ids, period: DateRange, clerk_key: int | None = None) -> list[Figures]:
    """One row per clerk (and one for work nobody was assigned), busiest first."""
    days = _days(store_ids, period)
    if clerk_key is not None:
        days = days.filter(clerk_key=clerk_key)
    rows = days.values(
        "clerk_key", "clerk__username", "clerk__first_name", "clerk__last_name", "clerk__staff__display_name"
    ).annotate(**SUMS)
    result = []
    for row in rows:
        name = (
            row["clerk__staff__display_name"]
            or f"{row['clerk__last_name'] or ''}{row['clerk__first_name'] or ''}"
            or row["clerk__username"]
            or ""
        )
        result.append(Figures.from_row(row, key=row["clerk_key"], label=name))
    return sorted(result, key=lambda f: (f.key == 0, -f.purchases, f.label))


def per_store(stores, period: DateRange) -> list[Figures]:
    by_id = {store.pk: store for store in stores}
    rows = _days(list(by_id), period).values("store_id").annotate(**SUMS)
    found = {row["store_id"]: Figures.from_row(row, key=row["store_id"]) for row in rows}
    result = []
    for store in stores:
        figures = found.get(store.pk) or Figures(key=store.pk)
        figures.label = str(store)
        figures.extra["store"] = store
        result.append(figures)
    return result


def per_region(store_rows: list[Figures]) -> list[Figures]:
    regions: dict[str, Figures] = {}
    for row in store_rows:
        region = row.extra["store"].region or "—"
        regions.setdefault(region, Figures(key=region, label=region)).add(row)
    return sorted(regions.values(), key=lambda f: f.label)


def weekly(store_ids, weeks: int = 12, clerk_key: int | None = None, today: dt.date | None = None) -> list[Figures]:
    """The last ``weeks`` weeks (Monday to Sunday), oldest first, the current one last."""
    today = today or timezone.localdate()
    first_monday = today - dt.timedelta(days=today.weekday() + 7 * (weeks - 1))
    days = ClerkDay.objects.filter(store_id__in=store_ids, day__gte=first_monday, day__lte=today)
    if clerk_key is not None:
        days = days.filter(clerk_key=clerk_key)
    found = {}
    for row in days.annotate(week=TruncWeek("day")).values("week").annotate(**SUMS).order_by("week"):
        week = row["week"]
        week = week.date() if isinstance(week, dt.datetime) else week
        found[week] = Figures.from_row(row, key=week)
    result = []
    for n in range(weeks):
        monday = first_monday + dt.timedelta(days=7 * n)
        result.append(found.get(monday) or Figures(key=monday))
        result[-1].label = monday.strftime("%m-%d")
    return result


def tier_mix(store_ids) -> dict:
    """The latest tier snapshot: {store_id: {tier: n}} plus the day it was taken."""
    latest = StoreTierDay.objects.aggregate(day=Max("day"))["day"]
    mix: dict[int, dict[str, int]] = {}
    if latest is not None:
        for row in StoreTierDay.objects.filter(day=latest, store_id__in=store_ids).values(
            "store_id", "tier", "customers"
        ):
            mix.setdefault(row["store_id"], dict.fromkeys(Tier.values, 0))[row["tier"]] = row["customers"]
    return {"day": latest, "stores": mix}


def tier_rows(mix: dict[int, dict[str, int]]) -> list[dict]:
    """Customers per tier with share and target, summed over ``mix``."""
    counts = dict.fromkeys(Tier.values, 0)
    for tiers in mix.values():
        for tier, n in tiers.items():
            counts[tier] += n
    whole = sum(counts.values())
    return [
        {
            "tier": tier,
            "label": Tier(tier).label,
            "customers": counts[tier],
            "share": ratio(counts[tier], whole),
            "target": TIER_TARGET[tier],
        }
        for tier in (Tier.A, Tier.B, Tier.C)
    ]


def applications_by_step(store_ids, period: DateRange) -> dict[str, int]:
    """Card applications raised in the range, by the step they have reached."""
    lower, upper = local_bounds(period.start, period.end)
    rows = (
        CardApplication.objects.filter(store_id__in=store_ids, created_at__gte=lower, created_at__lt=upper)
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["status"]: row["n"] for row in rows}


def pipeline(store_ids, today: dt.date | None = None) -> dict[int, dict]:
    """Unfinished card applications per store and step, by age in days since creation:
    {store_id: {status: [n per AGE_BUCKETS]}}."""
    today = today or timezone.localdate()
    measures = {}
    for i, (low, high) in enumerate(AGE_BUCKETS):
        _lo, newest = local_bounds(today - dt.timedelta(days=low), today - dt.timedelta(days=low))
        q = Q(created_at__lt=newest)
        if high is not None:
            oldest, _hi = local_bounds(today - dt.timedelta(days=high), today)
            q &= Q(created_at__gte=oldest)
        measures[f"age{i}"] = Count("id", filter=q)
    rows = (
        CardApplication.objects.filter(store_id__in=store_ids)
        .exclude(status__in=FINISHED_STATUSES)
        .values("store_id", "status")
        .annotate(**measures)
        .order_by()
    )
    result: dict[int, dict] = {}
    for row in rows:
        result.setdefault(row["store_id"], {})[row["status"]] = [row[f"age{i}"] for i in range(len(AGE_BUCKETS))]
    return result


PIPELINE_STEPS = [
    ApplicationStatus.CREATED,
    ApplicationStatus.ENTERED,
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.APPROVED,
    ApplicationStatus.NOTIFIED,
    ApplicationStatus.NOTIFIED_AGAIN,
]


def open_complaints(store_ids) -> dict[int, dict]:
    """{store_id: {"open": n, "overdue": n}}."""
    now = timezone.now()
    overdue = Complaint.objects.overdue(now).filter(store_id__in=store_ids).values("pk")
    rows = (
        Complaint.objects.filter(store_id__in=store_ids)
        .open()
        .values("store_id")
        .annotate(n=Count("id"), overdue=Count("id", filter=Q(pk__in=overdue)))
        .order_by()
    )
    return {row["store_id"]: {"open": row["n"], "overdue": row["overdue"]} for row in rows}


def last_run():
    """When the summary was last brought up to date, or None before the first run."""
    return SummaryRun.objects.aggregate(at=Max("finished_at"))["at"]


STALE_AFTER = dt.timedelta(minutes=70)  # the hourly refresh, and some slack


@dataclass
class Freshness:
    """When the figures were computed, as the dashboards label them."""

    at: dt.datetime | None
    today: bool = False
    stale: bool = True


def freshness(now: dt.datetime | None = None) -> Freshness:
    now = now or timezone.now()
    at = last_run()
    if at is None:
        return Freshness(None)
    return Freshness(at, timezone.localdate(at) == timezone.localdate(now), now - at > STALE_AFTER)
