"""The lists behind the dashboard figures: callbacks, purchases and new customers of a
store (or a clerk) in a date range. Clerks only ever see their own."""

from django.core.paginator import Paginator
from django.db.models import F
from django.db.models.functions import TruncDate
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.access import require_profile, staff_required
from crm.models import staff_name
from crm.params import choice_param, flag_param, int_param, page_param
from customers.models import Customer, Purchase
from followups.models import Channel, FollowUpTask, TaskStatus
from reports.periods import date_range, local_bounds
from reports.tables import Cell, Table, export_response
from reports.views import chosen_store, visible_stores

PAGE = 50
CALL_STATES = {
    "on_time": gettext_lazy("Done on time"),
    "late": gettext_lazy("Done late"),
    "missed": gettext_lazy("Missed"),
    "open": gettext_lazy("Not yet due"),
    "caught_up": gettext_lazy("Late ones done in the range"),
}


def _scope(request):
    """(stores, store ids to read, clerk id or None, date range). A clerk is pinned to
    their own work; ``?clerk=`` must be staff of a store the user sees (else nothing)."""
    profile = require_profile(request.user)
    stores = visible_stores(request.user)
    store = chosen_store(request, stores)
    store_ids = [store.pk] if store else [s.pk for s in stores]
    clerk = int_param(request.GET, "clerk", min=0)  # 0: nobody's
    if profile.is_clerk:
        clerk = request.user.pk
    period = date_range({"range": "custom", "from": request.GET.get("from"), "to": request.GET.get("to")})
    return store_ids, clerk, period


def _page(request, queryset):
    page = Paginator(queryset, PAGE).get_page(page_param(request.GET))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def _list(request, title, table: Table, page, query, period):
    context = {"title": title, "table": table, "page": page, "query": query, "period": period}
    return render(request, "reports/list.html", context)


def _callback_tasks(request, store_ids, clerk, period):
    """The calls due in the period (open or done), narrowed by ``?state=``; with
    ``state=caught_up``, those done in the period after their due day, whenever due."""
    tasks = FollowUpTask.objects.visible_to(request.user).exclude(channel=Channel.SMS)
    tasks = tasks.filter(store_id__in=store_ids, status__in=[TaskStatus.PENDING, TaskStatus.DONE])
    if clerk is not None:
        tasks = tasks.filter(assignee_id=clerk) if clerk else tasks.filter(assignee__isnull=True)
    state = choice_param(request.GET, "state", CALL_STATES)
    if state == "caught_up":
        lower, upper = local_bounds(period.start, period.end)
        tasks = tasks.filter(status=TaskStatus.DONE, completed_at__gte=lower, completed_at__lt=upper)
        tasks = tasks.annotate(done_on=TruncDate("completed_at")).filter(done_on__gt=F("due_date"))
        return tasks.select_related("customer", "store", "assignee__staff").order_by("completed_at", "id")
    tasks = tasks.filter(due_date__gte=period.start, due_date__lte=period.end)
    today = timezone.localdate()
    if state in ("on_time", "late"):
        tasks = tasks.filter(status=TaskStatus.DONE).annotate(done_on=TruncDate("completed_at"))
        tasks = (
            tasks.filter(done_on__lte=F("due_date")) if state == "on_time" else tasks.filter(done_on__gt=F("due_date"))
        )
    elif state == "missed":
        tasks = tasks.filter(status=TaskStatus.PENDING, due_date__lt=today)
    elif state == "open":
        tasks = tasks.filter(status=TaskStatus.PENDING, due_date__gte=today)
    return tasks.select_related("customer", "store", "assignee__staff").order_by("due_date", "id")


def _callback_row(t) -> list:
    return [
        t.due_date,
        Cell(t.customer.name, t.customer.get_absolute_url()),
        t.store.name,
        staff_name(t.assignee),
        t.purpose,
        t.get_status_display(),
        timezone.localtime(t.completed_at).strftime("%Y-%m-%d %H:%M") if t.completed_at else "",
    ]


@staff_required()
def callbacks(request):
    store_ids, clerk, period = _scope(request)
    tasks = _callback_tasks(request, store_ids, clerk, period)
    headers = [_("Due"), _("Customer"), _("Store"), _("Assigned to"), _("Purpose"), _("Status"), _("Completed")]
    state = request.GET.get("state")
    title = _("Callbacks") + (f" · {CALL_STATES[state]}" if state in CALL_STATES else "")
    export = Table("callbacks", title, headers, (_callback_row(t) for t in tasks.iterator()))
    if response := export_response(request, [export], "callbacks"):
        return response
    page, query = _page(request, tasks)
    rows = [_callback_row(t) for t in page]
    return _list(request, title, Table("callbacks", title, headers, rows), page, query, period)


@staff_required()
def purchases(request):
    store_ids, clerk, period = _scope(request)
    lower, upper = local_bounds(period.start, period.end)
    # Scoped by store: the sales made in stores the user sees (Store.visible_to), which
    # is what the figure counts. Purchase.visible_to would add the visible customers'
    # sales elsewhere through an OR that no index serves on a chain's data.
    sales = Purchase.objects.counted()
    sales = sales.filter(store_id__in=store_ids, purchased_at__gte=lower, purchased_at__lt=upper)
    if clerk is not None:
        sales = sales.filter(clerk_id=clerk) if clerk else sales.filter(clerk__isnull=True)
    identified = flag_param(request.GET, "identified")
    if identified is not None:
        sales = sales.filter(customer__isnull=not identified)
    sales = sales.select_related("customer", "store", "clerk__staff").order_by("-purchased_at", "-id")
    headers = [_("Time"), _("Receipt"), _("Store"), _("Clerk"), _("Customer"), _("Total")]

    def row(p):
        return [
            timezone.localtime(p.purchased_at).strftime("%Y-%m-%d %H:%M"),
            Cell(p.receipt_number, p.get_absolute_url()),
            p.store.name,
            staff_name(p.clerk),
            Cell(p.customer.name, p.customer.get_absolute_url()) if p.customer_id else _("Anonymous"),
            p.total,
        ]

    title = _("Purchases")
    export = Table("purchases", title, headers, (row(p) for p in sales.iterator()))
    if response := export_response(request, [export], "purchases"):
        return response
    page, query = _page(request, sales)
    return _list(request, title, Table("purchases", title, headers, [row(p) for p in page]), page, query, period)


@staff_required()
def new_customers(request):
    store_ids, clerk, period = _scope(request)
    lower, upper = local_bounds(period.start, period.end)
    # Scoped by home store (a subset of Customer.visible_to, without its OR on shares).
    customers = Customer.objects.filter(home_store_id__in=store_ids, created_at__gte=lower, created_at__lt=upper)
    if clerk is not None:
        customers = customers.filter(clerk_id=clerk) if clerk else customers.filter(clerk__isnull=True)
    if flag_param(request.GET, "opted_in"):
        customers = customers.filter(marketing_consent=True)
    customers = customers.select_related("home_store", "clerk__staff").order_by("-created_at", "-id")
    headers = [_("Captured"), _("Customer"), _("Store"), _("Clerk"), _("Accepts messages")]

    def row(c):
        return [
            timezone.localtime(c.created_at).strftime("%Y-%m-%d %H:%M"),
            Cell(c.name, c.get_absolute_url()),
            c.home_store.name,
            staff_name(c.clerk),
            _("Yes") if c.marketing_consent else _("No"),
        ]

    title = _("New customers")
    export = Table("customers", title, headers, (row(c) for c in customers.iterator()))
    if response := export_response(request, [export], "new_customers"):
        return response
    page, query = _page(request, customers)
    return _list(request, title, Table("customers", title, headers, [row(c) for c in page]), page, query, period)
