"""Serving another store's customer at the till: the SMS code, and head office's share."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.access import get_visible_or_404, head_office_required, require_profile, staff_required
from crm.models import Role
from customers.models import Customer
from customers.privacy import serving
from customers.privacy.forms import ServeCodeForm, ServeTokenForm, ShareForm

till_required = staff_required(Role.CLERK, Role.MANAGER)
CODE_PANEL = "customers/_serve_code.html"


def _till_store(request):
    store = require_profile(request.user).store
    if store is None:
        raise Http404
    return store


def _elsewhere_customer(request, form) -> Customer:
    customer = serving.customer_from_elsewhere_token(form.cleaned_data["token"], request.user)
    if customer is None:
        raise Http404
    return customer


@till_required
@require_POST
def serve_code(request):
    """Send the customer of another store a code by SMS (htmx partial)."""
    form = ServeTokenForm(request.POST)
    if not form.is_valid():
        raise Http404
    customer = _elsewhere_customer(request, form)
    context = {"customer": customer, "token": form.cleaned_data["token"], "form": ServeCodeForm()}
    try:
        serving.send_code(customer, _till_store(request), request.user)
    except serving.ServeRefused as exc:
        context["error"] = serving.REFUSAL_MESSAGES[exc.code]
    return render(request, CODE_PANEL, context)


@till_required
@require_POST
def serve_verify(request):
    """Check the code the customer reads out; on success open the sale for them."""
    token_form, form = ServeTokenForm(request.POST), ServeCodeForm(request.POST)
    if not token_form.is_valid():
        raise Http404
    customer = _elsewhere_customer(request, token_form)
    context = {"customer": customer, "token": token_form.cleaned_data["token"], "form": form}
    if form.is_valid():
        try:
            serving.verify_code(customer, _till_store(request), request.user, form.cleaned_data["code"])
        except serving.ServeRefused as exc:
            context["error"] = serving.REFUSAL_MESSAGES[exc.code]
        else:
            url = f"{reverse('customers:sale')}?{urlencode({'serve': serving.sale_token(customer, request.user)})}"
            if request.headers.get("HX-Request"):
                return HttpResponse(status=204, headers={"HX-Redirect": url})
            return redirect(url)
    return render(request, CODE_PANEL, context)


@head_office_required
@require_POST
def customer_share(request, pk):
    """Head office shares a customer with another store."""
    customer = get_visible_or_404(Customer.objects, request.user, pk=pk)
    form = ShareForm(request.POST)
    if form.is_valid():
        serving.share_by_head_office(customer, form.cleaned_data["store"], request.user)
        messages.success(request, _("Shared with %(store)s.") % {"store": form.cleaned_data["store"].name})
    else:
        messages.error(request, _("Choose a store to share with."))
    return redirect(customer)
