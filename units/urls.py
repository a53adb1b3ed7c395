from django.urls import path

from . import views

app_name = "units"

urlpatterns = [
    path("", views.qualification_list, name="qualification_list"),
    path("<slug:code>/", views.qualification_latest, name="qualification_latest"),
    path("<slug:code>/<str:version>/", views.qualification_detail, name="qualification_detail"),
]
