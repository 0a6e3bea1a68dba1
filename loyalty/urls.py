from django.urls import path

from loyalty import views, views_admin, views_vouchers

app_name = "loyalty"

urlpatterns = [
    path("customers/<int:pk>/points/", views.points_history, name="points"),
    path("customers/<int:pk>/redeem/", views.redeem, name="redeem"),
    path("customers/<int:pk>/adjust/", views.adjust, name="adjust"),
    path("customers/<int:pk>/tier/", views.set_tier, name="set_tier"),
    path("customers/<int:pk>/check/", views.check_now, name="check_now"),
    path("customers/<int:pk>/card/", views.card, name="card"),
    path("applications/", views_admin.register, name="register"),
    path("applications/export/", views_admin.register_export, name="register_export"),
    path("applications/<int:pk>/", views_admin.application_detail, name="application"),
    path("applications/<int:pk>/form/", views_admin.application_form, name="application_form"),
    path("applications/<int:pk>/reject/", views_admin.application_reject, name="application_reject"),
    path("applications/<int:pk>/<slug:step>/", views_admin.application_step, name="application_step"),
    path("queue/", views_admin.approval_queue, name="queue"),
    path("queue/approve/", views_admin.approve_selected, name="approve_selected"),
    path("rules/", views_admin.rules, name="rules"),
    path("gifts/", views_admin.gifts, name="gifts"),
    path("gifts/new/", views_admin.gift_edit, name="gift_create"),
    path("gifts/<int:pk>/edit/", views_admin.gift_edit, name="gift_edit"),
    path("benefits/", views_admin.benefits_matrix, name="benefits"),
    path("vouchers/", views_vouchers.overview, name="vouchers"),
    path("vouchers/types/new/", views_vouchers.type_edit, name="voucher_type_create"),
    path("vouchers/types/<int:pk>/edit/", views_vouchers.type_edit, name="voucher_type_edit"),
    path("customers/<int:pk>/vouchers/issue/", views_vouchers.issue, name="voucher_issue"),
]
