from django.urls import path

from marketing import views, views_events, views_gifts

app_name = "marketing"

urlpatterns = [
    path("segments/", views.segment_list, name="segments"),
    path("segments/new/", views.segment_create, name="segment_create"),
    path("segments/count/", views.segment_count, name="segment_count"),
    path("segments/<int:pk>/", views.segment_detail, name="segment"),
    path("segments/<int:pk>/edit/", views.segment_edit, name="segment_edit"),
    path("segments/<int:pk>/customers.xlsx", views.segment_export, name="segment_export"),
    path("", views.campaign_list, name="campaigns"),
    path("new/", views.campaign_create, name="campaign_create"),
    path("preview/", views.campaign_preview, name="campaign_preview"),
    path("<int:pk>/", views.campaign_detail, name="campaign"),
    path("<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("<int:pk>/submit/", views.campaign_submit, name="campaign_submit"),
    path("<int:pk>/cancel/", views.campaign_cancel, name="campaign_cancel"),
    path("<int:pk>/approve/", views.campaign_approve, name="campaign_approve"),
    path("<int:pk>/reject/", views.campaign_decline, {"how": "reject"}, name="campaign_reject"),
    path("<int:pk>/send-back/", views.campaign_decline, {"how": "send_back"}, name="campaign_send_back"),
    path("<int:pk>/results.xlsx", views.campaign_export, name="campaign_export"),
    path("holiday-gifts/", views_gifts.holiday_gifts, name="holiday_gifts"),
    path("holiday-gifts.xlsx", views_gifts.holiday_gifts_export, name="holiday_gifts_export"),
    path("events/", views_events.event_list, name="events"),
    path("events/new/", views_events.event_edit, name="event_create"),
    path("events/<int:pk>/", views_events.event_detail, name="event"),
    path("events/<int:pk>/edit/", views_events.event_edit, name="event_edit"),
    path("events/<int:pk>/invite/", views_events.event_invite, name="event_invite"),
    path("events/<int:pk>/check-in/", views_events.event_check_in, name="event_check_in"),
    path("events/<int:pk>/invitations/<int:invitation>/", views_events.invitation_answer, name="invitation_answer"),
    path("events/check-in/<int:invitation>/", views_events.till_check_in, name="till_check_in"),
]
