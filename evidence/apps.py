from django.apps import AppConfig


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
        listing.register_activity("evidence.submitted", listing.ActivitySource(
            model=self.get_model("EvidenceVersion"), enrolment="item__enrolment_id", at="submitted_at"))

