from django.apps import AppConfig
from django.db.models import Subquery


class EvidenceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evidence"

    def ready(self) -> None:
        from candidates import listing
        from candidates.signals import preferred_units

        from .receivers import units_with_evidence

        # "Suggest a completion" prefers units that already have evidence.
        preferred_units.connect(units_with_evidence, dispatch_uid="evidence.units_with_evidence")
        # "No activity for N days" on the lists of enrolments counts evidence submitted.
        listing.register_activity("evidence.submitted", _last_submission)


def _last_submission() -> Subquery:
    from .reads import last_submission  # when a list asks, not at start-up

    return last_submission()
