from django.urls import path

from api import views, views_import

app_name = "pos"

urlpatterns = [
    path("keys/", views.keys, name="keys"),
    path("keys/<int:pk>/revoke/", views.key_revoke, name="key_revoke"),
    path("webhooks/", views.webhooks, name="webhooks"),
    path("webhooks/<int:pk>/", views.webhook_detail, name="webhook"),
    path("webhooks/<int:pk>/deactivate/", views.webhook_deactivate, name="webhook_deactivate"),
    path("imports/", views_import.imports, name="imports"),
    path("imports/<int:pk>/", views_import.import_detail, name="import"),
    path("imports/<int:pk>/confirm/", views_import.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/report/", views_import.import_report, name="import_report"),
]
