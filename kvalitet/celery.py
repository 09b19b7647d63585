"""Celery-appen. Broker är Redis; utan REDIS_URL körs uppgifter direkt i processen (demo).

Köer: `celery` (standard: svep, påminnelser, e-post) och `pdf` (rapporter, egen worker med tidsgränser):

    celery -A kvalitet worker -Q celery
    celery -A kvalitet worker -Q pdf --concurrency 1 --max-tasks-per-child 20 --max-memory-per-child 1000000
"""

import os

from celery import Celery

from kvalitet.logg import koppla_celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kvalitet.settings")

app = Celery("kvalitet")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
koppla_celery()
