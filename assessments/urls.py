from django.urls import include, path

from .views import (
    action_points,
    calendar,
    caseload,
    certification,
    completion,
    history,
    matrix,
    progress,
    questions,
    review,
    revision,
    sampling,
    sign_off,
    transfer,
    visits,
)

app_name = "assessments"

# Everything under enrolments/<pk>/: the enrolment is obtained through the gate first.
enrolment_patterns = [
    path("progress/", progress.progress, name="progress"),
    path("matrix/", matrix.matrix, name="matrix"),
    path("history/", history.history, name="history"),
    path("complete/", completion.enrolment_complete, name="enrolment_complete"),
    path("move/", transfer.enrolment_move, name="enrolment_move"),
    path("review/<int:evidence_pk>/", review.review, name="review"),
    path("review/<int:evidence_pk>/map/", review.mapping_add, name="mapping_add"),
    path("review/<int:evidence_pk>/accept-all/", review.mapping_accept_all, name="mapping_accept_all"),
    path("review/<int:evidence_pk>/feedback/", review.feedback_post, name="feedback_post"),
    path("review/<int:evidence_pk>/revise/", revision.revise, name="revise"),
    path("review/<int:evidence_pk>/revision/", revision.revision, name="revision"),
    path("mappings/<int:mapping_pk>/accept/", review.mapping_accept, name="mapping_accept"),
    path("mappings/<int:mapping_pk>/refer/", review.mapping_refer, name="mapping_refer"),
    path("mappings/<int:mapping_pk>/remove/", review.mapping_remove, name="mapping_remove"),
    path("items/<int:item_pk>/sign-off/", sign_off.item_sign_off, name="item_sign_off"),
    path("units/<int:unit_pk>/declare/", sign_off.learner_declare, name="learner_declare"),
    path("units/<int:unit_pk>/sign-off/", sign_off.unit_sign_off, name="unit_sign_off"),
    path("unit-sign-offs/<int:sign_off_pk>/sample/", sampling.unit_sample, name="unit_sample"),
    path("unit-sign-offs/<int:sign_off_pk>/countersign/", sampling.countersign, name="countersign"),
    path("unit-sign-offs/<int:sign_off_pk>/refer/", sampling.iqa_refer, name="iqa_refer"),
    path("questions/", questions.questions, name="questions"),
    path("questions/ask/", questions.question_ask, name="question_ask"),
    path("questions/put/", questions.question_put, name="question_put"),
    path("questions/<int:question_pk>/", questions.question_detail, name="question_detail"),
    path("questions/<int:question_pk>/reply/", questions.question_reply, name="question_reply"),
    path("visits/", visits.visits, name="visits"),
    path("visits/plan/", visits.visit_plan, name="visit_plan"),
    path("visits/<int:visit_pk>/notes/", visits.visit_record, name="visit_record"),
    path("visits/<int:visit_pk>/change/", visits.visit_change, name="visit_change"),
    path("visits/<int:visit_pk>/cancel/", visits.visit_cancel, name="visit_cancel"),
    path("action-points/", action_points.action_points, name="action_points"),
    path("action-points/set/", action_points.action_point_set, name="action_point_set"),
    path("action-points/<int:point_pk>/done/", action_points.action_point_done, name="action_point_done"),
]

urlpatterns = [
    path("caseload/", caseload.caseload, name="caseload"),
    path("caseload/review/", caseload.review_queue, name="review_queue"),
    path("quality/sampling/", sampling.sampling, name="sampling"),
    path("calendar/", calendar.calendar, name="calendar"),
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
    path("centres/<int:centre_pk>/certification/", certification.certification, name="certification"),
    path("centres/<int:centre_pk>/certification/claims.csv", certification.claim_csv, name="claim_csv"),
    path("enrolments/<int:pk>/", include(enrolment_patterns)),
]
