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
from crm.params import flag_param, id_param, page_param, text_param
from customers.forms import CaptureForm, ContactForm, CustomerFilterForm, CustomerForm, LineFormSet, SaleForm
from customers.models import ContactLog, Customer, Purchase, PurchaseLine
from customers.services import DuplicateCustomer, LineData, capture_customer, checkout, find_by_mobile
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


@till_required
@require_GET
def till_lookup(request):
    """Live search at the till (htmx): the user's own customers by name, mobile or card
    number; plus, for a full mobile number, the one chain-wide match, masked."""
    text = text_param(request.GET, "q", max_length=100)
    results, elsewhere = [], None
    if text:
        visible = Customer.objects.visible_to(request.user)
        results = list(visible.search(text).select_related("home_store")[:10])
        try:
            mobile = normalise_mobile(text)
        except ValidationError:
            mobile = None
        if mobile and not any(c.mobile == mobile for c in results):
            elsewhere = find_by_mobile(mobile)
    context = {"q": text, "results": results, "elsewhere": elsewhere}
    return render(request, "customers/_till_results.html", context)


def _sale_customer(request) -> Customer | None:
    """The customer a sale is for: one the user sees, or an exact mobile match the
    customer gave at the till (they are standing there)."""
    customer_id = id_param(request.GET, "customer")
    if customer_id is not None:
        return get_visible_or_404(Customer.objects, request.user, pk=customer_id)
    mobile = text_param(request.GET, "mobile", max_length=40)
    if mobile:
        try:
            customer = find_by_mobile(normalise_mobile(mobile))
        except ValidationError:
            customer = None
        if customer is None:
            raise Http404
        return customer
    return None


@till_required
def sale(request):
    store = _till_store(request)
    customer = _sale_customer(request)
    is_new = customer is None and flag_param(request.GET, "new") is True
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


def _render_sale(request, store, customer, form, lines, capture, switched=False):
    context = {
        "store": store,
        "customer": customer,
        "form": form,
        "lines": lines,
        "capture": capture,
        "switched": switched,
        "panels": hooks.panels("till_panels", request, customer) if customer else [],
        "action": _sale_url(customer, capture is not None),
    }
    return render(request, "customers/sale.html", context)


def _sale_url(customer, is_new) -> str:
    url = reverse("customers:sale")
    if customer is not None:
        return f"{url}?customer={customer.pk}" if customer.pk else url
    return f"{url}?new=1" if is_new else url


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
