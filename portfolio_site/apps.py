import sqlite3
from typing import Any

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.db.backends.signals import connection_created


def sqlite_query_parameters(sender: object, connection: Any, **kwargs: object) -> None:
    """Batch bulk inserts by the SQLite library's own limit on query parameters.

    Django 5.2 assumes the historic limit of 999 and splits a thousand-row insert into a
    dozen or more; SQLite since 3.32 allows 32,766 by default, and says so.
    """
    if connection.vendor == "sqlite":
        connection.features.max_query_params = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


class PortfolioSiteConfig(AppConfig):
    name = "portfolio_site"
    verbose_name = "Portfolio site"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the deployment checks
        from .celery import ensure_queue_folders

        ensure_queue_folders()
        connection_created.connect(sqlite_query_parameters, dispatch_uid="sqlite_query_parameters")


class PortfolioAdminConfig(AdminConfig):
    """Django's admin on our site class, so centre admins can read the catalogue there."""

    default_site = "portfolio_site.admin.PortfolioAdminSite"
