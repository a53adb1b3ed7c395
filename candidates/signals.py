"""Signals for later apps, which this app may not import (they connect in their AppConfig.ready())."""

from django.dispatch import Signal

#: Sent with `enrolment` when the planner is about to suggest a completion; each receiver returns unit codes
#: the suggestion should prefer (evidence: units that already have evidence), best first.
preferred_units = Signal()
