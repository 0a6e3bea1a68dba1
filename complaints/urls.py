from django.urls import path

from complaints import views, views_more

app_name = "complaints"

urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("export/", views.complaint_export, name="export"),
    path("new/", views.complaint_create, name="create"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/assign/", views.complaint_assign, name="assign"),
    path("<int:pk>/events/", views.complaint_event, name="event"),
    path("<int:pk>/status/", views.complaint_status, name="status"),
    path("<int:pk>/resolve/", views.complaint_resolve, name="resolve"),
    path("<int:pk>/agreement/", views.complaint_agreement, name="agreement"),
    path("<int:pk>/survey/", views.complaint_survey, name="survey"),
    path("files/<int:pk>/", views.attachment_download, name="attachment"),
    path("purchases/<int:purchase_pk>/return/", views_more.return_create, name="return_create"),
    path("returns/<int:pk>/", views_more.return_detail, name="return_detail"),
    path("notifications/", views_more.notification_list, name="notifications"),
    path("notifications/read/", views_more.notification_read, name="notifications_read"),
    path("analysis/", views_more.analysis_view, name="analysis"),
    path("settings/", views_more.settings_view, name="settings"),
    path("settings/categories/new/", views_more.category_edit, name="category_create"),
    path("settings/categories/<int:pk>/", views_more.category_edit, name="category_edit"),
    path("settings/categories/<int:pk>/deadlines/", views_more.deadlines_edit, name="deadlines"),
    path("settings/departments/new/", views_more.department_edit, name="department_create"),
    path("settings/departments/<int:pk>/", views_more.department_edit, name="department_edit"),
]
