"""Independent decisions (DESIGN.md): nobody judges their own enrolment, no IQA reviews their own sign-off.

The gate already gives a person only the candidate relation on their own enrolment
(candidates/access.py); the services refuse the same acts again, so no other caller
(a task, a command, a future view) can slip past it.

An assessor's own record (observation, professional discussion, questioning) is accepted for its claims in its
author's name when they submit it (decisions.own_record_accept): it records the candidate's work as the author
saw it, so its items count as assessed by the author; it goes through `_decide`, where `refuse_own_enrolment`
still stands, and only someone who holds ``judge`` on the enrolment has it accepted.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from candidates.models import Enrolment, User

from ..models import UnitSignOff


def refuse_own_enrolment(*, enrolment: Enrolment, by: User) -> None:
    """Refuse a judging act (decide, sign off, sample, countersign, refer) by the enrolment's own candidate."""
    if by.pk == enrolment.candidate_id:
        raise ValidationError(
            _("This is your own portfolio: you cannot judge, sign off or quality-assure it. "
              "Another assessor and IQA of your centre do that."),
            code="own_enrolment",
        )


def refuse_own_sign_off(*, sign_off: UnitSignOff, by: User) -> None:
    """Refuse an IQA's review (sample, countersign, refer back) of a unit sign-off they made themselves."""
    refuse_own_enrolment(enrolment=sign_off.enrolment, by=by)
    if sign_off.by_id == by.pk:
        raise ValidationError(
            _("You signed this unit off yourself as assessor: another IQA must sample, countersign or refer it."),
            code="own_sign_off",
        )
