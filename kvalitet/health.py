"""Hälsokontroller för /health/ (django-health-check).

Databasen är kritisk (500 om den inte svarar). Redis och Celery ger varningar: appen fungerar utan
dem (påminnelser tas igen av nästa svep), så tillståndet rapporteras som nedsatt med status 200.
Celery-kontrollen (en ping som väntar upp till en sekund) cachas, så att anrop till den öppna adressen
inte kan binda upp webbprocesserna; detaljerna per tjänst visas bara för inloggad personal (is_staff).
"""

import dataclasses

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from health_check.backends import HealthCheck
from health_check.exceptions import ServiceUnavailable, ServiceWarning
from health_check.views import HealthCheckView

CELERY_CACHENYCKEL = "kv_halsa_celery"


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
        # Cachen ligger i Redis: svarar den inte ska kontrollen säga det, inte ge 500.
        try:
            fel = cache.get(CELERY_CACHENYCKEL)
        except Exception as exc:
            raise ServiceWarning("Cachen (Redis) svarar inte") from exc
        if fel is None:
            try:
                self._pinga()
                fel = ""
            except ServiceWarning as varning:
                fel = str(varning)
            try:
                cache.set(CELERY_CACHENYCKEL, fel, settings.HALSA_CELERY_CACHE_SEKUNDER)
            except Exception as exc:
                raise ServiceWarning("Cachen (Redis) svarar inte") from exc
        if fel:
            raise ServiceWarning(fel)

    def _pinga(self):
        if not settings.REDIS_URL:
            raise ServiceWarning("Ingen Celery-worker (demo): uppgifter körs i processen")
        from kvalitet.celery import app

        # Pingen går genom samma Redis som Redis-kontrollen provar (REDIS_URL är mäklaren), och ett enda
        # anslutningsförsök: en Redis som inte svarar ska ge en varning inom en sekund, inte nya försök.
        try:
            with app.connection_for_write(settings.REDIS_URL) as anslutning:
                anslutning.ensure_connection(max_retries=1, interval_start=0, timeout=1)
                svar = app.control.ping(timeout=1.0, connection=anslutning)
        except Exception as exc:
            raise ServiceWarning("Celery kan inte nås") from exc
        if not svar:
            raise ServiceWarning("Ingen Celery-worker svarar")

    def __repr__(self):
        return "celery"


class Halsa(HealthCheckView):
    """Alla får veta om appen fungerar (status och HTTP-kod); bara personal ser vilken tjänst som brister."""

    @method_decorator(never_cache)
    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_staff:
            return super().get(request, *args, **kwargs)
        fel = self.check(None)
        varning = any(p.errors for p in self.plugins.values())
        status = "fel" if fel else ("nedsatt" if varning else "OK")
        return JsonResponse({"status": status}, status=500 if fel else 200)
