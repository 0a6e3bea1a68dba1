from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm import hooks
from crm.access import get_visible_or_404, require_profile, staff_required, writer_required
from crm.models import Role, Store
from customers.forms import CaptureForm, ContactForm, CustomerFilterForm, CustomerForm, LineFormSet, SaleForm
from customers.models import ContactLog, Customer, Purchase, PurchaseLine
from customers.privacy import serving
from customers.privacy.forms import TillLookupForm
from customers.services import DuplicateCustomer, LineData, capture_customer, checkout

till_required = staff_required(Role.CLERK, Role.MANAGER)


def _till_store(request):
    store = require_profile(request.user).store
    if store is None:
        raise PermissionDenied
    return store


@till_required
def till(request):
    return render(request, "customers/till.html", {"store": _till_store(request)})


@till_required
@require_POST
def till_lookup(request):
    """Live search at the till (htmx, by POST: a number typed never goes in an address).
    A full mobile number of another store's customer shows only a masked name and tier."""
    text = TillLookupForm(request.POST).text()
    search = serving.till_search(request.user, _till_store(request), text)
    elsewhere = search.elsewhere
    context = {
        "q": text,
        "results": search.results,
        "elsewhere": elsewhere,
        "limited": search.limited,
        "elsewhere_token": serving.elsewhere_token(elsewhere, request.user) if elsewhere else "",
    }
    return render(request, "customers/_till_results.html", context)


def _sale_customer(request, store) -> tuple[Customer | None, str]:
    """The customer a sale is for, and the serving token when they are another store's
    customer this clerk verified with an SMS code (the token, not the number, is in the address)."""
    token = request.GET.get("serve", "")
    if token:
        customer = serving.customer_for_sale(token, request.user, store)
        if customer is None:
            raise Http404
        return customer, token
    if request.GET.get("customer"):
        return get_visible_or_404(Customer.objects, request.user, pk=request.GET["customer"]), ""
    return None, ""


@till_required
def sale(request):
    store = _till_store(request)
    customer, serve_token = _sale_customer(request, store)
    is_new = customer is None and request.GET.get("new") == "1"
    form = SaleForm(request.POST or None)
    lines = LineFormSet(request.POST or None, prefix="lines")
    capture = CaptureForm(request.POST or None, prefix="new") if is_new else None

    if request.method == "POST":
        valid = form.is_valid() & lines.is_valid() & (capture.is_valid() if capture else True)
        if valid:
            line_data = [LineData(**f.cleaned_data) for f in lines.forms if f.cleaned_data]
            try:
                purchase, created = checkout(
                    store=store,
                    clerk=request.user,
                    lines=line_data,
                    customer=customer,
                    new_customer=capture.customer_fields() if capture else None,
                    receipt_number=form.cleaned_data["receipt_number"],
                    idempotency_key=form.cleaned_data["idempotency_key"],
                    note=form.cleaned_data["note"],
                )
            except DuplicateCustomer as exc:
                # Never a second file for one mobile: switch the sale to the existing
                # customer and let the clerk confirm; the lines typed are kept. Another
                # store's customer is served only with their SMS code.
                if not Customer.objects.visible_to(request.user).filter(pk=exc.customer.pk).exists():
                    capture.add_error(
                        "mobile",
                        _(
                            "This mobile number belongs to a customer of another store: look it up at the till to serve them."
                        ),
                    )
                    return _render_sale(request, store, None, form, lines, capture)
                messages.warning(
                    request,
                    _(
                        "This mobile number already belongs to %(name)s: the sale is now for that customer. Check and submit again."
                    )
                    % {"name": exc.customer.masked_name()},
                )
                return _render_sale(request, store, exc.customer, form, lines, None, switched=True)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if not created:
                    messages.info(request, _("This sale was already recorded; here is its receipt."))
                return redirect("customers:purchase", pk=purchase.pk)
    return _render_sale(request, store, customer, form, lines, capture, serve_token=serve_token)


def _render_sale(request, store, customer, form, lines, capture, switched=False, serve_token=""):
    serving_elsewhere = bool(serve_token)
    context = {
        "serving_elsewhere": serving_elsewhere,
        "store": store,
        "customer": customer,
        "form": form,
        "lines": lines,
        "capture": capture,
        "switched": switched,
        "panels": hooks.panels("till_panels", request, customer) if customer and not serving_elsewhere else [],
        "action": _sale_url(customer, capture is not None, serve_token),
    }
    return render(request, "customers/sale.html", context)


def _sale_url(customer, is_new, serve_token="") -> str:
    url = reverse("customers:sale")
    if serve_token:
        return f"{url}?{urlencode({'serve': serve_token})}"
    if customer is not None:
        return f"{url}?customer={customer.pk}" if customer.pk else url
    return f"{url}?new=1" if is_new else url


@staff_required()
def customer_list(request):
    filters = CustomerFilterForm(request.GET or None, user=request.user)
    customers = filters.filter(Customer.objects.visible_to(request.user)).select_related("home_store")
    page = Paginator(customers, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "customers/list.html", {"filters": filters, "page": page, "query": query.urlencode()})


@writer_required
def customer_create(request):
    profile = require_profile(request.user)
    form = CustomerForm(request.POST or None, user=request.user, initial={"home_store": profile.store})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("home_store", "data_consent")}
        try:
            customer = capture_customer(
                store=form.cleaned_data["home_store"],
                clerk=request.user,
                data_consent=form.cleaned_data["data_consent"],
                **data,
            )
        except DuplicateCustomer as exc:
            messages.warning(request, _("This mobile number already belongs to a customer."))
            if Customer.objects.visible_to(request.user).filter(pk=exc.customer.pk).exists():
                return redirect(exc.customer)
            form.add_error("mobile", _("This mobile number already belongs to a customer of another store."))
        else:
            messages.success(request, _("Customer %(name)s saved.") % {"name": customer.name})
            return redirect(customer)
    return render(request, "customers/form.html", {"form": form, "title": _("New customer")})


@staff_required()
def customer_detail(request, pk):
    customer = get_visible_or_404(Customer.objects.select_related("home_store", "clerk__staff"), request.user, pk=pk)
    purchases = (
        customer.purchases.select_related("store", "clerk__staff")
        .prefetch_related(Prefetch("lines", queryset=PurchaseLine.objects.order_by("id")))
        .order_by("-purchased_at")[:20]
    )
    contacts = customer.contacts.select_related("staff__staff").order_by("-occurred_at")[:30]
    context = {
        "customer": customer,
        "purchases": purchases,
        "contacts": contacts,
        "contact_form": ContactForm(),
        "share_stores": Store.objects.filter(is_active=True).exclude(pk=customer.home_store_id),
        "panels": hooks.panels("customer_panels", request, customer),
    }
    return render(request, "customers/detail.html", context)


@writer_required
def customer_edit(request, pk):
    customer = get_visible_or_404(Customer.objects, request.user, pk=pk)
    form = CustomerForm(request.POST or None, instance=customer, user=request.user)
    if form.changes_identity() and not customer.identity_editable_by(request.user):
        raise PermissionDenied  # home store, consent and mobile: the home store's manager or head office
    if request.method == "POST" and form.is_valid():
        customer = form.save(commit=False)
        if form.cleaned_data.get("id_number"):
            customer.set_id_number(form.cleaned_data["id_number"])
        if "marketing_consent" in form.changed_data:
            customer.marketing_opt_out_at = None if customer.marketing_consent else customer.updated_at
        customer.save()
        messages.success(request, _("Customer %(name)s saved.") % {"name": customer.name})
        return redirect(customer)
    return render(request, "customers/form.html", {"form": form, "title": customer.name, "customer": customer})


@writer_required
@require_POST
def contact_create(request, pk):
    customer = get_visible_or_404(Customer.objects, request.user, pk=pk)
    form = ContactForm(request.POST)
    if form.is_valid():
        contact: ContactLog = form.save(commit=False)
        contact.customer = customer
        contact.staff = request.user
        contact.store = require_profile(request.user).store or customer.home_store
        contact.save()
        messages.success(request, _("Contact recorded."))
    else:
        messages.error(request, _("The contact was not recorded: %(errors)s") % {"errors": form.errors.as_text()})
    return redirect(customer)


@staff_required()
def purchase_detail(request, pk):
    purchase = get_visible_or_404(
        Purchase.objects.select_related("store", "customer", "clerk__staff").prefetch_related("lines"),
        request.user,
        pk=pk,
    )
    return render(
        request,
        "customers/purchase.html",
        {"purchase": purchase, "panels": hooks.panels("receipt_panels", request, purchase)},
    )
