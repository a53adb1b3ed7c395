from django.urls import path

from . import views

app_name = "signin"

urlpatterns = [
    path("accounts/two-step/", views.two_step, name="two_step"),
    path("accounts/two-step/code/", views.two_step_code, name="two_step_code"),
    path("accounts/two-step/set-up/", views.two_step_setup, name="two_step_setup"),
    path("accounts/two-step/remove/", views.two_step_remove, name="two_step_remove"),
    path("accounts/two-step/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("accounts/two-step/recovery-codes/new/", views.recovery_codes_renew, name="recovery_codes_renew"),
    path("accounts/login/organisation/", views.organisation, name="organisation"),
    path("accounts/login/organisation/callback/", views.oidc_callback, name="oidc_callback"),
    path("accounts/login/organisation/<int:centre_pk>/", views.oidc_start, name="oidc_start"),
    path("centres/<int:centre_pk>/sign-in/", views.centre_sign_in, name="centre_sign_in"),
]
