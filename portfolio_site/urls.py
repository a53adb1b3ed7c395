from django.contrib import admin
from django.urls import include, path

from candidates.urls import account_urlpatterns

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard_choose, name="dashboard_choose"),
    path("centres/<int:centre_pk>/dashboard/", views.centre_dashboard, name="centre_dashboard"),
    path("centres/<int:centre_pk>/dashboard/refresh/", views.centre_dashboard_refresh, name="centre_dashboard_refresh"),
    path("accounts/", include(account_urlpatterns)),
    path("", include("candidates.urls")),
    path("", include("signin.urls")),
    path("qualifications/", include("units.urls")),
    path("", include("evidence.urls")),
    path("", include("assessments.urls")),
    path("", include("apprenticeships.urls")),
    path("", include("exports.urls")),
    path("", include("privacy.urls")),
    path("inbox/", include("inbox.urls")),
    path("admin/", admin.site.urls),
]
