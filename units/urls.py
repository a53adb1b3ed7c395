from django.urls import path

from . import views
from .editor import views as spec_views

app_name = "units"

urlpatterns = [
    path("", views.qualification_list, name="qualification_list"),
    # The spec editors' area comes before the catalogue's <code>/ pages, which would otherwise take "specs".
    path("specs/", spec_views.spec_list, name="spec_list"),
    path("specs/upload/", spec_views.spec_upload, name="spec_upload"),
    path("specs/publish/", spec_views.spec_publish, name="spec_publish"),
    path("specs/discard/", spec_views.spec_discard, name="spec_discard"),
    path("specs/<slug:code>/<str:version>/retire/", spec_views.spec_retire, name="spec_retire"),
    path("specs/<slug:code>/<str:version>/reopen/", spec_views.spec_reopen, name="spec_reopen"),
    path("specs/<slug:code>/<str:version>/delete/", spec_views.spec_delete, name="spec_delete"),
    path("<slug:code>/", views.qualification_latest, name="qualification_latest"),
    path("<slug:code>/<str:version>/", views.qualification_detail, name="qualification_detail"),
]
