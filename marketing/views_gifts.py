"""The holiday gift list (节日优先送礼): the important customers the benefits matrix gives
holiday gifts to, for store managers and head office to prepare and hand out gifts."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from crm.access import export_required, staff_required
from crm.models import Role, Store, staff_name
from crm.params import id_param, page_param
from crm.xlsx import xlsx_response
from loyalty.models import BenefitKind
from marketing import benefits

gift_list_required = staff_required(Role.MANAGER, Role.SUPERVISOR, Role.HEAD_OFFICE)

HEADERS = [
    gettext_lazy("Store"),
    gettext_lazy("Customer"),
    gettext_lazy("Tier"),
    gettext_lazy("Mobile"),
    gettext_lazy("Address"),
    gettext_lazy("Cumulative spend"),
    gettext_lazy("Last purchase"),
    gettext_lazy("Clerk"),
]


def _store(request) -> Store | None:
    store_id = id_param(request.GET, "store")
    return Store.objects.visible_to(request.user).filter(pk=store_id).first() if store_id else None


@require_GET
@gift_list_required
def holiday_gifts(request):
    store = _store(request)
    customers = benefits.holiday_gift_customers(request.user, store)
    context = {
        "page": Paginator(customers, 50).get_page(page_param(request.GET)),
        "tiers": benefits.tier_labels(benefits.tiers_with(BenefitKind.HOLIDAY_GIFTS)),
        "stores": Store.objects.visible_to(request.user),
        "store": store,
    }
    return render(request, "marketing/holiday_gifts.html", context)


@require_GET
@export_required
def holiday_gifts_export(request):
    store = _store(request)
    customers = benefits.holiday_gift_customers(request.user, store)
    rows = (
        [
            c.home_store.name,
            c.name,
            c.get_tier_display(),
            c.mobile_display,
            c.address,
            c.cumulative_spend,
            c.last_purchase_at,
            staff_name(c.clerk),
        ]
        for c in customers.iterator(chunk_size=1000)
    )
    stamp = timezone.localtime().strftime("%Y%m%d")
    filters = {"store": store.code if store else ""}
    return xlsx_response(
        _("holiday-gifts") + f"-{stamp}.xlsx",
        _("Holiday gift list"),
        HEADERS,
        rows,
        user=request.user,
        what="marketing.holiday_gifts",
        filters=filters,
    )
