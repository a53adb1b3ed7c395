from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprenticeshipsConfig(AppConfig):
    """Apprenticeship work: the off-the-job training plan and log (placed after assessments, before exports)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "apprenticeships"
    verbose_name = _("Apprenticeships")
