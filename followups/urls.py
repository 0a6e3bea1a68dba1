from django.urls import path

from followups import views

app_name = "followups"

urlpatterns = [
    path("", views.today, name="today"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/outcome/", views.outcome, name="outcome"),
    path("tasks/<int:pk>/propose/", views.propose, name="propose"),
    path("tasks/<int:pk>/reschedule/", views.reschedule, name="reschedule"),
    path("tasks/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("tasks/<int:pk>/reassign/", views.reassign, name="reassign"),
    path("reassign/", views.reassign_all, name="reassign_all"),
    path("customers/<int:pk>/", views.customer_plan, name="plan"),
    path("customers/<int:pk>/add/", views.add_task, name="add_task"),
    path("customers/<int:pk>/opt-out/", views.opt_out, name="opt_out"),
    path("completion/", views.completion, name="completion"),
    path("completion/export/", views.completion_export, name="completion_export"),
    path("outbox/", views.outbox_list, name="outbox"),
    path("rules/", views.rules, name="rules"),
    path("rules/new/", views.rule_edit, name="rule_new"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("templates/new/", views.template_edit, name="template_new"),
    path("templates/<int:pk>/", views.template_edit, name="template_edit"),
    path("templates/preview/", views.template_preview, name="template_preview"),
    path("holidays/", views.holidays, name="holidays"),
    path("sms/inbound/", views.inbound, name="inbound"),
]
