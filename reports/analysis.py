"""The analysis pages' tables, built from the summary tables: churn and repeat purchase,
customers by spend / frequency / RFM, the customer evaluation report.

Plain functions of a *scope* — the period chosen and the stores in view — so the views
only parse the request, call one of these and render.
"""

from dataclasses import dataclass, field

from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.models import Store
from customers.models import ChurnReason
from reports import rules
from reports.figures import ratio
from reports.models import (
    AbcClass,
    ChurnReasonDay,
    CustomerPeriod,
    Dimension,
    FrequencyBands,
    Period,
    PeriodKind,
    Segment,
    StorePeriod,
    StorePeriodBucket,
)
from reports.tables import Cell, Table, pct

BAND_LABELS = {
    "high": gettext_lazy("High frequency"),
    "medium": gettext_lazy("Medium frequency"),
    "low": gettext_lazy("Low frequency"),
}


@dataclass
class Scope:
    """What an analysis covers: a period (None before the job first ran) and stores."""

    period: Period | None
    stores: list[Store]
    query: str = ""  # the page's period/store query, for links to the evaluation list
    every_store: bool = False  # head office's whole chain: no store filter needed
    store_ids: list[int] = field(init=False)

    def __post_init__(self):
        self.store_ids = [s.pk for s in self.stores]

    def evaluation_url(self, **filters) -> str:
        extra = "&".join(f"{k}={v}" for k, v in filters.items())
        return f"{reverse('reports:evaluation')}?{self.query}&{extra}"

    def store_rows(self) -> dict[int, StorePeriod]:
        if self.period is None:
            return {}
        return {r.store_id: r for r in StorePeriod.objects.filter(period=self.period, store_id__in=self.store_ids)}


# --- churn --------------------------------------------------------------------------------


def churn_tables(scope: Scope) -> tuple[Table, Table, list[tuple[str, int]]]:
    """The per-store churn table, the churn-reasons table and the reasons as (label, count)."""
    rows = scope.store_rows()
    store_table = Table(
        "stores",
        _("Churn and repeat purchase per store"),
        [
            _("Store"),
            _("Customers who bought"),
            _("Bought twice or more"),
            _("Repeat-purchase rate (%)"),
            _("Churn rate (%)"),
            _("Purchases"),
            _("Amount"),
        ],
    )
    totals = [0, 0, 0, 0]
    for store in scope.stores:
        r = rows.get(store.pk)
        customers, repeat = (r.customers, r.repeat_customers) if r else (0, 0)
        purchases, amount = (r.purchases, r.amount) if r else (0, 0)
        totals = [totals[0] + customers, totals[1] + repeat, totals[2] + purchases, totals[3] + amount]
        store_table.rows.append(_churn_row(str(store), customers, repeat, purchases, amount))
    store_table.footer = _churn_row(_("Total"), *totals)
    reasons, reason_table = _reasons(scope)
    return store_table, reason_table, reasons


def _churn_row(label, customers, repeat, purchases, amount) -> list:
    rate = ratio(repeat, customers)
    return [label, customers, repeat, pct(rate), pct(None if rate is None else 1 - rate), purchases, amount]


def _reasons(scope: Scope):
    period = scope.period
    counts = dict.fromkeys(ChurnReason.values, 0)
    if period and period.through:
        rows = (
            ChurnReasonDay.objects.filter(store_id__in=scope.store_ids, day__gte=period.start, day__lte=period.through)
            .values("reason")
            .annotate(n=Sum("count"))
            .order_by()
        )
        for row in rows:
            counts[row["reason"]] = counts.get(row["reason"], 0) + row["n"]
    whole = sum(counts.values())
    labels = dict(ChurnReason.choices)
    items = [(str(labels.get(reason, reason)), n) for reason, n in counts.items()]
    table = Table(
        "reasons",
        _("Churn reasons"),
        [_("Reason"), _("Times recorded"), _("Share (%)")],
        [[label, n, pct(ratio(n, whole))] for label, n in items],
        footer=[_("Total"), whole, pct(1 if whole else None)],
    )
    return items, table


def churn_trend(store_ids) -> list[tuple[str, int, int]]:
    """(quarter key, customers who bought, of them repeat buyers) for the last 8 quarters."""
    rows = (
        StorePeriod.objects.filter(period__kind=PeriodKind.QUARTER, store_id__in=store_ids)
        .values("period__key", "period__start")
        .annotate(customers=Sum("customers"), repeat=Sum("repeat_customers"))
        .order_by("period__start")
    )
    return [(r["period__key"], r["customers"], r["repeat"]) for r in rows][-8:]


# --- customers by spend, frequency and RFM ------------------------------------------------


def buckets(scope: Scope) -> dict[str, dict[str, list]]:
    """{dimension: {bucket: [customers, amount]}} summed over the stores in scope."""
    result: dict[str, dict[str, list]] = {d: {} for d in Dimension.values}
    if scope.period is None:
        return result
    rows = (
        StorePeriodBucket.objects.filter(period=scope.period, store_id__in=scope.store_ids)
        .values("dimension", "bucket")
        .annotate(n=Sum("customers"), total=Sum("amount"))
        .order_by()
    )
    for row in rows:
        result[row["dimension"]][row["bucket"]] = [row["n"], row["total"]]
    return result


@dataclass
class Classes:
    abc: Table
    frequency: Table
    rfm: Table
    segments: Table
    visits: list[tuple[int, list]]  # (purchases in the period, [customers, amount])

    @property
    def tables(self) -> list[Table]:
        return [self.abc, self.frequency, self.rfm, self.segments]


def class_tables(scope: Scope, bands: FrequencyBands) -> Classes:
    """Customers by Pareto class, frequency band, R x F cell and RFM segment."""
    counted = buckets(scope)
    customers = sum(n for n, _a in counted[Dimension.ABC].values())
    amount = sum(a for _n, a in counted[Dimension.ABC].values())
    visits = sorted(((int(b), v) for b, v in counted[Dimension.VISITS].items()), key=lambda x: x[0])
    return Classes(
        abc=_abc_table(scope, counted[Dimension.ABC], customers, amount),
        frequency=_band_table(scope, bands, visits, customers),
        rfm=_rfm_grid(scope, counted[Dimension.RF]),
        segments=_segment_table(scope, counted[Dimension.RF], customers),
        visits=visits,
    )


def _abc_table(scope: Scope, abc: dict, customers: int, amount) -> Table:
    table = Table(
        "abc",
        _("Customers by spend (Pareto)"),
        [_("Class"), _("Rule"), _("Customers"), _("Share of customers (%)"), _("Amount"), _("Share of amount (%)")],
    )
    for code, _tenths, rule in rules.PARETO:
        n, total = abc.get(code, [0, 0])
        link = Cell(n, scope.evaluation_url(abc=code))
        table.rows.append([code.label, str(rule), link, pct(ratio(n, customers)), total, pct(ratio(total, amount))])
    return table


def _band_table(scope: Scope, bands: FrequencyBands, visits, customers: int) -> Table:
    band_counts = {"high": [0, 0], "medium": [0, 0], "low": [0, 0]}
    for purchases, (n, total) in visits:
        band = band_counts[bands.band(purchases)]
        band[0] += n
        band[1] += total
    ranges = {
        "high": _("%(n)s or more purchases") % {"n": bands.high_from},
        "medium": _("%(a)s to %(b)s purchases") % {"a": bands.medium_from, "b": bands.high_from - 1},
        "low": _("fewer than %(n)s purchases") % {"n": bands.medium_from},
    }
    return Table(
        "frequency",
        _("Customers by frequency"),
        [_("Band"), _("Purchases in the period"), _("Customers"), _("Share of customers (%)"), _("Amount")],
        [
            [BAND_LABELS[b], ranges[b], Cell(n, scope.evaluation_url(band=b)), pct(ratio(n, customers)), total]
            for b, (n, total) in band_counts.items()
        ],
    )


def _rfm_grid(scope: Scope, rf: dict) -> Table:
    grid = Table("rfm", _("Customers by recency (rows) and frequency (columns)"), ["", "F1", "F2", "F3", "F4", "F5"])
    for r in reversed(rules.SCORES):
        cells = [Cell(rf.get(f"{r}{f}", [0, 0])[0], scope.evaluation_url(r=r, f=f)) for f in rules.SCORES]
        grid.rows.append([f"R{r}", *cells])
    return grid


def _segment_table(scope: Scope, rf: dict, customers: int) -> Table:
    segments = {code: [0, 0] for code in Segment.values}
    for cell, (n, total) in rf.items():
        seg = rules.segment_of(int(cell[0]), int(cell[1]))
        segments[seg][0] += n
        segments[seg][1] += total
    return Table(
        "segments",
        _("RFM segments"),
        [_("Segment"), _("Customers"), _("Share of customers (%)"), _("Amount")],
        [
            [
                label,
                Cell(segments[code][0], scope.evaluation_url(segment=code)),
                pct(ratio(segments[code][0], customers)),
                segments[code][1],
            ]
            for code, label in Segment.choices
        ],
    )


# --- customer evaluation ------------------------------------------------------------------

CUSTOMER_HEADERS = [
    gettext_lazy("Customer"),
    gettext_lazy("Store"),
    gettext_lazy("Purchases"),
    gettext_lazy("Amount"),
    gettext_lazy("Spend class"),
    "R",
    "F",
    "M",
    gettext_lazy("Segment"),
    gettext_lazy("Callback satisfaction (1-5)"),
    gettext_lazy("Complaint survey (1-5)"),
    gettext_lazy("Customers referred"),
]

_STORE_TOTALS = [
    "customers",
    "purchases",
    "amount",
    "rated",
    "rating_sum",
    "surveys",
    "survey_sum",
    "new_customers",
    "new_referred",
]


def evaluation_summary(scope: Scope) -> Table:
    """One row per store in scope, with a total."""
    rows = scope.store_rows()
    summary = Table(
        "summary",
        _("Customer evaluation per store"),
        [
            _("Store"),
            _("Customers who bought"),
            _("Purchases"),
            _("Purchases per customer"),
            _("Amount"),
            _("Amount per customer"),
            _("Callback satisfaction (1-5)"),
            _("Complaint survey (1-5)"),
            _("New customers"),
            _("Referred by a customer"),
            _("Referral rate (%)"),
        ],
    )
    total = StorePeriod()
    for store in scope.stores:
        r = rows.get(store.pk) or StorePeriod()
        for name in _STORE_TOTALS:
            setattr(total, name, getattr(total, name) + getattr(r, name))
        summary.rows.append(_evaluation_row(str(store), r))
    summary.footer = _evaluation_row(_("Total"), total)
    return summary


def _evaluation_row(label, r: StorePeriod) -> list:
    return [
        label,
        r.customers,
        r.purchases,
        round(r.purchases / r.customers, 2) if r.customers else None,
        r.amount,
        round(r.amount / r.customers, 2) if r.customers else None,
        round(r.rating_sum / r.rated, 2) if r.rated else None,
        round(r.survey_sum / r.surveys, 2) if r.surveys else None,
        r.new_customers,
        r.new_referred,
        pct(ratio(r.new_referred, r.new_customers)),
    ]


def customer_facts(scope: Scope, filters, bands: FrequencyBands):
    """The period's customers in scope, biggest spenders first, narrowed by the filters
    the class pages link with (abc, segment, r, f, m, band); unknown values are ignored."""
    if scope.period is None:
        return CustomerPeriod.objects.none()
    facts = CustomerPeriod.objects.filter(period=scope.period)
    if not scope.every_store:
        facts = facts.filter(store_id__in=scope.store_ids)
    if filters.get("abc") in AbcClass.values:
        facts = facts.filter(abc=filters["abc"])
    if filters.get("segment") in Segment.values:
        facts = facts.filter(segment=filters["segment"])
    for score in ("r", "f", "m"):
        if filters.get(score, "") in ("1", "2", "3", "4", "5"):
            facts = facts.filter(**{score: int(filters[score])})
    band = filters.get("band")
    if band == "high":
        facts = facts.filter(purchases__gte=bands.high_from)
    elif band == "medium":
        facts = facts.filter(purchases__gte=bands.medium_from, purchases__lt=bands.high_from)
    elif band == "low":
        facts = facts.filter(purchases__lt=bands.medium_from)
    return facts.select_related("customer", "store").order_by("-amount", "customer_id")


def customer_row(f: CustomerPeriod) -> list:
    return [
        Cell(f.customer.name, f.customer.get_absolute_url()),
        f.store.name,
        f.purchases,
        f.amount,
        f.get_abc_display(),
        f.r,
        f.f,
        f.m,
        f.get_segment_display(),
        f.callback_satisfaction,
        f.survey_satisfaction,
        f.referrals,
    ]


def customer_table(facts, *, streamed: bool = False) -> Table:
    """The customers' rows: a list, or rows made as they are read when ``streamed`` (an export)."""
    rows = (customer_row(f) for f in facts)
    return Table("customers", _("Customers"), CUSTOMER_HEADERS, rows if streamed else list(rows))
