"""Celery med riktig Redis och riktig worker: svepet körs i workern, och en webbegäran hänger aldrig på brokern."""

import datetime
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from kvalitet import services
from kvalitet.celery import app
from kvalitet.models import Bevakning, Notifikation
from kvalitet.tasks import bevakningssvep, skicka_utkorg, trygg_koa
from tests.factories import UserFactory

ROT = Path(__file__).resolve().parents[2]


def _databas_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _ny_pool():
    # Nästa anslutning ska byggas från den ändrade konfigurationen.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker(redis_url, settings):
    """Appen pekar på den riktiga Redis-brokern (db 9, så att inget annat stör) under testet."""
    url = redis_url.rsplit("/", 1)[0] + "/9"
    gammal = (app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager = url, url, False
    _ny_pool()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    yield url
    app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager = gammal
    _ny_pool()


@pytest.fixture
def worker(broker, postgres):
    env = {**os.environ, "REDIS_URL": broker, "DATABASE_URL": _databas_url(), "KVALITET_MILJO": "test"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "kvalitet",
            "worker",
            "-P",
            "solo",
            "-c",
            "1",
            "-l",
            "warning",
        ],
        cwd=ROT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        svar = None
        for _ in range(60):
            svar = app.control.ping(timeout=1.0)
            if svar:
                break
        assert svar, "Celery-workern startade inte"
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.django_db(transaction=True)
def test_sweep_runs_in_real_worker_and_reminds_once(worker, org):
    mottagare = UserFactory()
    Bevakning.objects.create(
        nyckel="worker:1",
        forfaller=timezone.now() - datetime.timedelta(hours=1),
        mottagare=mottagare,
        rubrik="Påminn",
    )
    forsta = bevakningssvep.delay().get(timeout=60)
    andra = bevakningssvep.delay().get(timeout=60)
    assert forsta["notifikationer"] == 1
    assert andra["notifikationer"] == 0
    assert Notifikation.objects.filter(nyckel="bevakning:worker:1").count() == 1


@pytest.mark.django_db(transaction=True)
def test_saving_succeeds_and_does_not_hang_when_broker_is_down(broker, org):
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # ingen lyssnar här
    _ny_pool()
    mottagare = UserFactory()
    resultat = {}

    def spara():
        try:
            resultat["notis"] = services.notifikation_skapa(
                nyckel="nere:1", mottagare=mottagare, rubrik="Ny rapport"
            )
            resultat["koad"] = trygg_koa(skicka_utkorg)
        finally:
            connection.close()

    trad = threading.Thread(target=spara)
    trad.start()
    trad.join(timeout=30)
    assert not trad.is_alive(), "sparandet hängde på den nedstängda brokern"
    assert resultat["notis"] is not None
    assert resultat["koad"] is False
    # Posten finns och e-posten väntar i utkorgen på nästa svep.
    assert Notifikation.objects.filter(nyckel="nere:1", epost_skickad__isnull=True).count() == 1
    assert services.utkorg_skicka() == 1
