from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from candidates.models import Enrolment


class ApprenticeshipsConfig(AppConfig):
    """Apprenticeship work: the off-the-job training plan and log (placed after assessments, before exports)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "apprenticeships"
    verbose_name = _("Apprenticeships")

    def ready(self) -> None:
        from candidates import listing

        # "Behind plan" on the lists of enrolments includes falling behind on off-the-job hours.
        listing.register_behind("apprenticeships.otj", _behind_in)


def _behind_in(enrolments: QuerySet[Enrolment], today: datetime.date) -> frozenset[int]:
    from .reads import behind_within  # when a list asks, not at start-up

    return behind_within(enrolments, today)
