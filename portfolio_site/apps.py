from django.apps import AppConfig


class PortfolioSiteConfig(AppConfig):
    name = "portfolio_site"
    verbose_name = "Portfolio site"

    def ready(self) -> None:
        from .celery import ensure_queue_folders

        ensure_queue_folders()
