from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evidence"

    def ready(self) -> None:
        from candidates.services.plan import PREFERENCE_SOURCES

        from .reads import units_with_evidence

        # "Suggest a completion" prefers units that already have evidence.
        PREFERENCE_SOURCES.append(units_with_evidence)
