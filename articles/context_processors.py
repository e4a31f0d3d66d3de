from django.conf import settings

from articles.models import navigation_sections


def site(request):
    """Give every template the site name and the navigation sections."""
    return {"site_name": settings.SITE_NAME, "nav_sections": navigation_sections}
