from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from api import v1
from crm import views, views_audit, views_help, views_security

handler400 = "crm.views.bad_request"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("help/", views_help.help_page, name="help"),
    path("help/img/<str:name>", views_help.help_image, name="help_image"),
    path("help/<slug:page>/", views_help.help_page, name="help_page"),
    path("audit/", views_audit.audit_page, name="audit"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("login/second-step/", views_security.two_factor_verify, name="two_factor_verify"),
    path("login/second-step/setup/", views_security.two_factor_setup, name="two_factor_setup"),
    path("sessions/end-others/", views_security.end_my_other_sessions, name="end_my_other_sessions"),
    path("staff/", views_security.staff_list, name="staff"),
    path("staff/<int:pk>/unlock/", views_security.staff_unlock, name="staff_unlock"),
    path("staff/<int:pk>/end-sessions/", views_security.staff_end_sessions, name="staff_end_sessions"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("customers.urls")),
    path("", include("customers.urls_spreadsheets")),
    path("", include("customers.products.urls")),
    path("loyalty/", include("loyalty.urls")),
    path("followups/", include("followups.urls")),
    path("complaints/", include("complaints.urls")),
    path("distributors/", include("distributors.urls")),
    path("reports/", include("reports.urls")),
    path("marketing/", include("marketing.urls")),
    path("api/v1/", v1.api.urls),
    path("pos/", include("api.urls")),
]
