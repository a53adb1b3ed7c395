from django.apps import AppConfig


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
        for model in ("Decision", "ItemSignOff", "UnitSignOff"):
            listing.register_activity(f"assessments.{model}", listing.ActivitySource(
                model=self.get_model(model), enrolment="enrolment_id", at="at"))

