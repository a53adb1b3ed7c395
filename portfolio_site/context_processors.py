from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, str]:
    """The version shown in every page's footer."""
    return {"site_version": settings.VERSION}
