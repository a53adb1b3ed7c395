from django.urls import path

from . import views

app_name = "inbox"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:notification_pk>/open/", views.notification_open, name="notification_open"),
    path("<int:notification_pk>/read/", views.notification_read, name="notification_read"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("settings/", views.preferences, name="preferences"),
    path("settings/calendar/new/", views.calendar_token_new, name="calendar_token_new"),
    path("settings/calendar/off/", views.calendar_token_revoke, name="calendar_token_revoke"),
]
