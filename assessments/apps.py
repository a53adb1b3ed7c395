from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessments"

    def ready(self) -> None:
        from evidence.signals import version_submitted

        from .receivers import evidence_submitted

        # dispatch_uid: ready() may run more than once in tests; the assessor gets one email, not two.
        version_submitted.connect(evidence_submitted, dispatch_uid="assessments.evidence_submitted")
