"""Consent at the till, the printable privacy notice."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.access import get_visible_or_404, require_profile, staff_required
from customers.models import Customer
from customers.privacy import access_log, consent
from customers.privacy.forms import ConsentForm
from customers.privacy.models import PrivacyNotice


@staff_required()
def consent_record(request, pk):
    """Record a consent given or withdrawn, with the notice the customer read."""
    customer = get_visible_or_404(Customer.objects, request.user, pk=pk)
    if not customer.consent_recordable_by(request.user):
        raise PermissionDenied
    notice = PrivacyNotice.current()
    form = ConsentForm(request.POST or None, initial={"notice": notice, "kind": "marketing", "granted": "1"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consent.record_consent(
                customer, kind=data["kind"], granted=data["granted"], by=request.user, method=data["method"],
                notice=data["notice"], store=require_profile(request.user).store,
            )  # fmt: skip
        except consent.ConsentError:
            form.add_error(None, _("Record the customer's consent to keep their data first."))
        else:
            messages.success(request, _("Consent recorded."))
            return redirect(customer)
    context = {"customer": customer, "form": form, "notice": notice, "history": consent.history(customer)[:50]}
    return render(request, "customers/consent.html", context)


@staff_required()
def privacy_notice(request, pk=None):
    """The privacy notice, laid out for printing at the till."""
    notice = get_object_or_404(PrivacyNotice, pk=pk) if pk else PrivacyNotice.current()
    return render(request, "customers/privacy_notice.html", {"notice": notice})


@staff_required()
@require_POST
def id_number_show(request, pk):
    """The full ID-card number, for the home store's manager or head office; logged."""
    customer = get_visible_or_404(Customer.objects, request.user, pk=pk)
    if not customer.identity_editable_by(request.user):
        raise PermissionDenied
    number = access_log.id_number_disclosed(request.user, customer) if customer.id_number_encrypted else ""
    return render(request, "customers/_id_number.html", {"number": number})
