from django.urls import path

from . import views_matrix

app_name = "tracking"

urlpatterns = [
    path("enrolments/<int:pk>/matrix/", views_matrix.matrix, name="matrix"),
]
