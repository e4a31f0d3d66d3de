"""WSGI entry point, used by gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

django_application = get_wsgi_application()

from newsroom.pagecache import FastPath  # noqa: E402  (needs settings configured)

# Cached pages for anonymous readers are answered here, before Django's request handling.
application = FastPath(django_application)
