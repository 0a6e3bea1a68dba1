from django.urls import path

from distributors import views, views_dash, views_import

app_name = "distributors"

urlpatterns = [
    path("", views.account_list, name="list"),
    path("new/", views.account_create, name="create"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/edit/", views.account_edit, name="edit"),
    path("<int:pk>/move/", views.account_move, name="move"),
    path("<int:pk>/reassign/", views.reassign, name="reassign"),
    path("<int:pk>/add/<slug:section>/", views.add_row, name="add"),
    path("<int:pk>/contracts/<int:contract>/<slug:step>/", views.contract_step, name="contract_step"),
    path("<int:pk>/shipments/<int:shipment>/arrived/", views.shipment_arrived, name="shipment_arrived"),
    path("board/", views_dash.board, name="board"),
    path("dashboard/", views_dash.dashboard, name="dashboard"),
    path("payments/", views_dash.payments, name="payments"),
    path("pick-ups/", views_dash.pick_ups, name="pick_ups"),
    path("shipments/", views_dash.shipments, name="shipments"),
    path("contracts/", views_dash.contracts, name="contracts"),
    path("rhythm/", views_dash.rhythm, name="rhythm"),
    path("export/", views_dash.export, name="export"),
    path("import/", views_import.upload, name="import"),
    path("import/<int:pk>/", views_import.preview, name="import_preview"),
    path("import/<int:pk>/confirm/", views_import.confirm, name="import_confirm"),
    path("import/<int:pk>/report/", views_import.report, name="import_report"),
]
