"""The admin site: staff as usual, and centre admins, who read the shared catalogue there."""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class PortfolioAdminSite(AdminSite):
    site_header = _("Portfolio administration")
    site_title = _("Portfolio administration")

    def has_permission(self, request: HttpRequest) -> bool:
        """Active staff, and active centre admins (who see only what their permissions allow: the catalogue)."""
        user = request.user
        return bool(user.is_active and (user.is_staff or getattr(user, "administers_a_centre", False)))
