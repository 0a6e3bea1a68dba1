"""Loyalty pages for one customer: points history, gift redemption, adjustments, tier by hand.

The register, approval queue, rules, gifts and benefits are in ``views_admin``.
Every customer comes through ``Customer.objects.visible_to``: another store's clerk gets 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from crm.access import get_visible_or_404, require_profile, staff_required, writer_required
from crm.models import Role
from crm.params import page_param
from customers.models import Customer
from loyalty import services
from loyalty.barcodes import code128_svg
from loyalty.forms import AdjustForm, RedeemForm, TierForm
from loyalty.models import MembershipCard, PointsEntry, TierChange


def _customer(request, pk) -> Customer:
    return get_visible_or_404(Customer.objects.select_related("home_store"), request.user, pk=pk)


@staff_required()
def points_history(request, pk):
    customer = _customer(request, pk)
    entries = PointsEntry.objects.filter(customer=customer).select_related("by__staff", "purchase")
    page = Paginator(entries, 50).get_page(page_param(request.GET))
    context = {
        "customer": customer,
        "page": page,
        "balance": services.points_balance(customer),
        "cards": MembershipCard.objects.filter(customer=customer),
        "tier_changes": TierChange.objects.filter(customer=customer).select_related("by__staff"),
    }
    return render(request, "loyalty/points_history.html", context)


@staff_required()
def redeem(request, pk):
    customer = _customer(request, pk)
    profile = require_profile(request.user)
    if not profile.can_write:
        raise PermissionDenied
    form = RedeemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            redemption = services.redeem_gift(
                customer,
                data["gift"],
                quantity=data["quantity"],
                by=request.user,
                key=f"redeem:{data['key']}",
                store=profile.store or customer.home_store,
            )
        except services.PointsError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s × %(quantity)s redeemed for %(points)s points.")
                % {"name": redemption.gift.name, "quantity": redemption.quantity, "points": redemption.points},
            )
            return redirect("customers:detail", customer.pk)
    context = {"customer": customer, "form": form, "balance": services.points_balance(customer)}
    return render(request, "loyalty/redeem.html", context)


@staff_required()
def adjust(request, pk):
    customer = _customer(request, pk)
    if require_profile(request.user).role not in (Role.MANAGER, Role.HEAD_OFFICE):
        raise PermissionDenied
    form = AdjustForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.adjust_points(
                customer, data["points"], reason=data["reason"], by=request.user, key=f"adjust:{data['key']}"
            )
        except services.PointsError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Points adjusted."))
            return redirect("loyalty:points", customer.pk)
    context = {"customer": customer, "form": form, "balance": services.points_balance(customer)}
    return render(request, "loyalty/adjust.html", context)


@staff_required()
def set_tier(request, pk):
    customer = _customer(request, pk)
    if not require_profile(request.user).is_head_office:
        raise PermissionDenied
    form = TierForm(request.POST or None, initial={"tier": customer.tier})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_tier_by_hand(
                customer, form.cleaned_data["tier"], by=request.user, reason=form.cleaned_data["reason"]
            )
        except services.ApplicationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Tier changed."))
            return redirect("customers:detail", customer.pk)
    return render(request, "loyalty/set_tier.html", {"customer": customer, "form": form})


@writer_required
def check_now(request, pk):
    """Check the rules for this customer now (opens the application if they qualify)."""
    customer = _customer(request, pk)
    if request.method != "POST":
        return redirect("customers:detail", customer.pk)
    application = services.check_eligibility(customer, by=request.user)
    if application is not None:
        return redirect("loyalty:application_form", application.pk)
    messages.info(request, _("%(name)s does not yet qualify for a higher tier.") % {"name": customer.name})
    return redirect("customers:detail", customer.pk)


@staff_required()
def card(request, pk):
    """The customer's card to print (an A4 sheet or a card printer): number, tier and its
    barcode, which the till search takes like a typed card number."""
    customer = _customer(request, pk)
    current = MembershipCard.objects.filter(customer=customer, voided_at__isnull=True).order_by("-issued_at").first()
    number = customer.card_number
    context = {
        "customer": customer,
        "card": current,
        "number": number,
        "barcode": code128_svg(number) if number else "",
    }
    return render(request, "loyalty/card.html", context)
