"""Voucher pages: figures per store and the voucher types (head office), issuing one by hand."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from crm.access import get_visible_or_404, head_office_required, staff_required, store_scope
from crm.models import Role
from customers.models import Customer
from loyalty import vouchers
from loyalty.forms_vouchers import IssueVoucherForm, VoucherTypeForm
from loyalty.voucher_models import Voucher, VoucherSource, VoucherType

managers_required = staff_required(Role.MANAGER, Role.SUPERVISOR, Role.HEAD_OFFICE)


@require_GET
@managers_required
def overview(request):
    scoped = Voucher.objects.filter(store_scope(request.user))
    context = {
        "rows": vouchers.figures_by_store(scoped),
        "types": VoucherType.objects.prefetch_related("stores"),
    }
    return render(request, "loyalty/vouchers.html", context)


@head_office_required
def type_edit(request, pk: int | None = None):
    vtype = get_visible_or_404(VoucherType.objects, request.user, pk=pk) if pk else None
    form = VoucherTypeForm(request.POST or None, instance=vtype)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Voucher type saved."))
        return redirect("loyalty:vouchers")
    return render(request, "loyalty/voucher_type_form.html", {"form": form, "vtype": vtype})


@staff_required(Role.MANAGER, Role.HEAD_OFFICE)
def issue(request, pk: int):
    customer = get_visible_or_404(Customer.objects.select_related("home_store"), request.user, pk=pk)
    form = IssueVoucherForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        voucher = vouchers.issue(
            form.cleaned_data["type"],
            customer,
            source=VoucherSource.MANUAL,
            by=request.user,
            reason=form.cleaned_data["reason"],
            key=f"manual:{form.cleaned_data['key']}",
        )
        messages.success(request, _("Voucher %(code)s issued.") % {"code": voucher.code})
        return redirect(customer)
    return render(request, "loyalty/voucher_issue.html", {"form": form, "customer": customer})
