"""The accounts: list, file, forms, pipeline moves and contract steps."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.params import choice_param, page_param
from distributors import file as dealer_file
from distributors import forms
from distributors.access import accounts_required, get_account, get_row, team_lead_required
from distributors.models import Contract, DealerAccount, Shipment
from distributors.services import accounts as services
from distributors.services.contracts import STEPS, take_step


def account_url(account) -> str:
    return reverse("distributors:detail", args=[account.pk])


@accounts_required
def account_list(request):
    form = forms.AccountFilter(request.GET or None, user=request.user)
    accounts = form.apply(DealerAccount.objects.visible_to(request.user))
    accounts = accounts.select_related("customer", "account_manager__staff").order_by("customer__company", "pk")
    page = Paginator(accounts, 50).get_page(page_param(request.GET))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "distributors/list.html", {"form": form, "page": page, "query": query.urlencode()})


@accounts_required
def account_create(request):
    form = forms.AccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            account = services.open_account(by=request.user, **data)
        except services.TransitionRefused as error:
            form.add_error("grade", str(error))
        else:
            return redirect("distributors:detail", pk=account.pk)
    return render(request, "distributors/form.html", {"form": form, "title": _("New business account")})


@accounts_required
def account_detail(request, pk):
    account = get_account(request.user, pk)
    context = dealer_file.context(account)
    context["move_form"] = forms.MoveForm(account=account)
    context["reassign_form"] = forms.ReassignForm(
        user=request.user, initial={"account_manager": account.account_manager_id}
    )
    return render(request, "distributors/detail.html", context)


@accounts_required
def account_edit(request, pk):
    account = get_account(request.user, pk)
    customer = account.customer
    initial = {name: getattr(customer, name) for name in forms.CustomerFileForm.base_fields}
    own = forms.FileForm(request.POST or None, instance=account)
    theirs = forms.CustomerFileForm(request.POST or None, initial=initial)
    if request.method == "POST" and own.is_valid() and theirs.is_valid():
        fields = {name: own.cleaned_data[name] for name in own.Meta.fields}
        services.update_file(account, by=request.user, account_fields=fields, customer_fields=theirs.cleaned_data)
        return redirect("distributors:detail", pk=account.pk)
    return render(request, "distributors/edit.html", {"account": account, "own": own, "theirs": theirs})


@accounts_required
@require_POST
def account_move(request, pk):
    account = get_account(request.user, pk)
    form = forms.MoveForm(request.POST, account=account)
    if not form.is_valid():
        messages.error(request, _("This move is not possible from where the account is."))
    else:
        status, grade = form.target()
        try:
            reasons = {k: form.cleaned_data[k] for k in ("reason", "end_reason")}
            services.move(account, status, grade, by=request.user, **reasons)
            messages.success(request, _("The account was moved."))
        except services.TransitionRefused as error:
            messages.error(request, str(error))
    if choice_param(request.POST, "next", ["board"]) == "board":
        return redirect("distributors:board")
    return redirect("distributors:detail", pk=pk)


@team_lead_required
@require_POST
def reassign(request, pk):
    account = get_account(request.user, pk)
    form = forms.ReassignForm(request.POST, user=request.user)
    if form.is_valid():
        services.set_account_manager(
            account, form.cleaned_data["account_manager"], by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("The account has a new account manager."))
    else:
        messages.error(request, _("Choose an account manager of your team."))
    return redirect("distributors:detail", pk=pk)


@accounts_required
def add_row(request, pk, section):
    if section not in forms.SECTIONS:
        raise Http404
    account = get_account(request.user, pk)
    form = forms.section_form(section, account, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_row(account, form.save(commit=False), by=request.user)
        messages.success(request, _("Saved."))
        return redirect(f"{account_url(account)}#{section}")
    title = forms.SECTIONS[section][1]
    return render(request, "distributors/form.html", {"form": form, "title": title, "account": account})


@accounts_required
@require_POST
def contract_step(request, pk, contract, step):
    account = get_account(request.user, pk)
    item = get_row(Contract, request.user, account, contract)
    form = forms.ContractStepForm(request.POST)
    if step not in STEPS:
        raise Http404
    try:
        if not form.is_valid():
            raise services.TransitionRefused(_("Give a valid date."))
        take_step(item, step, by=request.user, **form.cleaned_data)
    except services.TransitionRefused as error:
        messages.error(request, str(error))
    return redirect(f"{account_url(account)}#contract")


@accounts_required
@require_POST
def shipment_arrived(request, pk, shipment):
    account = get_account(request.user, pk)
    item = get_row(Shipment, request.user, account, shipment)
    form = forms.ArrivalForm(request.POST)
    if form.is_valid() and form.cleaned_data["arrived_on"] >= item.dispatched_on:
        services.mark_arrived(item, form.cleaned_data["arrived_on"], by=request.user)
    else:
        messages.error(request, _("Give the day it arrived (not before it was dispatched)."))
    return redirect(f"{account_url(account)}#shipment")
