from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("candidates.account_urls")),
    path("", include("candidates.urls")),
    path("qualifications/", include("units.urls")),
    path("", include("evidence.urls")),
    path("", include("assessments.urls_matrix")),
    path("", include("assessments.urls")),
    path("", include("exports.urls")),
    path("admin/", admin.site.urls),
]
