"""Analysis pages over the periods the job keeps facts for: churn and repeat purchase,
customers by spend / frequency / RFM, the customer evaluation report, complaints."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from complaints import analysis as complaint_analysis
from complaints.models import Complaint
from crm.access import head_office_required, require_profile
from crm.params import page_param
from reports import analysis, charts
from reports.figures import ratio
from reports.models import (
    FrequencyBands,
    Period,
    PeriodKind,
    StorePeriodBucket,
)
from reports.periods import local_bounds, period_label
from reports.tables import export_response
from reports.views import analyst_required, chosen_store, visible_stores

PAGE = 50


def _context(request):
    """Stores in scope (or the one chosen), the period chosen and the periods offered."""
    stores = visible_stores(request.user)
    store = chosen_store(request, stores)
    periods = list(Period.objects.filter(computed_at__isnull=False).order_by("-start", "kind"))
    key = request.GET.get("period")
    if key:
        period = next((p for p in periods if p.key == key), None)
        if period is None:
            raise Http404
    else:
        period = next((p for p in periods if p.kind == PeriodKind.QUARTER), periods[0] if periods else None)
    scope = analysis.Scope(
        period,
        [store] if store else stores,
        query=_query(period, store),
        # Head office looking at the whole chain: no store filter, so the indexes on
        # (period, amount) serve the customer list directly.
        every_store=store is None and require_profile(request.user).is_head_office,
    )
    return {
        "analysis": scope,
        "stores": stores if len(stores) > 1 else [],
        "store": store,
        "period": period,
        "period_label": period_label(period.key) if period else "",
        "periods": [(p.key, period_label(p.key)) for p in periods],
        "query": scope.query,
    }


def _query(period, store) -> str:
    parts = [f"period={period.key}"] if period else []
    if store:
        parts.append(f"store={store.pk}")
    return "&".join(parts)


@analyst_required
def churn(request):
    ctx = _context(request)
    store_table, reason_table, reasons = analysis.churn_tables(ctx["analysis"])
    tables = [store_table, reason_table]
    if response := export_response(request, tables, "churn"):
        return response
    trend = analysis.churn_trend(ctx["analysis"].store_ids)
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


@analyst_required
def classes(request):
    ctx = _context(request)
    bands = FrequencyBands.current()
    found = analysis.class_tables(ctx["analysis"], bands)
    if response := export_response(request, found.tables, "classes"):
        return response
    visits = [(f"{p}+" if p == StorePeriodBucket.VISITS_CAP else str(p), n) for p, (n, _t) in found.visits]
    ctx.update(
        tables=found.tables,
        bands=bands,
        visits_chart=charts.bar_chart(visits[:15], title=_("Customers by number of purchases")),
        abc_chart=charts.bar_chart(
            [(row[0], row[5].value) for row in found.abc.rows], percent=True, title=_("Share of amount per class")
        ),
    )
    return render(request, "reports/classes.html", ctx)


@analyst_required
def evaluation(request):
    ctx = _context(request)
    scope, period = ctx["analysis"], ctx["period"]
    summary = analysis.evaluation_summary(scope)
    facts = analysis.customer_facts(scope, request.GET, FrequencyBands.current())
    if request.GET.get("export") == "customers":
        return export_response(request, [analysis.customer_table(facts.iterator(), streamed=True)], "evaluation")
    if response := export_response(request, [summary], "evaluation"):
        return response
    page = page_param(request.GET)
    chunk = list(facts[(page - 1) * PAGE : page * PAGE + 1])
    query = request.GET.copy()
    query.pop("page", None)
    complaints = Complaint.objects.visible_to(request.user).filter(store_id__in=scope.store_ids)
    if period:
        lower, upper = local_bounds(period.start, period.end)
        complaints = complaints.filter(received_at__gte=lower, received_at__lt=upper)
    ctx.update(
        tables=[summary],
        customers=analysis.customer_table(chunk[:PAGE]),
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
