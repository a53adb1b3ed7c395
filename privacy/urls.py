from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("centres/<int:centre_pk>/erasure/", views.erasure_plan, name="erasure_plan"),
    path("centres/<int:centre_pk>/erasure/run/", views.erasure_run, name="erasure_run"),
    path("centres/<int:centre_pk>/people/<int:person_pk>/data/", views.person_data, name="person_data"),
    path("centres/<int:centre_pk>/people/<int:person_pk>/data/new/", views.person_data_export,
         name="person_data_export"),
    path("personal-data/<int:pk>/status/", views.export_status, name="export_status"),
    path("personal-data/<int:pk>/download/", views.export_download, name="export_download"),
]
