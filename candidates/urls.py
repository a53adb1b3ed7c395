from django.urls import path

from . import views, views_plan

app_name = "candidates"

urlpatterns = [
    path("centres/", views.centre_list, name="centre_list"),
    path("centres/<int:centre_pk>/enrolments/", views.enrolment_list, name="enrolment_list"),
    path("centres/<int:centre_pk>/enrolments/new/", views.enrolment_create, name="enrolment_create"),
    path("centres/<int:centre_pk>/enrolments/upload/", views.enrolment_upload, name="enrolment_upload"),
    path(
        "centres/<int:centre_pk>/enrolments/upload/confirm/",
        views.enrolment_upload_confirm,
        name="enrolment_upload_confirm",
    ),
    path("enrolments/<int:pk>/", views.enrolment_detail, name="enrolment_detail"),
    path(
        "enrolments/<int:pk>/reassign-assessor/", views.enrolment_reassign_assessor,
        name="enrolment_reassign_assessor",
    ),
    path("enrolments/<int:pk>/reassign-iqa/", views.enrolment_reassign_iqa, name="enrolment_reassign_iqa"),
    path("enrolments/<int:pk>/pause/", views.enrolment_pause, name="enrolment_pause"),
    path("enrolments/<int:pk>/resume/", views.enrolment_resume, name="enrolment_resume"),
    path("enrolments/<int:pk>/withdraw/", views.enrolment_withdraw, name="enrolment_withdraw"),
    path("enrolments/<int:pk>/self-assessment/", views_plan.self_assessment, name="self_assessment"),
    path("enrolments/<int:pk>/units/", views_plan.unit_choice, name="unit_choice"),
    path("enrolments/<int:pk>/units/check/", views_plan.unit_choice_check, name="unit_choice_check"),
    path("enrolments/<int:pk>/units/suggest/", views_plan.unit_choice_suggest, name="unit_choice_suggest"),
    path("enrolments/<int:pk>/units/save/", views_plan.unit_choice_save, name="unit_choice_save"),
]
