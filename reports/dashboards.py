"""The dashboards' tables and charts, built from ``reports.figures`` (summary tables):
figures per clerk, the store's card applications, and the chain's rankings, regions,
tier mix and card-register pipeline. Plain functions; the views in ``views.py`` parse the
request, call them and render."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.models import Store
from loyalty.models import ApplicationStatus
from reports import charts, figures
from reports.tables import Cell, Table, pct


def drill(name: str, period, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items() if v not in (None, ""))
    return f"{reverse(f'reports:{name}')}?from={period.start}&to={period.end}&{query}"


def clerk_table(rows: list[figures.Figures], period, store=None) -> Table:
    """Callback completion and data capture per clerk; every count links to its list."""
    table = Table(
        "clerks",
        _("Figures per clerk"),
        [
            _("Clerk"),
            _("Callbacks due"),
            _("Done on time"),
            _("Done late"),
            _("Missed"),
            _("Not yet due"),
            _("Late ones done in the range"),
            _("Completion rate (%)"),
            _("Purchases"),
            _("Identified"),
            _("Data-capture rate (%)"),
            _("New customers"),
            _("Accepting messages"),
            _("Opt-in rate (%)"),
        ],
    )
    store_id = store.pk if store else ""
    for row in [*rows, None]:
        f = row or figures.total(rows, _("Total"))
        clerk = "" if row is None else f.key
        calls = {"store": store_id, "clerk": clerk}
        line = [
            f.label or _("Not assigned"),
            Cell(f.calls_due, drill("callbacks", period, **calls)),
            Cell(f.calls_on_time, drill("callbacks", period, state="on_time", **calls)),
            Cell(f.calls_late, drill("callbacks", period, state="late", **calls)),
            Cell(f.calls_missed, drill("callbacks", period, state="missed", **calls)),
            Cell(f.calls_open, drill("callbacks", period, state="open", **calls)),
            Cell(f.calls_caught_up, drill("callbacks", period, state="caught_up", **calls)),
            pct(f.completion_rate),
            Cell(f.purchases, drill("purchases", period, **calls)),
            Cell(f.identified, drill("purchases", period, identified=1, **calls)),
            pct(f.capture_rate),
            Cell(f.new_customers, drill("new_customers", period, **calls)),
            Cell(f.new_opted_in, drill("new_customers", period, opted_in=1, **calls)),
            pct(f.opt_in_rate),
        ]
        if row is None:
            table.footer = line
        else:
            table.rows.append(line)
    return table


def trend_chart(weeks: list[figures.Figures]):
    return charts.line_chart(
        [w.label for w in weeks],
        [
            (_("Callback completion"), [w.completion_rate for w in weeks]),
            (_("Data capture"), [w.capture_rate for w in weeks]),
            (_("Messaging opt-in"), [w.opt_in_rate for w in weeks]),
        ],
        title=_("Last 12 weeks"),
    )


RANKINGS = {
    "completion": ("completion_rate", gettext_lazy("Callback completion")),
    "capture": ("capture_rate", gettext_lazy("Data capture")),
    "opt_in": ("opt_in_rate", gettext_lazy("Messaging opt-in")),
    "new": ("new_customers", gettext_lazy("New customers")),
}


def _ranked(rows: list[figures.Figures], measure: str) -> list[figures.Figures]:
    return sorted(rows, key=lambda f: (getattr(f, measure) is None, -(getattr(f, measure) or 0), f.label))


def application_steps_table(store: Store, steps: dict) -> Table:
    """The store's card applications raised in the range, by the step they reached."""
    register = reverse("loyalty:register")
    return Table(
        "applications",
        _("Card applications raised in the range, by step reached"),
        [_("Step"), _("Applications")],
        [
            [label, Cell(steps.get(status, 0), f"{register}?store={store.pk}&show=all")]
            for status, label in ApplicationStatus.choices
        ],
    )


@dataclass
class Chain:
    tables: list[Table]
    store_rows: list[figures.Figures]
    ranked: list[figures.Figures]
    tiers: list[dict]
    tier_day: object
    open_complaints: int

    def tier_chart(self):
        return charts.bar_chart(
            [(t["label"], t["share"]) for t in self.tiers],
            percent=True,
            targets=[t["target"] for t in self.tiers],
            title=_("Tier mix (bar) against the 20/40/40 target (tick)"),
        )

    def ranking_chart(self, measure: str, label):
        return charts.bar_chart(
            [(f.extra["store"].name, getattr(f, measure)) for f in self.ranked[:15]],
            percent=measure.endswith("rate"),
            title=label,
        )


def chain(stores: list[Store], period, measure: str) -> Chain:
    """The chain view of ``stores`` over ``period``, stores ranked by ``measure``."""
    store_ids = [s.pk for s in stores]
    store_rows = figures.per_store(stores, period)
    ranked = _ranked(store_rows, measure)
    complaints = figures.open_complaints(store_ids)
    mix = figures.tier_mix(store_ids)
    pipeline = figures.pipeline(store_ids)
    tables = [
        _ranking_table(ranked, period, complaints),
        _region_table(figures.per_region(store_rows)),
        _tier_table(stores, mix["stores"]),
        _pipeline_table(stores, pipeline),
        _ageing_table(pipeline),
    ]
    return Chain(
        tables=tables,
        store_rows=store_rows,
        ranked=ranked,
        tiers=figures.tier_rows(mix["stores"]),
        tier_day=mix["day"],
        open_complaints=sum(c["open"] for c in complaints.values()),
    )


def _ranking_table(ranked, period, complaints) -> Table:
    table = Table(
        "stores",
        _("Stores ranked"),
        [
            _("Rank"),
            _("Store"),
            _("Region"),
            _("Completion rate (%)"),
            _("Missed callbacks"),
            _("Data-capture rate (%)"),
            _("Opt-in rate (%)"),
            _("New customers"),
            _("Purchases"),
            _("Sales"),
            _("Open complaints"),
        ],
    )
    for n, f in enumerate(ranked, start=1):
        store = f.extra["store"]
        dashboard = f"{reverse('reports:store')}?store={store.pk}&{period.query()}"
        table.rows.append(
            [
                n,
                Cell(str(store), dashboard),
                store.region,
                pct(f.completion_rate),
                Cell(f.calls_missed, drill("callbacks", period, store=store.pk, state="missed")),
                pct(f.capture_rate),
                pct(f.opt_in_rate),
                Cell(f.new_customers, drill("new_customers", period, store=store.pk)),
                Cell(f.purchases, drill("purchases", period, store=store.pk)),
                f.sales,
                Cell(
                    complaints.get(store.pk, {}).get("open", 0),
                    f"{reverse('complaints:list')}?scope=store&status=open&store={store.pk}",
                ),
            ]
        )
    return table


def _region_table(regions) -> Table:
    return Table(
        "regions",
        _("Per region"),
        [
            _("Region"),
            _("Completion rate (%)"),
            _("Data-capture rate (%)"),
            _("Opt-in rate (%)"),
            _("New customers"),
            _("Purchases"),
            _("Sales"),
        ],
        [
            [
                f.label,
                pct(f.completion_rate),
                pct(f.capture_rate),
                pct(f.opt_in_rate),
                f.new_customers,
                f.purchases,
                f.sales,
            ]
            for f in regions
        ],
    )


def _tier_table(stores, mix) -> Table:
    table = Table(
        "tiers",
        _("Tier mix per store (target A 20% / B 40% / C 40%)"),
        [_("Store"), _("Gold (A)"), _("Silver (B)"), _("Points card (C)"), "A %", "B %", "C %"],
    )
    customers = reverse("customers:list")
    for store in stores:
        counts = mix.get(store.pk, {"A": 0, "B": 0, "C": 0})
        whole = sum(counts.values())
        table.rows.append(
            [
                str(store),
                *[Cell(counts[t], f"{customers}?store={store.pk}&tier={t}") for t in "ABC"],
                *[pct(figures.ratio(counts[t], whole)) for t in "ABC"],
            ]
        )
    return table


def _pipeline_table(stores, pipeline) -> Table:
    register = reverse("loyalty:register")
    steps = figures.PIPELINE_STEPS
    table = Table(
        "pipeline",
        _("Card register pipeline per store"),
        [_("Store"), *[ApplicationStatus(s).label for s in steps], _("Not submitted after 3 days")],
    )
    for store in stores:
        by_step = pipeline.get(store.pk, {})
        late = sum(sum(by_step.get(s, [0])[1:]) for s in (ApplicationStatus.CREATED, ApplicationStatus.ENTERED))
        url = f"{register}?store={store.pk}"
        table.rows.append(
            [Cell(str(store), url), *[sum(by_step.get(s, [0])) for s in steps], Cell(late, f"{url}&show=open")]
        )
    return table


def _ageing_table(pipeline) -> Table:
    steps = figures.PIPELINE_STEPS
    labels = [_("0-3 days"), _("4-7 days"), _("8-14 days"), _("15 days or more")]
    totals = {s: [0] * len(labels) for s in steps}
    for by_step in pipeline.values():
        for step, ages in by_step.items():
            if step in totals:
                totals[step] = [a + b for a, b in zip(totals[step], ages, strict=True)]
    return Table(
        "ageing",
        _("Unfinished applications by age"),
        [_("Step"), *labels],
        [[ApplicationStatus(s).label, *totals[s]] for s in steps],
    )
