"""The one way the system sends email: a subject and a plain-text body rendered from templates, after commit.

`templates/<app>/email/<name>_subject.txt` and `<name>_body.txt`, rendered at the call
(inside the transaction that caused the email, with what it saw) and sent once that
transaction commits: a rolled-back change sends nothing. An email is written in the
language its recipient chose (their account's `language`), else the site's. Imports no
app of ours, so that every app may import it.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def render_email(template: str, context: Mapping[str, object]) -> tuple[str, str]:
    """The subject (one line) and body of the email `template`, e.g. "assessments/email/decision_made"."""
    subject = " ".join(render_to_string(f"{template}_subject.txt", dict(context)).split())
    body = render_to_string(f"{template}_body.txt", dict(context))
    return subject, body


def recipient_language(email: str) -> str:
    """The language to write to `email` in: the one its account chose, else the site's default."""
    chosen = (get_user_model().objects.filter(email__iexact=email.strip()).exclude(language="")
              .values_list("language", flat=True).first())
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def send_after_commit(*, to: str, template: str, context: Mapping[str, object]) -> None:
    """Render the email `template` now, in the recipient's language; send it to `to` once the current
    transaction commits (at once outside one)."""
    with translation.override(recipient_language(to)):
        subject, body = render_email(template, context)
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to]))
