"""Celery-appen. Broker är Redis; utan REDIS_URL körs uppgifter direkt i processen (demo)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kvalitet.settings")

app = Celery("kvalitet")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _schema(sender, **kwargs):
    from django.conf import settings

    # DatabaseScheduler (django-celery-beat) lägger in detta schema i databasen när beat startar.
    sender.conf.beat_schedule = {
        "bevakningssvep": {
            "task": "kvalitet.tasks.bevakningssvep",
            "schedule": float(settings.BEVAKNING_SVEP_SEKUNDER),
        },
    }
