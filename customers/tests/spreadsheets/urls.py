"""The project's URLs plus the spreadsheet views, until crm/urls.py includes them."""

from django.urls import include, path

from crm.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("", include("customers.urls_spreadsheets")), *project_urlpatterns]
