"""Included from crm/urls.py with ``path("", include("customers.urls_spreadsheets"))``."""

from django.urls import path

from customers import views_spreadsheets as views

app_name = "spreadsheets"

urlpatterns = [
    path("customers/export/", views.customer_export, name="customer_export"),
    path("customers/import/", views.import_start, name="import_start"),
    path("customers/import/template/", views.import_template, name="import_template"),
    path("customers/import/<int:pk>/", views.import_detail, name="import_detail"),
    path("customers/import/<int:pk>/status/", views.import_status, name="import_status"),
    path("customers/import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("customers/import/<int:pk>/cancel/", views.import_cancel, name="import_cancel"),
    path("customers/import/<int:pk>/report/", views.import_report, name="import_report"),
]
