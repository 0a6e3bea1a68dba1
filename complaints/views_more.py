"""Returns and exchanges, notifications, the analysis, and head office's settings pages."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints import analysis, notify, services
from complaints.forms import CategoryForm, DepartmentForm, FilterForm, ReturnForm, SlaForm
from complaints.models import Category, Complaint, Department, Notification, ProductReturn, ReturnKind, Severity, Sla
from complaints.returns import Replacement, ReturnItem, record_return, returnable
from complaints.views import _filtered
from crm.access import get_visible_or_404, head_office_required, staff_required, writer_required
from crm.models import Role
from crm.params import id_param, ids_param, next_url
from customers.models import Purchase


@writer_required
def return_create(request, purchase_pk: int):
    """Return or exchange lines of a purchase; ``?complaint=<id>`` links it to a complaint."""
    purchase = get_visible_or_404(Purchase.objects.select_related("customer", "store"), request.user, pk=purchase_pk)
    complaint = None
    complaint_id = id_param(request.GET, "complaint") or id_param(request.POST, "complaint")
    if complaint_id is not None:
        complaint = get_visible_or_404(Complaint.objects, request.user, pk=complaint_id)
    lines = returnable(purchase)
    form = ReturnForm(request.POST or None, lines=lines)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        items = [ReturnItem(line, data.get(f"qty_{line.pk}") or 0) for line, _left in lines]
        replacement = None
        if data["kind"] == ReturnKind.EXCHANGE:
            returned_gross = sum((item.line.unit_price * item.quantity for item in items), Decimal("0"))
            replacement = Replacement(
                item=data["replacement_item"],
                size=data["replacement_size"],
                colour=data["replacement_colour"],
                quantity=data["replacement_quantity"] or 1,
                value=data["replacement_value"] if data["replacement_value"] is not None else returned_gross,
            )
        try:
            product_return, _created = record_return(
                purchase=purchase,
                items=items,
                by=request.user,
                kind=data["kind"],
                complaint=complaint,
                replacement=replacement,
                reason=data["reason"],
                key=data["key"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("complaints:return_detail", product_return.pk)
    return render(request, "complaints/return_form.html", {"purchase": purchase, "complaint": complaint, "form": form})


@staff_required()
def return_detail(request, pk: int):
    product_return = get_visible_or_404(
        ProductReturn.objects.select_related("purchase__customer", "purchase__store", "complaint", "created_by__staff"),
        request.user,
        pk=pk,
    )
    lines = product_return.lines.select_related("purchase_line")
    extra_cost = max(
        Decimal("0.00"), product_return.replacement_value - sum((line.value for line in lines), Decimal("0"))
    )
    return render(
        request,
        "complaints/return_detail.html",
        {
            "ret": product_return,
            "lines": lines,
            "extra_cost": extra_cost if product_return.kind == ReturnKind.EXCHANGE else 0,
        },
    )


@staff_required()
def notification_list(request):
    notifications = Notification.objects.for_user(request.user)[:100]
    return render(request, "complaints/notifications.html", {"notifications": notifications})


@require_POST
@staff_required()
def notification_read(request):
    ids = ids_param(request.POST, "id") or None
    notify.mark_read(request.user, ids)
    return redirect(next_url(request, default="complaints:notifications"))


@staff_required(Role.MANAGER, Role.SUPERVISOR, Role.HEAD_OFFICE)
def analysis_view(request):
    complaints = Complaint.objects.visible_to(request.user)
    form = FilterForm(request.GET or None, user=request.user)
    if form.is_valid():
        complaints = _filtered(complaints, form.cleaned_data)
    context = {
        "form": form,
        "total": analysis.summary(complaints),
        "tables": [
            (_("By category"), analysis.by_dimension(complaints, "category")),
            (_("By store"), analysis.by_dimension(complaints, "store")),
            (_("By channel"), analysis.by_dimension(complaints, "channel")),
            (_("By month"), analysis.by_dimension(complaints, "month")),
        ],
        "repeat": analysis.repeat_complainants(complaints)[:50],
    }
    return render(request, "complaints/analysis.html", context)


@head_office_required
def settings_view(request):
    categories = Category.objects.prefetch_related("slas")
    rows = []
    for category in categories:
        by_severity = {sla.severity: sla for sla in category.slas.all()}
        rows.append((category, [by_severity.get(severity) for severity, _label in Severity.choices]))
    return render(
        request,
        "complaints/settings.html",
        {"rows": rows, "severities": Severity.choices, "departments": Department.objects.all()},
    )


@head_office_required
def category_edit(request, pk: int | None = None):
    category = get_object_or_404(Category, pk=pk) if pk else None
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("complaints:settings")
    return render(request, "complaints/settings_form.html", {"form": form, "title": _("Category")})


@head_office_required
def department_edit(request, pk: int | None = None):
    department = get_object_or_404(Department, pk=pk) if pk else None
    form = DepartmentForm(request.POST or None, instance=department)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("complaints:settings")
    return render(request, "complaints/settings_form.html", {"form": form, "title": _("Department")})


@head_office_required
def deadlines_edit(request, pk: int):
    category = get_object_or_404(Category, pk=pk)
    form = SlaForm(request.POST or None, category=category)
    if request.method == "POST" and form.is_valid():
        hours = {
            severity: (form.cleaned_data[f"{severity}_first"], form.cleaned_data[f"{severity}_resolution"])
            for severity, _label in Severity.choices
        }
        services.set_deadlines(category, hours, request.user)
        messages.success(request, _("Deadlines saved; they apply to complaints logged from now on."))
        return redirect("complaints:settings")
    return render(request, "complaints/deadlines_form.html", {"form": form, "category": category, "Sla": Sla})
