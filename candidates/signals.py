"""Signals for later apps, which this app may not import (they connect in their AppConfig.ready())."""

from django.dispatch import Signal

#: Sent with `enrolment` when the planner is about to suggest a completion; each receiver returns unit codes
#: the suggestion should prefer (evidence: units that already have evidence), best first.
preferred_units = Signal()

#: Sent with `enrolment` and `codes` (the units about to leave its plan) before a plan is saved; each receiver
#: returns {unit code: what becomes of the unit's assessed work if it is dropped, in words} for the units among
#: `codes` that have assessed work (assessments: sign-offs). The candidate is asked to confirm before it is saved.
assessed_work = Signal()
