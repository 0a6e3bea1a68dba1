"""The customer's rights from the profile: a copy of their data, erasure; head office decides."""

import tempfile

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crm.access import audit, get_visible_or_404, head_office_required, staff_required
from crm.models import Role
from crm.params import BadParameter
from customers.models import Customer
from customers.privacy import retention, rights
from customers.privacy.forms import DecisionForm, ExportFormatForm, RetentionForm, RightsRequestForm
from customers.privacy.models import RetentionSetting, RightsRequest, RightsStatus

managers_required = staff_required(Role.MANAGER, Role.HEAD_OFFICE)


@managers_required
@require_POST
def rights_request(request, pk):
    """The home store's manager asks for an export or an erasure; head office acts at once."""
    customer = get_visible_or_404(Customer.objects, request.user, pk=pk)
    if not rights.may_request(request.user, customer):
        raise PermissionDenied
    form = RightsRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(customer)
    req = rights.request(customer, form.cleaned_data["kind"], request.user)
    done = req.status == RightsStatus.APPROVED
    messages.success(request, _("Done.") if done else _("Sent to head office for approval."))
    return redirect(customer)


@head_office_required
@require_POST
def rights_decide(request, pk):
    req = get_visible_or_404(RightsRequest.objects.select_related("customer"), request.user, pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid() and rights.decide(req, approve=form.cleaned_data["decision"] == "approve", by=request.user):
        messages.success(request, _("Decision recorded."))
    return redirect("customers:rights_requests")


@head_office_required
@require_GET
def rights_requests(request):
    pending = RightsRequest.objects.filter(status=RightsStatus.PENDING).select_related(
        "customer", "customer__home_store", "requested_by__staff"
    )
    return render(request, "customers/rights_requests.html", {"pending": pending[:200]})


@managers_required
@require_GET
def rights_export(request, pk):
    """Everything Kedang holds about the customer, as xlsx or JSON; each download is logged."""
    customer = get_visible_or_404(Customer.objects, request.user, pk=pk)
    form = ExportFormatForm(request.GET)
    if not form.is_valid():
        raise BadParameter("format")
    if not rights.may_export(request.user, customer):
        raise PermissionDenied
    fmt = form.cleaned_data["format"]
    audit(request.user, "customer.rights.exported", customer, store=customer.home_store, format=fmt)
    filename = f"customer-{customer.pk}.{fmt}"
    if fmt == "json":
        response = HttpResponse(rights.export_json(customer), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    handle = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    rights.export_xlsx(customer, handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename)


@head_office_required
def retention_page(request):
    """Customers past the retention period, and head office's switch for automatic erasure."""
    form = RetentionForm(request.POST or None, initial={"auto_erase": RetentionSetting.current().auto_erase})
    if request.method == "POST" and form.is_valid():
        retention.set_auto_erase(form.cleaned_data["auto_erase"], request.user)
        messages.success(request, _("Saved."))
        return redirect("customers:retention")
    due = retention.due(timezone.localdate()).select_related("home_store").order_by("last_purchase_at", "pk")
    page = Paginator(due, 50).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "settings_years": settings.KEDANG_RETENTION_YEARS}
    return render(request, "customers/retention.html", context)
