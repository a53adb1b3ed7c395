from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("enrolments/<int:pk>/exports/", views.export_list, name="export_list"),
    path("enrolments/<int:pk>/exports/new/", views.export_create, name="export_create"),
    path("enrolments/<int:pk>/gateway-pack/", views.gateway_packs, name="gateway_packs"),
    path("enrolments/<int:pk>/gateway-pack/new/", views.gateway_pack_create, name="gateway_pack_create"),
    path("exports/<int:pk>/status/", views.export_status, name="export_status"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("exports/<int:pk>/retry/", views.export_retry, name="export_retry"),
]

urlpatterns += [
    path("centres/<int:centre_pk>/reports/", views.report_list, name="report_list"),
    path("centres/<int:centre_pk>/reports/new/", views.report_create, name="report_create"),
    path("reports/<int:pk>/status/", views.report_status, name="report_status"),
    path("reports/<int:pk>/download/", views.report_download, name="report_download"),
]
