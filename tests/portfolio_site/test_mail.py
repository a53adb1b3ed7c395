"""The one mail helper: subject and body from templates, sent once the transaction commits."""

from __future__ import annotations

import pytest
from django.db import transaction

from portfolio_site.mail import send_after_commit

pytestmark = pytest.mark.django_db(transaction=True)

CONTEXT = {"action_point": {"text": "Write <the> statement & send it", "due": None}, "link": "https://x.example/ap/"}


def test_the_email_is_rendered_from_its_templates_and_sent_after_commit(mailoutbox, settings) -> None:
    settings.DEFAULT_FROM_EMAIL = "portfolio@example.org"
    with transaction.atomic():
        send_after_commit(to="cara@example.org", template="assessments/email/action_point_due", context=CONTEXT)
        assert mailoutbox == []
    (message,) = mailoutbox
    assert message.to == ["cara@example.org"] and message.from_email == "portfolio@example.org"
    assert message.subject.startswith("Action point due tomorrow")
    assert message.body == ("Your action point is due tomorrow:\n\nWrite <the> statement & send it\n\n"
                            "Tick it done when it is: https://x.example/ap/\n")


def test_a_rolled_back_change_sends_nothing(mailoutbox) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        send_after_commit(to="cara@example.org", template="assessments/email/action_point_due", context=CONTEXT)
        raise RuntimeError("the change fails")
    assert mailoutbox == []
