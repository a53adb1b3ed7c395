"""Signals for later apps, which this app may not import (assessments connects in its AppConfig.ready())."""

from django.dispatch import Signal

#: Sent with `version` inside version_submit()'s transaction, after the
#: version and its audit record are saved: a receiver's own writes commit or roll back with the submission.
version_submitted = Signal()
