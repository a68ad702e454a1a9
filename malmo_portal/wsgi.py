"""WSGI entry point, used by gunicorn: ``gunicorn malmo_portal.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "malmo_portal.settings")

application = get_wsgi_application()
