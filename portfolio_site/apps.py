from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class PortfolioSiteConfig(AppConfig):
    name = "portfolio_site"
    verbose_name = "Portfolio site"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the deployment checks
        from .celery import ensure_queue_folders

        ensure_queue_folders()


class PortfolioAdminConfig(AdminConfig):
    """Django's admin on our site class, so centre admins can read the catalogue there."""

    default_site = "portfolio_site.admin.PortfolioAdminSite"
