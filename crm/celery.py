"""The Celery app. Worker: ``celery -A crm worker``; beat (exactly one): ``celery -A crm beat``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

app = Celery("kedang")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
