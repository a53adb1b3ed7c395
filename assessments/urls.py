from django.urls import path

from . import views_caseload, views_centre, views_iqa, views_review, views_signoff, views_support

app_name = "assessments"

E = "enrolments/<int:pk>/"

urlpatterns = [
    path("caseload/", views_caseload.caseload, name="caseload"),
    path("caseload/review/", views_caseload.review_queue, name="review_queue"),
    path("quality/sampling/", views_iqa.sampling, name="sampling"),
    path("centres/<int:centre_pk>/certification/", views_centre.certification, name="certification"),
    path("centres/<int:centre_pk>/certification/claims.csv", views_centre.claim_csv, name="claim_csv"),
    # one enrolment
    path(E + "progress/", views_signoff.portfolio, name="portfolio"),
    path(E + "history/", views_centre.history, name="history"),
    path(E + "review/<int:evidence_pk>/", views_review.review, name="review"),
    path(E + "review/<int:evidence_pk>/map/", views_review.mapping_add, name="mapping_add"),
    path(E + "review/<int:evidence_pk>/feedback/", views_review.feedback_post, name="feedback_post"),
    path(E + "mappings/<int:mapping_pk>/accept/", views_review.mapping_accept, name="mapping_accept"),
    path(E + "mappings/<int:mapping_pk>/refer/", views_review.mapping_refer, name="mapping_refer"),
    path(E + "mappings/<int:mapping_pk>/remove/", views_review.mapping_remove, name="mapping_remove"),
    path(E + "items/<int:item_pk>/sign-off/", views_signoff.item_sign_off, name="item_sign_off"),
    path(E + "units/<int:unit_pk>/declare/", views_signoff.learner_declare, name="learner_declare"),
    path(E + "units/<int:unit_pk>/sign-off/", views_signoff.unit_sign_off, name="unit_sign_off"),
    path(E + "unit-sign-offs/<int:sign_off_pk>/sample/", views_iqa.unit_sample, name="unit_sample"),
    path(E + "unit-sign-offs/<int:sign_off_pk>/countersign/", views_iqa.countersign, name="countersign"),
    path(E + "unit-sign-offs/<int:sign_off_pk>/refer/", views_iqa.iqa_refer, name="iqa_refer"),
    path(E + "questions/", views_support.questions, name="questions"),
    path(E + "questions/ask/", views_support.question_ask, name="question_ask"),
    path(E + "questions/<int:question_pk>/", views_support.question_detail, name="question_detail"),
    path(E + "questions/<int:question_pk>/reply/", views_support.question_reply, name="question_reply"),
    path(E + "visits/", views_support.visits, name="visits"),
    path(E + "visits/plan/", views_support.visit_plan, name="visit_plan"),
    path(E + "visits/<int:visit_pk>/notes/", views_support.visit_record, name="visit_record"),
    path(E + "action-points/", views_support.action_points, name="action_points"),
    path(E + "action-points/set/", views_support.action_point_set, name="action_point_set"),
    path(E + "action-points/<int:point_pk>/done/", views_support.action_point_done, name="action_point_done"),
]
