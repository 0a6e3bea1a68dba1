from django.urls import path

from reports import views, views_analysis, views_lists

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("store/", views.store_dashboard, name="store"),
    path("mine/", views.my_figures, name="mine"),
    path("chain/", views.chain_dashboard, name="chain"),
    path("refresh/", views.refresh, name="refresh"),
    path("callbacks/", views_lists.callbacks, name="callbacks"),
    path("purchases/", views_lists.purchases, name="purchases"),
    path("new-customers/", views_lists.new_customers, name="new_customers"),
    path("churn/", views_analysis.churn, name="churn"),
    path("classes/", views_analysis.classes, name="classes"),
    path("evaluation/", views_analysis.evaluation, name="evaluation"),
    path("bands/", views_analysis.bands, name="bands"),
]
