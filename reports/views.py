"""Dashboards: the store manager's, the clerk's own figures, the supervisor's and head
office's chain view. All figures come from ``reports.figures`` (summary tables)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.access import require_profile, staff_required
from crm.models import Role, Store
from crm.params import next_url
from reports import dashboards, figures, summary
from reports.periods import date_range
from reports.tables import export_response

analyst_required = staff_required(Role.MANAGER, Role.SUPERVISOR, Role.HEAD_OFFICE)
chain_required = staff_required(Role.SUPERVISOR, Role.HEAD_OFFICE)
seller_required = staff_required(Role.CLERK, Role.MANAGER)


def visible_stores(user) -> list[Store]:
    return list(Store.objects.visible_to(user).order_by("code"))


def chosen_store(request, stores: list[Store]) -> Store | None:
    """The store in ``?store=``, which must be one the user sees (else 404)."""
    value = request.GET.get("store")
    if not value:
        return None
    store = next((s for s in stores if str(s.pk) == value), None)
    if store is None:
        raise Http404
    return store


@staff_required()
def index(request):
    role = require_profile(request.user).role
    if role == Role.CLERK:
        return redirect("reports:mine")
    if role == Role.MANAGER:
        return redirect("reports:store")
    return redirect("reports:chain")


@analyst_required
def store_dashboard(request):
    profile = require_profile(request.user)
    stores = visible_stores(request.user)
    store = chosen_store(request, stores) or (profile.store if profile.is_manager else (stores[0] if stores else None))
    if store is None:
        raise Http404
    period = date_range(request.GET)
    rows = figures.per_clerk([store.pk], period)
    steps = figures.applications_by_step([store.pk], period)
    complaints = figures.open_complaints([store.pk]).get(store.pk, {"open": 0, "overdue": 0})
    tables = [dashboards.clerk_table(rows, period, store), dashboards.application_steps_table(store, steps)]
    if response := export_response(request, tables, "store"):
        return response
    total = figures.total(rows)
    complaints_url = f"{reverse('complaints:list')}?scope=store&status=open&store={store.pk}"
    context = {
        "store": store,
        "stores": stores if len(stores) > 1 else [],
        "period": period,
        "total": total,
        "tables": tables,
        "complaints": complaints,
        "complaints_url": complaints_url,
        "trend": dashboards.trend_chart(figures.weekly([store.pk])),
        "fresh": figures.freshness(),
    }
    return render(request, "reports/store.html", context)


@seller_required
def my_figures(request):
    """A clerk's own figures: never anyone else's."""
    profile = require_profile(request.user)
    period = date_range(request.GET)
    store_ids = [profile.store_id]
    rows = figures.per_clerk(store_ids, period, clerk_key=request.user.pk)
    mine = rows[0] if rows else figures.Figures(key=request.user.pk, label=profile.name)
    mine.label = profile.name
    context = {
        "period": period,
        "mine": mine,
        "table": dashboards.clerk_table([mine], period),
        "trend": dashboards.trend_chart(figures.weekly(store_ids, clerk_key=request.user.pk)),
        "fresh": figures.freshness(),
    }
    return render(request, "reports/mine.html", context)


@chain_required
def chain_dashboard(request):
    stores = visible_stores(request.user)
    period = date_range(request.GET)
    rank_by = request.GET.get("rank") if request.GET.get("rank") in dashboards.RANKINGS else "completion"
    measure, measure_label = dashboards.RANKINGS[rank_by]
    board = dashboards.chain(stores, period, measure)
    if response := export_response(request, board.tables, "chain"):
        return response
    context = {
        "period": period,
        "rank_by": rank_by,
        "rankings": [(key, label) for key, (_m, label) in dashboards.RANKINGS.items()],
        "total": figures.total(board.store_rows),
        "tables": board.tables,
        "tiers": board.tiers,
        "tier_day": board.tier_day,
        "tier_chart": board.tier_chart(),
        "ranking_chart": board.ranking_chart(measure, measure_label),
        "trend": dashboards.trend_chart(figures.weekly([s.pk for s in stores])),
        "open_complaints": board.open_complaints,
        "fresh": figures.freshness(),
    }
    return render(request, "reports/chain.html", context)


@require_POST
@staff_required()
def refresh(request):
    """The dashboards' 刷新 button: today's figures recomputed now, then back to the page."""
    if not summary.refresh_today():
        messages.info(request, _("The figures were refreshed less than a minute ago."))
    return redirect(next_url(request, reverse("reports:index")))
