from collections.abc import Callable

from django.apps import AppConfig
from django.db.models import Subquery


class AssessmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessments"

    def ready(self) -> None:
        from candidates import listing
        from candidates.signals import assessed_work as assessed_work_signal
        from evidence.signals import version_submitted

        from .receivers import assessed_work, evidence_submitted

        # dispatch_uid: ready() may run more than once in tests; the assessor gets one email, not two.
        version_submitted.connect(evidence_submitted, dispatch_uid="assessments.evidence_submitted")
        # Dropping a unit with signed-off work from the plan asks the candidate first.
        assessed_work_signal.connect(assessed_work, dispatch_uid="assessments.assessed_work")
        # "No activity for N days" on the lists of enrolments counts decisions and sign-offs.
        # The reads are imported when a list asks, not at start-up.
        for name in ("last_decision", "last_item_sign_off", "last_unit_sign_off"):
            listing.register_activity(f"assessments.{name}", _lazy_read(name))


def _lazy_read(name: str) -> Callable[[], Subquery]:
    def source() -> Subquery:
        from . import reads

        return getattr(reads, name)()

    return source
