"""Completing an enrolment: only when the rules engine says its achieved units earn the full qualification.

The status change itself is the candidates app's (`candidates.services.complete`); it lives
behind this check here because only this app knows which units are achieved.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from candidates import services as candidate_services
from candidates.models import Enrolment, User

from .. import reads
from .locks import lock_enrolment


@transaction.atomic
def enrolment_complete(*, enrolment: Enrolment, by: User, reason: str) -> Enrolment:
    """Mark an active enrolment completed, with who, when and why, once its achieved units earn the qualification.

    Afterwards it is read-only for good; its portfolio stays readable and exportable.
    """
    # Under the enrolment's lock no sign-off, sample or referral can change what is achieved meanwhile.
    enrolment = lock_enrolment(enrolment)
    eligibility = reads.eligibility_of(enrolment)
    if not eligibility.full:
        raise ValidationError(
            gettext("This enrolment cannot be completed yet: the achieved units do not earn the qualification. "
                    "%(summary)s") % {"summary": eligibility.summary},
            code="not_eligible",
        )
    return candidate_services.complete(enrolment=enrolment, by=by, reason=reason)
