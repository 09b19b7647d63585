"""Prometheus-mätvärden på /metrics (django-prometheus ger svarstid per vy och mycket annat).

Köernas längd läses ur Redis när sidan hämtas. Svepens längd mäts där svepen körs (oftast i workern) och
sparas i cachen, som ligger i Redis, så att webbprocessen kan visa den.
"""

import contextlib
import logging
import os
import time

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseForbidden
from prometheus_client import REGISTRY, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from kvalitet import access

logger = logging.getLogger(__name__)

SVEP = ("bevakningssvep", "atgardssvep", "uppfoljning", "pdf", "riskanalys_pdf")


def _nyckel(namn: str) -> str:
    return f"metrik:svep:{namn}"


@contextlib.contextmanager
def svep_matning(namn: str):
    """Mäter ett svep och sparar längden (sekunder) och sluttiden i cachen."""
    start = time.monotonic()
    try:
        yield
    finally:
        try:
            cache.set(_nyckel(namn), {"sekunder": time.monotonic() - start, "tid": time.time()}, None)
        except Exception:
            # Mätningen får aldrig fälla svepet (Redis kan vara nere; svepet behöver den inte).
            logger.warning("Kunde inte spara svepets längd för %s", namn)


def _kolangder() -> dict[str, int]:
    from kvalitet.celery import app

    url = app.conf.broker_url or ""
    if not url.startswith(("redis://", "rediss://")):
        return {}
    import redis

    klient = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    return {ko: klient.llen(ko) for ko in settings.CELERY_KOER}


class KvalitetSamlare:
    """Köernas längd och svepens senaste längd, lästa när Prometheus hämtar."""

    def collect(self):
        ko = GaugeMetricFamily("kvalitet_celery_ko_langd", "Uppgifter som väntar i Celery-kön", labels=["ko"])
        try:
            for namn, langd in _kolangder().items():
                ko.add_metric([namn], langd)
        except Exception:
            logger.warning("Kunde inte läsa köernas längd ur Redis")
        yield ko
        sekunder = GaugeMetricFamily(
            "kvalitet_svep_sekunder", "Senaste svepets längd i sekunder", labels=["svep"]
        )
        senast = GaugeMetricFamily(
            "kvalitet_svep_senast_tidpunkt", "När senaste svepet slutade (Unix-tid)", labels=["svep"]
        )
        try:
            varden = cache.get_many([_nyckel(n) for n in SVEP])
        except Exception:
            varden = {}
        for namn in SVEP:
            v = varden.get(_nyckel(namn))
            if v:
                sekunder.add_metric([namn], v["sekunder"])
                senast.add_metric([namn], v["tid"])
        yield sekunder
        yield senast


_SAMLARE = KvalitetSamlare()
with contextlib.suppress(ValueError):  # redan registrerad (modulen laddad igen)
    REGISTRY.register(_SAMLARE)


def metrics(request):
    """Mätvärdena i Prometheus textformat; avstängd utan METRICS_TOKEN, 403 utan rätt token."""
    if not settings.METRICS_TOKEN:
        raise Http404
    if not access.metrik_tillaten(request):
        return HttpResponseForbidden("Fel eller saknad token.")
    return HttpResponse(generate_latest(_register()), content_type=CONTENT_TYPE_LATEST)


def _register():
    # Med PROMETHEUS_MULTIPROC_DIR (flera gunicorn-processer) läggs alla processers räknare ihop.
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    from prometheus_client import CollectorRegistry, multiprocess

    register = CollectorRegistry()
    multiprocess.MultiProcessCollector(register)
    register.register(_SAMLARE)
    return register
