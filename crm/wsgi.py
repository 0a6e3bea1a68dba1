"""WSGI entry point for gunicorn (and runserver).

Serving HTTP is where an insecure setting does harm, so this refuses to start with
DEBUG on or a public demo key unless the embedded demo was asked for (KEDANG_DEMO=1,
set by ``make demo`` and the Procfile).
"""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
# Web requests get the database statement timeout (KEDANG_DB_STATEMENT_TIMEOUT_MS).
os.environ.setdefault("KEDANG_WEB_PROCESS", "1")

application = get_wsgi_application()


def refuse_insecure_serving() -> None:
    if settings.KEDANG_DEMO:
        return
    if settings.DEBUG:
        raise ImproperlyConfigured("Refusing to serve with DEBUG on; set KEDANG_DEMO=1 for the embedded demo")
    if settings.SECRET_KEY in settings.KNOWN_DEMO_KEYS:
        raise ImproperlyConfigured("Refusing to serve with the public demo SECRET_KEY; run manage.py genkeys")


refuse_insecure_serving()
