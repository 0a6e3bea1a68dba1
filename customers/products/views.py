"""Head office keeps the product list; the till looks products up."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from crm.access import head_office_required, staff_required
from crm.models import Role
from crm.params import page_param
from customers.products import services
from customers.products.forms import ProductForm, ProductImportForm, ProductSearchForm
from customers.products.models import Product


@head_office_required
def product_list(request):
    search = ProductSearchForm(request.GET or None)
    products = Product.objects.all()
    if search.is_valid() and search.cleaned_data["q"]:
        products = products.matching(search.cleaned_data["q"])
    page = Paginator(products, 50).get_page(page_param(request.GET))
    context = {"search": search, "page": page, "import_form": ProductImportForm()}
    return render(request, "customers/products/list.html", context)


@head_office_required
def product_edit(request, pk=None):
    product = get_object_or_404(Product, pk=pk) if pk is not None else None
    form = ProductForm(request.POST or None, instance=product)
    if request.method == "POST" and form.is_valid():
        product = form.save(commit=False)
        product.updated_by = request.user
        product.save()
        messages.success(request, _("Product %(name)s saved.") % {"name": product.name})
        return redirect("products:list")
    return render(request, "customers/products/form.html", {"form": form, "product": product})


@head_office_required
def product_import(request):
    form = ProductImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.import_products(services.read_workbook(form.cleaned_data["file"]), by=request.user)
        except services.ProductFileError as exc:
            form.add_error("file", str(exc))
    return render(request, "customers/products/import.html", {"form": form, "result": result})


@staff_required(Role.CLERK, Role.MANAGER)
@require_GET
def till_products(request):
    """The till's product lookup (barcode, SKU or part of a name): JSON for static/js/till.js."""
    search = ProductSearchForm(request.GET)
    text = search.cleaned_data["q"] if search.is_valid() else ""
    return JsonResponse({"products": [p.as_line() for p in services.find_for_till(text)]})
