from django.urls import path

from . import views, views_tus

app_name = "evidence"

urlpatterns = [
    path("enrolments/<int:pk>/evidence/", views.library, name="library"),
    path("enrolments/<int:pk>/evidence/new/", views.create, name="create"),
    path("evidence/<int:pk>/", views.detail, name="detail"),
    path("evidence/<int:pk>/versions/<int:number>/", views.version_detail, name="version_detail"),
    path("evidence/<int:pk>/edit/", views.edit, name="edit"),
    path("evidence/<int:pk>/files/", views.upload, name="upload"),
    path("evidence/<int:pk>/mapping/", views.mapping, name="mapping"),
    path("evidence/<int:pk>/submit/", views.submit, name="submit"),
    path("evidence/<int:pk>/revise/", views.revise, name="revise"),
    path("evidence/<int:pk>/witness/send/", views.witness_send, name="witness_send"),
    path("evidence/files/<int:pk>/", views.file_download, name="file_download"),
    path("evidence/files/<int:pk>/preview/", views.file_preview, name="file_preview"),
    path("evidence/files/<int:pk>/remove/", views.file_remove, name="file_remove"),
    # Resumable uploads (tus): start one on an item's draft, then continue it at its own address.
    path("evidence/<int:pk>/uploads/", views_tus.create, name="tus_create"),
    path("evidence/uploads/<uuid:token>/", views_tus.upload, name="tus_upload"),
    path("witness/testimonies/<int:pk>/", views.witness_confirm_signed_in, name="witness_confirm_signed_in"),
    path("witness/<str:token>/", views.witness_confirm, name="witness_confirm"),
]
