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
from django.views.decorators.http import require_POST

from crm import hooks
from crm.access import get_visible_or_404, require_profile, staff_required, writer_required
from crm.models import Role, Store
from crm.params import flag_param, id_param, page_param, text_param
from customers.forms import CaptureForm, ContactForm, CustomerFilterForm, CustomerForm, LineFormSet, SaleForm
from customers.models import ContactLog, Customer, Purchase, PurchaseLine, Tier
from customers.privacy import access_log, changes, consent, rights, serving
from customers.privacy.forms import TillLookupForm
from customers.products.services import quick_picks
from customers.services import (
    DuplicateCustomer,
    LineData,
    capture_customer,
    checkout,
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
    """The till search's context: the user's own customers by name, part of a mobile or
    card number; for a full mobile number of another store's customer, only a masked name
    and tier. ``exact``: the one own customer whose mobile or card number is ``text``."""
    search = serving.till_search(request.user, _till_store(request), text)
    elsewhere = search.elsewhere
    try:
        mobile = normalise_mobile(text)
    except ValidationError:
        mobile = None
    key = text.strip().lower()
    matches = [c for c in search.results if (mobile and c.mobile == mobile) or (c.card_number or "").lower() == key]
    return {
        "q": text,
        "results": search.results,
        "elsewhere": elsewhere,
        "limited": search.limited,
        "elsewhere_token": serving.elsewhere_token(elsewhere, request.user) if elsewhere else "",
        "exact": matches[0] if len(matches) == 1 else None,
    }


@till_required
@require_POST
def till_lookup(request):
    """Live search at the till (htmx, by POST: a number typed never goes in an address)."""
    return render(request, "customers/_till_results.html", _lookup(request, TillLookupForm(request.POST).text()))


@till_required
@require_POST
def till_open(request):
    """Enter in the till search (or a scanned card: digits, then Enter): an exact mobile
    or card number of the user's own customer opens the sale; anything else shows the
    matches, as typing does."""
    found = _lookup(request, TillLookupForm(request.POST).text())
    if found["exact"] is not None:
        return redirect(_sale_url(found["exact"], False, token=uuid.uuid4()))
    return render(request, "customers/till.html", {"store": _till_store(request), **found})


def _sale_customer(request, store) -> tuple[Customer | None, str]:
    """The customer a sale is for, and the serving token when they are another store's
    customer this clerk verified with an SMS code (the token, not the number, is in the address)."""
    token = text_param(request.GET, "serve")
    if token:
        customer = serving.customer_for_sale(token, request.user, store)
        if customer is None:
            raise Http404
        return customer, token
    customer_id = id_param(request.GET, "customer")
    if customer_id is not None:
        customer = Customer.objects.one_visible_to(request.user, customer_id)
        if customer is None:
            raise Http404
        return customer, ""
    return None, ""


def _sale_token(request) -> uuid.UUID | None:
    """The sale's token from the address: the idempotency key its form is recorded with,
    so a page the browser brings back (Back, a reload) resubmits the same key."""
    try:
        return uuid.UUID(request.GET.get("t", ""))
    except ValueError:
        return None


@till_required
def sale(request):
    store = _till_store(request)
    customer, serve_token = _sale_customer(request, store)
    is_new = customer is None and flag_param(request.GET, "new") is True
    token = _sale_token(request)
    if request.method == "GET" and token is None:
        return redirect(_same_sale(request, reverse("customers:sale"), uuid.uuid4()))
    form = SaleForm(request.POST or None, initial={"idempotency_key": token})
    lines = LineFormSet(request.POST or None, prefix="lines")
    capture = CaptureForm(request.POST or None, prefix="new") if is_new else None
    if request.method == "POST":
        return _record_sale(request, store, customer, form, lines, capture, serve_token)
    return _render_sale(request, store, customer, form, lines, capture, serve_token=serve_token)


def _record_sale(request, store, customer, form, lines, capture, serve_token):
    """The POST of the sale form: the receipt, or the form again with what to mend."""
    if not (form.is_valid() & lines.is_valid() & (capture.is_valid() if capture else True)):
        recorded = recorded_sale(form.cleaned_data.get("idempotency_key"))
        if recorded is not None:
            # The token was used: Back and submit again (even with the lines gone) records nothing.
            messages.info(request, _("This sale was already recorded; here is its receipt."))
            return redirect("customers:purchase", pk=recorded.pk)
        return _render_sale(request, store, customer, form, lines, capture, serve_token=serve_token)
    # A valid form's token is checked by the sale itself (checkout): once, not twice.
    try:
        purchase, created = checkout(
            store=store,
            clerk=request.user,
            lines=[LineData(**f.cleaned_data) for f in lines.forms if f.cleaned_data],
            customer=customer,
            new_customer=capture.customer_fields() if capture else None,
            receipt_number=form.cleaned_data["receipt_number"],
            idempotency_key=form.cleaned_data["idempotency_key"],
            note=form.cleaned_data["note"],
            voucher_code=form.cleaned_data["voucher_code"],
        )
    except DuplicateCustomer as exc:
        return _duplicate_mobile(request, store, exc.customer, form, lines, capture)
    except ValidationError as exc:
        form.add_error("voucher_code" if exc.code == "voucher" else None, exc)
        return _render_sale(request, store, customer, form, lines, capture, serve_token=serve_token)
    if not created:
        messages.info(request, _("This sale was already recorded; here is its receipt."))
    return redirect("customers:purchase", pk=purchase.pk)


def _duplicate_mobile(request, store, existing, form, lines, capture):
    """Never a second file for one mobile: switch the sale to the existing customer and
    let the clerk confirm; the lines typed are kept. Another store's customer is served
    only with their SMS code."""
    if not Customer.objects.visible_to(request.user).filter(pk=existing.pk).exists():
        capture.add_error(
            "mobile",
            _("This mobile number belongs to a customer of another store: look it up at the till to serve them."),
        )
        return _render_sale(request, store, None, form, lines, capture)
    messages.warning(
        request,
        _("This mobile number already belongs to %(name)s: the sale is now for that customer. Check and submit again.")
        % {"name": existing.masked_name()},
    )
    return _render_sale(request, store, existing, form, lines, None, switched=True)


def _render_sale(request, store, customer, form, lines, capture, switched=False, serve_token=""):
    serving_elsewhere = bool(serve_token)
    token = _sale_token(request) or form["idempotency_key"].value()
    here = not switched  # a switched sale is for the customer the mobile belongs to
    context = {
        "serving_elsewhere": serving_elsewhere,
        "store": store,
        "customer": customer,
        "form": form,
        "lines": lines,
        "capture": capture,
        "switched": switched,
        "recorded": Purchase.objects.filter(idempotency_key=token, store=store).first()
        if request.method == "GET"
        else None,
        "panels": hooks.panels("till_panels", request, customer) if customer and not serving_elsewhere else [],
        "action": _same_sale(request, reverse("customers:sale"), token)
        if here
        else _sale_url(customer, False, serve_token, token),
        "quote_url": _same_sale(request, reverse("customers:sale_quote"))
        if here
        else _sale_url(customer, False, serve_token, name="customers:sale_quote"),
        "quick_picks": quick_picks(store),
    }
    return render(request, "customers/sale.html", context)


SALE_KEYS = ("customer", "serve", "new")  # what says whom a sale is for; nothing else is carried over


def _same_sale(request, path: str, token: uuid.UUID | None = None) -> str:
    """``path`` for the same customer as this request (its query), with ``token``."""
    query = {key: text_param(request.GET, key) for key in SALE_KEYS if request.GET.get(key)}
    if token is not None:
        query["t"] = str(token)
    return f"{path}?{urlencode(query)}" if query else path


def _sale_url(customer, is_new, serve_token="", token=None, name="customers:sale") -> str:
    query = {}
    if serve_token:
        query["serve"] = serve_token
    elif customer is not None and customer.pk:
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
    store = _till_store(request)
    customer, _serve = _sale_customer(request, store)
    if customer is None and flag_param(request.GET, "new") is True:
        customer = Customer(tier=Tier.C)  # a new customer's first sale, not saved
    lines = LineFormSet(request.POST, prefix="lines")
    typed = [LineData(**f.cleaned_data) for f in lines.forms if f.is_valid() and f.cleaned_data]
    code = text_param(request.POST, "voucher_code")
    quote = quote_sale(customer, typed, store=store, voucher_code=code)
    return render(request, "customers/_sale_quote.html", {"quote": quote, "customer": customer})


@staff_required()
def customer_list(request):
    filters = CustomerFilterForm(request.GET or None, user=request.user)
    customers = filters.filter(Customer.objects.visible_to(request.user)).select_related("home_store")
    page = Paginator(customers, 25).get_page(page_param(request.GET))
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
    access_log.profile_viewed(request.user, customer)
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
        "consents": consent.history(customer)[:20],
        "can_record_consent": customer.consent_recordable_by(request.user),
        "change_log": changes.change_log(customer, request.user),
        "can_show_id_number": customer.identity_editable_by(request.user),
        "rights": rights.panel(customer, request.user),
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
        customer = changes.save_edit(form, by=request.user)
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
