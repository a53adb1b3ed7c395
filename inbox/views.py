"""A person's inbox, and their settings: what is emailed to them, and their calendar feed address.

Each page is the signed-in person's own: a notification of someone else is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from candidates.models import User
from portfolio_site.links import absolute_url

from . import services
from .forms import EmailPreferencesForm
from .models import NoticeKind, Notification

PAGE_SIZE = 20


class SignedInRequest(HttpRequest):
    """A request as these views see it, for the type checker only: `login_required` let a user in."""

    user: User


def _own(request: SignedInRequest, pk: int) -> Notification:
    notification: Notification = get_object_or_404(Notification.objects.filter(recipient=request.user), pk=pk)
    return notification


@login_required
@require_GET
def inbox(request: SignedInRequest) -> HttpResponse:
    """The person's notifications, newest first, twenty a page, the unread ones marked."""
    page = Paginator(Notification.objects.for_person(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inbox/inbox.html", {"page": page})


@login_required
@require_POST
def notification_open(request: SignedInRequest, notification_pk: int) -> HttpResponse:
    """Mark a notification read and go to where it happened."""
    notification = services.mark_read(notification=_own(request, notification_pk))
    if not url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None):
        return redirect("inbox:inbox")
    return redirect(notification.link)


@login_required
@require_POST
def notification_read(request: SignedInRequest, notification_pk: int) -> HttpResponse:
    """Mark one notification read and stay in the inbox."""
    services.mark_read(notification=_own(request, notification_pk))
    messages.success(request, _("Marked as read."))
    return redirect("inbox:inbox")


@login_required
@require_POST
def mark_all_read(request: SignedInRequest) -> HttpResponse:
    """Mark every notification of the person read."""
    count = services.mark_all_read(user=request.user)
    messages.success(request, _("All notifications are marked as read.") if count else _("Nothing was unread."))
    return redirect("inbox:inbox")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: SignedInRequest) -> HttpResponse:
    """Which kinds of event are emailed to the person; their calendar feed address."""
    current = services.preferences_of(request.user)
    if request.method == "POST":
        form = EmailPreferencesForm(request.POST)
        if form.is_valid():
            try:
                services.email_preferences_save(user=request.user, emailed=form.cleaned_data["emailed"])
            except ValidationError as error:
                form.add_error("emailed", error.messages)
            else:
                messages.success(request, _("Your email preferences are saved."))
                return redirect("inbox:preferences")
    else:
        form = EmailPreferencesForm(initial={"emailed": [kind for kind in NoticeKind.values if current.emails(kind)]})
    feed = absolute_url("assessments:calendar_feed", token=current.calendar_token) if current.calendar_token else ""
    return render(request, "inbox/preferences.html", {"form": form, "feed": feed})


@login_required
@require_POST
def calendar_token_new(request: SignedInRequest) -> HttpResponse:
    """A new private calendar address; the old one stops working."""
    services.calendar_token_new(user=request.user)
    messages.success(request, _("Your calendar has a new private address. Any address you used before no longer "
                                "works: subscribe again with the new one."))
    return redirect("inbox:preferences")


@login_required
@require_POST
def calendar_token_revoke(request: SignedInRequest) -> HttpResponse:
    """Turn the calendar feed off."""
    services.calendar_token_revoke(user=request.user)
    messages.success(request, _("Your calendar feed is turned off; its address no longer works."))
    return redirect("inbox:preferences")
