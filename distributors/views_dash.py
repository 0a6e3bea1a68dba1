"""The pipeline board, the dashboard and the lists its figures link to; the rhythm
settings; the export."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.params import filter_values, flag_param
from crm.xlsx import xlsx_response
from distributors import analysis, forms, ledger, spreadsheet
from distributors.access import accounts_required, head_office_required
from distributors.models import Contract, DealerAccount, PickUp, ServiceRhythm, Shipment
from distributors.services.settings import save_rhythms


@accounts_required
def board(request):
    columns = analysis.board(DealerAccount.objects.visible_to(request.user))
    return render(request, "distributors/board.html", {"columns": columns})


@accounts_required
def dashboard(request):
    accounts = DealerAccount.objects.visible_to(request.user)
    today = timezone.localdate()
    context = {
        "funnel": analysis.funnel(accounts),
        "payments": ledger.totals(accounts, today),
        "month": analysis.month_activity(accounts, today),
        "classes": analysis.by_class(accounts),
        "compliance": analysis.compliance(accounts, today),
        "compliance_days": analysis.COMPLIANCE_DAYS,
        "contracts": analysis.contract_figures(accounts, today),
        "today": today,
    }
    return render(request, "distributors/dashboard.html", context)


@accounts_required
def payments(request):
    form = forms.PaymentFilter(request.GET or None)
    state = form.cleaned_data["state"] if form.is_valid() else ""
    accounts = DealerAccount.objects.visible_to(request.user)
    today = timezone.localdate()
    lines = ledger.open_lines(accounts, today, state=state)
    names = {a.pk: a for a in accounts.filter(pk__in={ln.plan.account_id for ln in lines}).select_related("customer")}
    for line in lines:
        line.account = names[line.plan.account_id]
    return render(request, "distributors/payments.html", {"form": form, "lines": lines, "today": today, "state": state})


@accounts_required
def pick_ups(request):
    form = forms.MonthForm(request.GET or None)
    first, last = analysis.month_bounds(form.day(timezone.localdate()))
    rows = PickUp.objects.visible_to(request.user).filter(on__gte=first, on__lte=last)
    rows = rows.select_related("account__customer", "policy").order_by("-on", "-pk")
    return render(request, "distributors/pick_ups.html", {"form": form, "rows": rows, "first": first, "last": last})


@accounts_required
def shipments(request):
    form = forms.MonthForm(request.GET or None)
    first, last = analysis.month_bounds(form.day(timezone.localdate()))
    rows = Shipment.objects.visible_to(request.user).filter(dispatched_on__gte=first, dispatched_on__lte=last)
    if flag_param(request.GET, "open"):
        rows = rows.filter(arrived_on__isnull=True)
    rows = rows.select_related("account__customer").order_by("-dispatched_on", "-pk")
    return render(request, "distributors/shipments.html", {"form": form, "rows": rows, "first": first, "last": last})


@accounts_required
def contracts(request):
    form = forms.ContractFilter(request.GET or None)
    rows = form.apply(Contract.objects.visible_to(request.user), timezone.localdate())
    rows = rows.select_related("account__customer", "account__account_manager__staff").order_by("ends_on", "pk")
    return render(request, "distributors/contracts.html", {"form": form, "rows": rows})


@head_office_required
def rhythm(request):
    formset = forms.RhythmFormSet(request.POST or None, queryset=ServiceRhythm.objects.all())
    if request.method == "POST" and formset.is_valid():
        save_rhythms(formset, by=request.user)
        messages.success(request, _("The service rhythm was saved."))
        return redirect("distributors:rhythm")
    return render(request, "distributors/rhythm.html", {"formset": formset})


@accounts_required
def export(request):
    form = forms.AccountFilter(request.GET or None, user=request.user)
    accounts = form.apply(DealerAccount.objects.visible_to(request.user))
    return xlsx_response(
        "经销商.xlsx",
        _("Business accounts"),
        spreadsheet.headers(),
        spreadsheet.export_rows(accounts),
        user=request.user,
        what="distributors.accounts",
        filters=filter_values(request.GET),
    )
