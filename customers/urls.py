from django.urls import path

from customers import views, views_privacy, views_rights, views_serving

app_name = "customers"

urlpatterns = [
    path("till/", views.till, name="till"),
    path("till/lookup/", views.till_lookup, name="till_lookup"),
    path("till/open/", views.till_open, name="till_open"),
    path("till/sale/", views.sale, name="sale"),
    path("till/sale/quote/", views.sale_quote, name="sale_quote"),
    path("till/serve/code/", views_serving.serve_code, name="serve_code"),
    path("till/serve/verify/", views_serving.serve_verify, name="serve_verify"),
    path("customers/", views.customer_list, name="list"),
    path("customers/new/", views.customer_create, name="create"),
    path("customers/<int:pk>/", views.customer_detail, name="detail"),
    path("customers/<int:pk>/edit/", views.customer_edit, name="edit"),
    path("customers/<int:pk>/id-number/", views_privacy.id_number_show, name="id_number"),
    path("customers/<int:pk>/rights/", views_rights.rights_request, name="rights_request"),
    path("customers/<int:pk>/rights/export/", views_rights.rights_export, name="rights_export"),
    path("rights/", views_rights.rights_requests, name="rights_requests"),
    path("rights/retention/", views_rights.retention_page, name="retention"),
    path("rights/<int:pk>/decide/", views_rights.rights_decide, name="rights_decide"),
    path("customers/<int:pk>/consent/", views_privacy.consent_record, name="consent"),
    path("privacy/notice/", views_privacy.privacy_notice, name="privacy_notice"),
    path("privacy/notice/<int:pk>/", views_privacy.privacy_notice, name="privacy_notice_version"),
    path("customers/<int:pk>/shares/new/", views_serving.customer_share, name="share"),
    path("customers/<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("purchases/<int:pk>/", views.purchase_detail, name="purchase"),
]
