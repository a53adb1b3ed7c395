from django.contrib.auth import views as auth_views
from django.urls import include, path

from .forms.accounts import SignInForm
from .views import accounts, centres, enrolment, invitations, plan, staff

app_name = "candidates"

#: Sign in, sign out, password change and reset, the invitation link: Django's auth views with our templates.
#: Included without a namespace, because Django's auth views and templates refer to these names bare.
account_urlpatterns = [
    path("login/", auth_views.LoginView.as_view(authentication_form=SignInForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", accounts.ThrottledPasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("welcome/<uidb64>/<token>/", accounts.SetPasswordView.as_view(), name="set_password"),
    path("language/", accounts.language_set, name="language_set"),
]

centre_patterns = [
    path("enrolments/", centres.enrolment_list, name="enrolment_list"),
    path("enrolments/new/", centres.enrolment_create, name="enrolment_create"),
    path("enrolments/upload/", centres.enrolment_upload, name="enrolment_upload"),
    path("enrolments/upload/confirm/", centres.enrolment_upload_confirm, name="enrolment_upload_confirm"),
    path("staff/", staff.staff_list, name="staff_list"),
    path("staff/invite/", staff.staff_invite, name="staff_invite"),
    path("staff/<int:person_pk>/", staff.staff_detail, name="staff_detail"),
    path("staff/<int:person_pk>/roles/", staff.staff_roles, name="staff_roles"),
    path("staff/<int:person_pk>/deactivate/", staff.staff_deactivate, name="staff_deactivate"),
    path("staff/<int:person_pk>/reactivate/", staff.staff_reactivate, name="staff_reactivate"),
    path("staff/<int:person_pk>/caseload/", staff.staff_handover, name="staff_handover"),
    path("safeguarding/", centres.centre_safeguarding, name="centre_safeguarding"),
]

enrolment_patterns = [
    path("", enrolment.enrolment_detail, name="enrolment_detail"),
    path("reassign-assessor/", enrolment.enrolment_reassign_assessor, name="enrolment_reassign_assessor"),
    path("reassign-iqa/", enrolment.enrolment_reassign_iqa, name="enrolment_reassign_iqa"),
    path("pause/", enrolment.enrolment_pause, name="enrolment_pause"),
    path("resume/", enrolment.enrolment_resume, name="enrolment_resume"),
    path("withdraw/", enrolment.enrolment_withdraw, name="enrolment_withdraw"),
    path("employer-contacts/", enrolment.employer_contact_name, name="employer_contact_name"),
    path("employer-contacts/<int:contact_pk>/remove/", enrolment.employer_contact_remove,
         name="employer_contact_remove"),
    path("self-assessment/", plan.self_assessment, name="self_assessment"),
    path("units/", plan.unit_choice, name="unit_choice"),
    path("units/check/", plan.unit_choice_check, name="unit_choice_check"),
    path("units/suggest/", plan.unit_choice_suggest, name="unit_choice_suggest"),
    path("units/save/", plan.unit_choice_save, name="unit_choice_save"),
    path("units/save/drop/", plan.unit_choice_drop, name="unit_choice_drop"),
]

invitation_patterns = [
    path("", invitations.invitation_detail, name="invitation_detail"),
    path("accept/", invitations.invitation_accept, name="invitation_accept"),
    path("decline/", invitations.invitation_decline, name="invitation_decline"),
]

urlpatterns = [
    path("centres/", centres.centre_list, name="centre_list"),
    path("invitations/<str:token>/", include(invitation_patterns)),
    path("centres/<int:centre_pk>/", include(centre_patterns)),
    path("enrolments/<int:pk>/", include(enrolment_patterns)),
]
