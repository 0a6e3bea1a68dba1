import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crm import hooks
from crm.access import get_visible_or_404, require_profile, staff_required, writer_required
from crm.models import Role
from customers.forms import CaptureForm, ContactForm, CustomerFilterForm, CustomerForm, LineFormSet, SaleForm
from customers.models import ContactLog, Customer, Purchase, PurchaseLine, Tier
from customers.products.services import quick_picks
from customers.services import (
    DuplicateCustomer,
    LineData,
    capture_customer,
    checkout,
    find_by_mobile,
    quote_sale,
    recorded_sale,
)
from customers.validators import normalise_mobile

till_required = staff_required(Role.CLERK, Role.MANAGER)


def _till_store(request):
    store = require_profile(request.user).store
    if store is None:
        raise PermissionDenied
    return store


@till_required
def till(request):
    return render(request, "customers/till.html", {"store": _till_store(request)})


def _lookup(request, text: str) -> dict:
    """The user's own customers by name, mobile or card number; plus, for a full mobile
    number, the one chain-wide match, masked. ``exact``: the one own customer whose
    mobile or card number is exactly ``text``."""
    text = text.replace("\x00", "").strip()[:100]
    results, elsewhere, exact = [], None, None
    if text:
        visible = Customer.objects.visible_to(request.user)
        results = list(visible.search(text).select_related("home_store")[:10])
        try:
            mobile = normalise_mobile(text)
        except ValidationError:
            mobile = None
        matches = [
            c for c in results if (mobile and c.mobile == mobile) or (c.card_number or "").lower() == text.lower()
        ]
        exact = matches[0] if len(matches) == 1 else None
        if mobile and not any(c.mobile == mobile for c in results):
            elsewhere = find_by_mobile(mobile)
    return {"q": text, "results": results, "elsewhere": elsewhere, "exact": exact}


@till_required
@require_GET
def till_lookup(request):
    """Live search at the till (htmx)."""
    return render(request, "customers/_till_results.html", _lookup(request, request.GET.get("q", "")))


@till_required
@require_POST
def till_open(request):
    """Enter in the till search: an exact mobile or card match opens the sale; anything
    else shows the matches, as typing does."""
    found = _lookup(request, request.POST.get("q", ""))
    if found["exact"] is not None:
        return redirect(_sale_url(found["exact"], False, uuid.uuid4()))
    return render(request, "customers/till.html", {"store": _till_store(request), **found})


def _sale_customer(request) -> Customer | None:
    """The customer a sale is for: one the user sees, or an exact mobile match the
    customer gave at the till (they are standing there)."""
    if request.GET.get("customer"):
        return get_visible_or_404(Customer.objects, request.user, pk=request.GET["customer"])
    if request.GET.get("mobile"):
        try:
            customer = find_by_mobile(normalise_mobile(request.GET["mobile"]))
        except ValidationError:
            customer = None
        if customer is None:
            raise Http404
        return customer
    return None


def _sale_token(request) -> uuid.UUID | None:
    """The sale's token from the URL: the idempotency key its form is recorded with, so
    a page the browser brings back (Back, a reload) resubmits the same key."""
    try:
        return uuid.UUID(request.GET.get("t", ""))
    except ValueError:
        return None


@till_required
def sale(request):
    store = _till_store(request)
    customer = _sale_customer(request)
    is_new = customer is None and request.GET.get("new") == "1"
    token = _sale_token(request)
    if request.method == "GET" and token is None:
        return redirect(_same_sale(request, reverse("customers:sale"), uuid.uuid4()))
    form = SaleForm(request.POST or None, initial={"idempotency_key": token})
    lines = LineFormSet(request.POST or None, prefix="lines")
    capture = CaptureForm(request.POST or None, prefix="new") if is_new else None

    if request.method == "POST":
        return _record_sale(request, store, customer, form, lines, capture)
    return _render_sale(request, store, customer, form, lines, capture, token=token)


def _record_sale(request, store, customer, form, lines, capture):
    """The POST of the sale form: the receipt, or the form again with what to mend."""
    form_valid = form.is_valid()
    recorded = recorded_sale(form.cleaned_data.get("idempotency_key"))
    if recorded is not None:
        # The token was used: Back and submit again (even with the lines gone) records nothing.
        messages.info(request, _("This sale was already recorded; here is its receipt."))
        return redirect("customers:purchase", pk=recorded.pk)
    if form_valid & lines.is_valid() & (capture.is_valid() if capture else True):
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
            # customer and let the clerk confirm; the lines typed are kept.
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
    return _render_sale(request, store, customer, form, lines, capture)


def _render_sale(request, store, customer, form, lines, capture, switched=False, token=None):
    token = token or _sale_token(request) or uuid.uuid4()
    recorded = Purchase.objects.filter(idempotency_key=token, store=store).first()
    context = {
        "store": store,
        "customer": customer,
        "form": form,
        "lines": lines,
        "capture": capture,
        "switched": switched,
        "recorded": recorded if request.method == "GET" else None,
        "panels": hooks.panels("till_panels", request, customer) if customer else [],
        "action": _sale_url(customer, False, token)
        if switched
        else _same_sale(request, reverse("customers:sale"), token),
        "quote_url": (
            _sale_url(customer, False, None, name="customers:sale_quote")
            if switched
            else _same_sale(request, reverse("customers:sale_quote"))
        ),
        "quick_picks": quick_picks(store),
    }
    return render(request, "customers/sale.html", context)


def _same_sale(request, path: str, token: uuid.UUID | None = None) -> str:
    """``path`` for the same customer as this request (its query), with ``token``."""
    query = request.GET.copy()
    query.pop("t", None)
    if token is not None:
        query["t"] = str(token)
    return f"{path}?{query.urlencode()}" if query else path


def _sale_url(customer, is_new, token=None, name="customers:sale") -> str:
    query = {}
    if customer is not None and customer.pk:
        query["customer"] = customer.pk
    elif customer is None and is_new:
        query["new"] = 1
    if token is not None:
        query["t"] = str(token)
    return f"{reverse(name)}?{urlencode(query)}" if query else reverse(name)


@till_required
@require_POST
def sale_quote(request):
    """The live total (htmx): the lines typed so far, priced as the sale would be."""
    customer = _sale_customer(request)
    if customer is None and request.GET.get("new") == "1":
        customer = Customer(tier=Tier.C)  # a new customer's first sale, not saved
    lines = LineFormSet(request.POST, prefix="lines")
    typed = [LineData(**f.cleaned_data) for f in lines.forms if f.is_valid() and f.cleaned_data]
    quote = quote_sale(customer, typed)
    return render(request, "customers/_sale_quote.html", {"quote": quote, "customer": customer})


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
        "panels": hooks.panels("customer_panels", request, customer),
    }
    return render(request, "customers/detail.html", context)


@writer_required
def customer_edit(request, pk):
    customer = get_visible_or_404(Customer.objects, request.user, pk=pk)
    form = CustomerForm(request.POST or None, instance=customer, user=request.user)
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
