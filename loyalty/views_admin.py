"""The card application register, head office's approval queue, tier rules, gifts and benefits."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crm.access import (
    export_required,
    get_visible_or_404,
    head_office_required,
    require_profile,
    staff_required,
)
from crm.models import Role, Store
from crm.params import choice_param, id_param, ids_param, int_param, next_url, page_param
from crm.xlsx import xlsx_response
from customers.models import Tier
from loyalty import benefits, services
from loyalty.exporting import REGISTER_HEADERS, register_rows
from loyalty.forms import ApplicationForm, BenefitsForm, GiftForm, RejectForm, RulesForm, StepForm
from loyalty.models import (
    AWAITING_CARD,
    FINISHED_STATUSES,
    OPEN_STATUSES,
    ApplicationEvent,
    ApplicationStatus,
    CardApplication,
    Gift,
    RuleVersion,
    TierChange,
)

S = ApplicationStatus


def _application(request, pk) -> CardApplication:
    return get_visible_or_404(
        CardApplication.objects.select_related("customer", "store", "rule_version", "purchase"), request.user, pk=pk
    )


def _back(request):
    """A redirect to the page the form came from, if it is one of ours."""
    url = next_url(request)
    return redirect(url) if url else None


def _store_filter(request, queryset):
    stores = Store.objects.visible_to(request.user)
    store_id = id_param(request.GET, "store")
    if store_id is not None:
        queryset = queryset.filter(store_id=store_id)
    return queryset, stores, store_id


# --- register -----------------------------------------------------------------------------

REGISTER_FILTERS = {
    "open": OPEN_STATUSES,
    "awaiting_card": AWAITING_CARD,
    "finished": FINISHED_STATUSES,
}


def _register_applications(request):
    """The register's applications, filtered by ``?show=`` and ``?store=`` as on the page."""
    applications = CardApplication.objects.visible_to(request.user).for_register()
    show = choice_param(request.GET, "show", [*REGISTER_FILTERS, "active", "all"], default="active")
    if show in REGISTER_FILTERS:
        applications = applications.filter(status__in=REGISTER_FILTERS[show])
    elif show == "active":
        applications = applications.exclude(status__in=FINISHED_STATUSES)
    applications, stores, store_id = _store_filter(request, applications)
    return applications, show, stores, store_id


@staff_required()
def register(request):
    """The card register: every application of the user's stores, with the ones that
    need attention highlighted (not submitted within 3 days; two calls, not collected)."""
    applications, show, stores, store_id = _register_applications(request)
    applications = applications.prefetch_related(
        Prefetch("events", queryset=ApplicationEvent.objects.select_related("by__staff"))
    )
    page = Paginator(applications, 50).get_page(page_param(request.GET))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "query": query.urlencode(),
        "show": show,
        "stores": stores,
        "store_id": store_id,
        "today": timezone.localdate(),
        "filters": [
            ("active", _("Not finished")),
            ("open", _("Awaiting submission or approval")),
            ("awaiting_card", _("Card not yet with the customer")),
            ("finished", _("Finished")),
            ("all", _("All")),
        ],
    }
    return render(request, "loyalty/register.html", context)


@require_GET
@export_required
def register_export(request):
    """The card register, with the filters it was showing, as a workbook."""
    applications, show, stores, store_id = _register_applications(request)
    if store_id is not None and not stores.filter(pk=store_id).exists():
        raise Http404  # a store the user does not see
    filters = {"show": show, "store": "" if store_id is None else str(store_id)}
    today = timezone.localdate()
    return xlsx_response(
        _("card-register") + f"-{timezone.localtime():%Y%m%d-%H%M}.xlsx",
        _("Card register"),
        REGISTER_HEADERS,
        register_rows(applications, today),
        user=request.user,
        what="loyalty.card_register",
        filters=filters,
    )


@staff_required()
def application_detail(request, pk):
    application = _application(request, pk)
    events = application.events.select_related("by__staff")
    tier_changes = TierChange.objects.filter(application=application).select_related("by__staff")
    context = {
        "application": application,
        "customer": application.customer,
        "events": events,
        "tier_changes": tier_changes,
        "cards": application.cards.all(),
        "reject_form": RejectForm(),
        "step_form": StepForm(),
        "S": S,
    }
    return render(request, "loyalty/application_detail.html", context)


@staff_required()
def application_form(request, pk):
    """The paper form, pre-filled with the customer's data; the clerk adds the relative."""
    application = _application(request, pk)
    if not require_profile(request.user).can_write:
        raise PermissionDenied
    initial = {"relative_name": application.relative_name, "relative_phone": application.relative_phone}
    form = ApplicationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.enter_application(application, by=request.user, **form.cleaned_data)
        except services.ApplicationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Application form saved. The store manager submits it to head office."))
            return redirect("loyalty:application", application.pk)
    context = {"application": application, "customer": application.customer, "form": form}
    return render(request, "loyalty/application_form.html", context)


STEPS = {
    # step: (roles allowed, service)
    "submit": ((Role.MANAGER, Role.HEAD_OFFICE), lambda a, user, note: services.submit_application(a, by=user)),
    "approve": ((Role.HEAD_OFFICE,), lambda a, user, note: services.approve_application(a, by=user)),
    "notified": (
        (Role.CLERK, Role.MANAGER, Role.HEAD_OFFICE),
        lambda a, user, note: services.record_notified(a, by=user, note=note),
    ),
    "collected": (
        (Role.CLERK, Role.MANAGER, Role.HEAD_OFFICE),
        lambda a, user, note: services.record_collected(a, by=user, note=note),
    ),
    "mailed": (
        (Role.CLERK, Role.MANAGER, Role.HEAD_OFFICE),
        lambda a, user, note: services.record_mailed(a, by=user, note=note),
    ),
}


@staff_required()
def application_step(request, pk, step):
    application = _application(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if step not in STEPS:
        raise PermissionDenied
    roles, action = STEPS[step]
    if require_profile(request.user).role not in roles:
        raise PermissionDenied
    form = StepForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        action(application, request.user, note)
    except services.ApplicationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Recorded: %(step)s.") % {"step": application.get_status_display()})
    return _back(request) or redirect("loyalty:application", application.pk)


@staff_required()
def application_reject(request, pk):
    application = _application(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not require_profile(request.user).is_head_office:
        raise PermissionDenied
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for rejecting."))
        return redirect("loyalty:application", application.pk)
    try:
        services.reject_application(application, reason=form.cleaned_data["reason"], by=request.user)
    except services.ApplicationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Application rejected."))
    return redirect("loyalty:queue")


# --- head office ----------------------------------------------------------------------------


@head_office_required
def approval_queue(request):
    """Submitted applications, oldest first, filtered by store and age; approve several at once."""
    applications = (
        CardApplication.objects.visible_to(request.user)
        .pending_approval()
        .select_related("customer", "store", "purchase", "created_by__staff")
        .order_by("submitted_at", "pk")
    )
    applications, stores, store_id = _store_filter(request, applications)
    min_age = int_param(request.GET, "min_age", min=0, max=36500)
    if min_age is not None:
        cutoff = timezone.make_aware(
            dt.datetime.combine(timezone.localdate() - dt.timedelta(days=min_age - 1), dt.time.min)
        )
        applications = applications.filter(created_at__lt=cutoff)
    context = {
        "applications": applications,
        "stores": stores,
        "store_id": store_id,
        "min_age": "" if min_age is None else min_age,
        "today": timezone.localdate(),
    }
    return render(request, "loyalty/queue.html", context)


@require_POST
@head_office_required
def approve_selected(request):
    ids = ids_param(request.POST, "ids")
    chosen = CardApplication.objects.visible_to(request.user).filter(pk__in=ids).order_by("pk")
    done, refused = services.approve_applications(list(chosen), by=request.user)
    if done:
        messages.success(request, _("%(count)s applications approved.") % {"count": len(done)})
    for application, reason in refused:
        messages.error(request, f"{application.customer.name}: {reason}")
    if not ids:
        messages.warning(request, _("Tick the applications to approve."))
    return _back(request) or redirect("loyalty:queue")


@head_office_required
def rules(request):
    current = services.current_rules()
    form = RulesForm(request.POST or None, initial=RulesForm.initial_from(current))
    if request.method == "POST" and form.is_valid():
        try:
            version = services.update_rules(form.values(), by=request.user, note=form.cleaned_data["note"])
        except services.RuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Tier rules saved as version %(number)s.") % {"number": version.number})
            return redirect("loyalty:rules")
    versions = RuleVersion.objects.prefetch_related("rules").select_related("created_by__staff")[:20]
    return render(request, "loyalty/rules.html", {"form": form, "current": current, "versions": versions})


@staff_required()
def gifts(request):
    return render(request, "loyalty/gifts.html", {"gifts": Gift.objects.all()})


@head_office_required
def gift_edit(request, pk=None):
    gift = get_object_or_404(Gift, pk=pk) if pk else None
    form = GiftForm(request.POST or None, instance=gift)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Gift saved."))
        return redirect("loyalty:gifts")
    return render(request, "loyalty/gift_form.html", {"form": form, "gift": gift})


@staff_required()
def benefits_matrix(request):
    rows = benefits.matrix()
    cells = [cell for row in rows for cell in row["cells"]]
    is_head_office = require_profile(request.user).is_head_office
    if request.method == "POST" and not is_head_office:
        raise PermissionDenied
    form = BenefitsForm(request.POST or None, cells=cells)
    if request.method == "POST" and form.is_valid():
        changed = services.update_matrix(form.changes(), by=request.user)
        messages.success(request, _("Benefits saved (%(count)s changed).") % {"count": changed})
        return redirect("loyalty:benefits")
    for row in rows:
        row["fields"] = [
            {
                "cell": cell,
                "enabled": form[f"{cell.benefit}-{cell.tier}-enabled"],
                "detail": form[f"{cell.benefit}-{cell.tier}-detail"],
                "rate": form[f"{cell.benefit}-{cell.tier}-rate"] if cell.benefit == "discount" else None,
            }
            for cell in row["cells"]
        ]
    tiers = [(tier, Tier(tier).label) for tier in ("A", "B", "C")]
    context = {"rows": rows, "form": form, "editable": is_head_office, "tiers": tiers}
    return render(request, "loyalty/benefits.html", context)
