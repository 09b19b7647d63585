"""Celery-appen. Broker är Redis; utan REDIS_URL körs uppgifter direkt i processen (demo)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kvalitet.settings")

app = Celery("kvalitet")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
