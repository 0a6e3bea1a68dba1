"""Included from crm/urls.py with ``path("", include("customers.products.urls"))``."""

from django.urls import path

from customers.products import views

app_name = "products"

urlpatterns = [
    path("products/", views.product_list, name="list"),
    path("products/new/", views.product_edit, name="create"),
    path("products/<int:pk>/", views.product_edit, name="edit"),
    path("products/import/", views.product_import, name="import"),
    path("till/products/", views.till_products, name="till_lookup"),
]
