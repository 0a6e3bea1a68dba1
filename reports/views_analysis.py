"""Analysis pages over the periods the job keeps facts for: churn and repeat purchase,
customers by spend / frequency / RFM, the customer evaluation report, complaints."""

from django import forms
from django.contrib import messages
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints import analysis as complaint_analysis
from complaints.models import Complaint
from crm.access import head_office_required, require_profile
from crm.params import page_param
from customers.models import ChurnReason
from reports import charts
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
from reports.periods import local_bounds, period_label
from reports.tables import Cell, Table, export_response, pct
from reports.views import analyst_required, chosen_store, visible_stores

PAGE = 50
BAND_LABELS = {
    "high": gettext_lazy("High frequency"),
    "medium": gettext_lazy("Medium frequency"),
    "low": gettext_lazy("Low frequency"),
}


def _context(request):
    """Stores in scope (or the one chosen), the period chosen and the periods offered."""
    stores = visible_stores(request.user)
    store = chosen_store(request, stores)
    scope = [store] if store else stores
    periods = list(Period.objects.filter(computed_at__isnull=False).order_by("-start", "kind"))
    key = request.GET.get("period")
    if key:
        period = next((p for p in periods if p.key == key), None)
        if period is None:
            raise Http404
    else:
        period = next((p for p in periods if p.kind == PeriodKind.QUARTER), periods[0] if periods else None)
    return {
        # Head office looking at the whole chain: no store filter, so the indexes on
        # (period, amount) serve the customer list directly.
        "every_store": store is None and require_profile(request.user).is_head_office,
        "stores": stores if len(stores) > 1 else [],
        "store": store,
        "scope": scope,
        "store_ids": [s.pk for s in scope],
        "period": period,
        "period_label": period_label(period.key) if period else "",
        "periods": [(p.key, period_label(p.key)) for p in periods],
        "query": _query(period, store),
    }


def _query(period, store) -> str:
    parts = [f"period={period.key}"] if period else []
    if store:
        parts.append(f"store={store.pk}")
    return "&".join(parts)


def _evaluation_url(ctx, **filters) -> str:
    extra = "&".join(f"{k}={v}" for k, v in filters.items())
    return f"{reverse('reports:evaluation')}?{ctx['query']}&{extra}"


# --- churn --------------------------------------------------------------------------------


@analyst_required
def churn(request):
    ctx = _context(request)
    period, store_ids = ctx["period"], ctx["store_ids"]
    rows = {r.store_id: r for r in StorePeriod.objects.filter(period=period, store_id__in=store_ids)} if period else {}
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
    for store in ctx["scope"]:
        r = rows.get(store.pk)
        customers, repeat = (r.customers, r.repeat_customers) if r else (0, 0)
        purchases, amount = (r.purchases, r.amount) if r else (0, 0)
        totals = [totals[0] + customers, totals[1] + repeat, totals[2] + purchases, totals[3] + amount]
        store_table.rows.append(_churn_row(str(store), customers, repeat, purchases, amount))
    store_table.footer = _churn_row(_("Total"), *totals)

    reasons, reason_table = _reasons(ctx)
    trend = _churn_trend(store_ids)
    tables = [store_table, reason_table]
    if response := export_response(request, tables, "churn"):
        return response
    ctx.update(
        tables=tables,
        churn_chart=charts.bar_chart(
            [(row[0], row[4].value) for row in store_table.rows[:20]], percent=True, title=_("Churn rate per store")
        ),
        reason_chart=charts.bar_chart(reasons, title=_("Churn reasons recorded on callbacks")),
        trend_chart=charts.line_chart(
            [period_label(key) for key, _c, _r in trend],
            [
                (_("Churn rate"), [1 - ratio(r, c) if c else None for _k, c, r in trend]),
                (_("Repeat-purchase rate"), [ratio(r, c) for _k, c, r in trend]),
            ],
            title=_("Per quarter"),
        ),
    )
    return render(request, "reports/churn.html", ctx)


def _churn_row(label, customers, repeat, purchases, amount) -> list:
    rate = ratio(repeat, customers)
    return [label, customers, repeat, pct(rate), pct(None if rate is None else 1 - rate), purchases, amount]


def _reasons(ctx):
    period = ctx["period"]
    counts = dict.fromkeys(ChurnReason.values, 0)
    if period and period.through:
        rows = (
            ChurnReasonDay.objects.filter(store_id__in=ctx["store_ids"], day__gte=period.start, day__lte=period.through)
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


def _churn_trend(store_ids) -> list[tuple[str, int, int]]:
    rows = (
        StorePeriod.objects.filter(period__kind=PeriodKind.QUARTER, store_id__in=store_ids)
        .values("period__key", "period__start")
        .annotate(customers=Sum("customers"), repeat=Sum("repeat_customers"))
        .order_by("period__start")
    )
    return [(r["period__key"], r["customers"], r["repeat"]) for r in rows][-8:]


# --- customers by spend, frequency and RFM ------------------------------------------------


def _buckets(ctx) -> dict[str, dict[str, list]]:
    """{dimension: {bucket: [customers, amount]}} summed over the stores in scope."""
    result: dict[str, dict[str, list]] = {d: {} for d in Dimension.values}
    if ctx["period"] is None:
        return result
    rows = (
        StorePeriodBucket.objects.filter(period=ctx["period"], store_id__in=ctx["store_ids"])
        .values("dimension", "bucket")
        .annotate(n=Sum("customers"), total=Sum("amount"))
        .order_by()
    )
    for row in rows:
        result[row["dimension"]][row["bucket"]] = [row["n"], row["total"]]
    return result


@analyst_required
def classes(request):
    ctx = _context(request)
    buckets = _buckets(ctx)
    bands = FrequencyBands.current()
    customers = sum(n for n, _a in buckets[Dimension.ABC].values())
    amount = sum(a for _n, a in buckets[Dimension.ABC].values())

    abc_table = Table(
        "abc",
        _("Customers by spend (Pareto)"),
        [_("Class"), _("Rule"), _("Customers"), _("Share of customers (%)"), _("Amount"), _("Share of amount (%)")],
    )
    rules = [_("top 20%"), _("next 30%"), _("next 30%"), _("bottom 20%")]
    for (code, label), rule in zip(AbcClass.choices, rules, strict=True):
        n, total = buckets[Dimension.ABC].get(code, [0, 0])
        abc_table.rows.append(
            [
                label,
                rule,
                Cell(n, _evaluation_url(ctx, abc=code)),
                pct(ratio(n, customers)),
                total,
                pct(ratio(total, amount)),
            ]
        )

    band_counts = {"high": [0, 0], "medium": [0, 0], "low": [0, 0]}
    visits = sorted(((int(b), v) for b, v in buckets[Dimension.VISITS].items()), key=lambda x: x[0])
    for purchases, (n, total) in visits:
        band = band_counts[bands.band(purchases)]
        band[0] += n
        band[1] += total
    ranges = {
        "high": _("%(n)s or more purchases") % {"n": bands.high_from},
        "medium": _("%(a)s to %(b)s purchases") % {"a": bands.medium_from, "b": bands.high_from - 1},
        "low": _("fewer than %(n)s purchases") % {"n": bands.medium_from},
    }
    band_table = Table(
        "frequency",
        _("Customers by frequency"),
        [_("Band"), _("Purchases in the period"), _("Customers"), _("Share of customers (%)"), _("Amount")],
        [
            [BAND_LABELS[b], ranges[b], Cell(n, _evaluation_url(ctx, band=b)), pct(ratio(n, customers)), total]
            for b, (n, total) in band_counts.items()
        ],
    )

    grid = Table("rfm", _("Customers by recency (rows) and frequency (columns)"), ["", "F1", "F2", "F3", "F4", "F5"])
    for r in range(5, 0, -1):
        grid.rows.append(
            [
                f"R{r}",
                *[
                    Cell(buckets[Dimension.RF].get(f"{r}{f}", [0, 0])[0], _evaluation_url(ctx, r=r, f=f))
                    for f in range(1, 6)
                ],
            ]
        )
    segments = {code: [0, 0] for code in Segment.values}
    for cell, (n, total) in buckets[Dimension.RF].items():
        seg = segment_of(int(cell[0]), int(cell[1]))
        segments[seg][0] += n
        segments[seg][1] += total
    segment_table = Table(
        "segments",
        _("RFM segments"),
        [_("Segment"), _("Customers"), _("Share of customers (%)"), _("Amount")],
        [
            [
                label,
                Cell(segments[code][0], _evaluation_url(ctx, segment=code)),
                pct(ratio(segments[code][0], customers)),
                segments[code][1],
            ]
            for code, label in Segment.choices
        ],
    )
    tables = [abc_table, band_table, grid, segment_table]
    if response := export_response(request, tables, "classes"):
        return response
    ctx.update(
        tables=tables,
        bands=bands,
        visits_chart=charts.bar_chart(
            [(f"{p}+" if p == StorePeriodBucket.VISITS_CAP else str(p), n) for p, (n, _t) in visits][:15],
            title=_("Customers by number of purchases"),
        ),
        abc_chart=charts.bar_chart(
            [(row[0], row[5].value) for row in abc_table.rows], percent=True, title=_("Share of amount per class")
        ),
    )
    return render(request, "reports/classes.html", ctx)


def segment_of(r: int, f: int) -> str:
    """The segment of an R/F cell (the same grid as the SQL in reports.summary)."""
    if r <= 2:
        return Segment.HIBERNATING if f <= 2 else Segment.AT_RISK if f <= 4 else Segment.CANT_LOSE
    if r == 3:
        return Segment.ABOUT_TO_SLEEP if f <= 2 else Segment.NEED_ATTENTION if f == 3 else Segment.LOYAL
    if r == 4:
        return Segment.PROMISING if f == 1 else Segment.POTENTIAL if f <= 3 else Segment.LOYAL
    return Segment.NEW if f == 1 else Segment.POTENTIAL if f <= 3 else Segment.CHAMPIONS


# --- customer evaluation ------------------------------------------------------------------


def _customer_facts(request, ctx, bands):
    facts = CustomerPeriod.objects.filter(period=ctx["period"])
    if not ctx["every_store"]:
        facts = facts.filter(store_id__in=ctx["store_ids"])
    filters = request.GET
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


def _customer_row(f: CustomerPeriod) -> list:
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


@analyst_required
def evaluation(request):
    ctx = _context(request)
    period = ctx["period"]
    bands = FrequencyBands.current()
    rows = (
        {r.store_id: r for r in StorePeriod.objects.filter(period=period, store_id__in=ctx["store_ids"])}
        if period
        else {}
    )
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
    numeric = [
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
    for store in ctx["scope"]:
        r = rows.get(store.pk) or StorePeriod()
        for name in numeric:
            setattr(total, name, getattr(total, name) + getattr(r, name))
        summary.rows.append(_evaluation_row(str(store), r))
    summary.footer = _evaluation_row(_("Total"), total)

    facts = _customer_facts(request, ctx, bands) if period else CustomerPeriod.objects.none()
    if request.GET.get("export") == "customers":
        table = Table("customers", _("Customers"), CUSTOMER_HEADERS, (_customer_row(f) for f in facts.iterator()))
        return export_response(request, [table], "evaluation")
    if response := export_response(request, [summary], "evaluation"):
        return response

    page = page_param(request.GET)
    chunk = list(facts[(page - 1) * PAGE : page * PAGE + 1])
    customers = Table("customers", _("Customers"), CUSTOMER_HEADERS, [_customer_row(f) for f in chunk[:PAGE]])
    query = request.GET.copy()
    query.pop("page", None)
    complaints = Complaint.objects.visible_to(request.user).filter(store_id__in=ctx["store_ids"])
    if period:
        lower, upper = local_bounds(period.start, period.end)
        complaints = complaints.filter(received_at__gte=lower, received_at__lt=upper)
    ctx.update(
        tables=[summary],
        customers=customers,
        page=page,
        has_next=len(chunk) > PAGE,
        page_query=query.urlencode(),
        complaint_total=complaint_analysis.summary(complaints),
        complaint_tables=[
            (_("By category"), complaint_analysis.by_dimension(complaints, "category")),
            (_("By store"), complaint_analysis.by_dimension(complaints, "store")),
        ],
        filters=[(k, request.GET[k]) for k in ("abc", "segment", "band", "r", "f", "m") if request.GET.get(k)],
    )
    return render(request, "reports/evaluation.html", ctx)


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


# --- frequency bands ------------------------------------------------------------------------


class BandsForm(forms.ModelForm):
    class Meta:
        model = FrequencyBands
        fields = ["high_from", "medium_from"]

    def clean(self):
        data = super().clean()
        high, medium = data.get("high_from"), data.get("medium_from")
        if high is not None and medium is not None and not (1 <= medium < high):
            raise forms.ValidationError(_("High frequency must start above medium, and medium at 1 or more."))
        return data


@head_office_required
def bands(request):
    current = FrequencyBands.current()
    form = BandsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.updated_by = request.user
        saved.save()
        messages.success(request, _("Frequency bands saved."))
        return redirect("reports:classes")
    return render(request, "reports/bands.html", {"form": form})
