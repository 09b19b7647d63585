"""Hälsokontroller för /health/ (django-health-check).

Databasen är kritisk (500 om den inte svarar). Redis och Celery ger varningar: appen fungerar utan
dem (påminnelser tas igen av nästa svep), så tillståndet rapporteras som nedsatt med status 200.
"""

import dataclasses

from django.conf import settings
from django.db import connection
from health_check.backends import HealthCheck
from health_check.exceptions import ServiceUnavailable, ServiceWarning


@dataclasses.dataclass
class Databas(HealthCheck):
    def check_status(self):
        try:
            with connection.cursor() as c:
                c.execute("SELECT 1")
                c.fetchone()
        except Exception as exc:
            raise ServiceUnavailable("Databasen svarar inte") from exc

    def __repr__(self):
        return "databas"


@dataclasses.dataclass
class Redis(HealthCheck):
    def check_status(self):
        if not settings.REDIS_URL:
            raise ServiceWarning("Ingen REDIS_URL: uppgifter körs i processen (demo)")
        import redis

        try:
            klient = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
            klient.ping()
        except Exception as exc:
            raise ServiceWarning("Redis svarar inte; påminnelser skickas när den är tillbaka") from exc

    def __repr__(self):
        return "redis"


@dataclasses.dataclass
class Celery(HealthCheck):
    def check_status(self):
        if not settings.REDIS_URL:
            raise ServiceWarning("Ingen Celery-worker (demo): uppgifter körs i processen")
        from kvalitet.celery import app

        try:
            svar = app.control.ping(timeout=1.0)
        except Exception as exc:
            raise ServiceWarning("Celery kan inte nås") from exc
        if not svar:
            raise ServiceWarning("Ingen Celery-worker svarar")

    def __repr__(self):
        return "celery"
