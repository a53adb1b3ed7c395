from django.urls import include, path

from . import views
from .gateway import views as gateway_views
from .reviews import views as reviews

app_name = "apprenticeships"

# Everything under enrolments/<pk>/off-the-job/: the enrolment is obtained through the gate first.
enrolment_patterns = [
    path("", views.otj_log, name="otj_log"),
    path("plan/", views.otj_plan, name="otj_plan"),
    path("entries/add/", views.otj_entry_add, name="otj_entry_add"),
    path("entries/<int:entry_pk>/edit/", views.otj_entry_edit, name="otj_entry_edit"),
    path("entries/<int:entry_pk>/delete/", views.otj_entry_delete, name="otj_entry_delete"),
    path("entries/<int:entry_pk>/verify/", views.otj_entry_verify, name="otj_entry_verify"),
    path("entries/<int:entry_pk>/query/", views.otj_entry_query, name="otj_entry_query"),
]

# Everything under enrolments/<pk>/gateway/: the end-point assessment gateway of a standard.
gateway_patterns = [
    path("", gateway_views.gateway, name="gateway"),
    path("achievements/add/", gateway_views.gateway_achievement_add, name="gateway_achievement_add"),
    path("achievements/<int:achievement_pk>/delete/", gateway_views.gateway_achievement_delete,
         name="gateway_achievement_delete"),
    path("sign/", gateway_views.gateway_sign, name="gateway_sign"),
]

# Everything under enrolments/<pk>/reviews/: progress reviews, their schedule and signatures.
review_patterns = [
    path("", reviews.review_list, name="review_list"),
    path("schedule/", reviews.review_schedule, name="review_schedule"),
    path("new/", reviews.review_new, name="review_new"),
    path("<int:review_pk>/", reviews.review_detail, name="review_detail"),
    path("<int:review_pk>/edit/", reviews.review_edit, name="review_edit"),
    path("<int:review_pk>/sign/", reviews.review_sign, name="review_sign"),
]

urlpatterns = [
    path("enrolments/<int:pk>/off-the-job/", include(enrolment_patterns)),
    path("enrolments/<int:pk>/gateway/", include(gateway_patterns)),
    path("enrolments/<int:pk>/reviews/", include(review_patterns)),
]
