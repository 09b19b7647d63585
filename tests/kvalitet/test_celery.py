"""Celery med riktig Redis och riktig worker: svepet körs i workern, och en webbegäran hänger aldrig på brokern."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from kvalitet import services
from kvalitet.celery import app
from kvalitet.models import Bevakning, Notifikation
from kvalitet.tasks import bevakningssvep, skicka_utkorg, trygg_koa
from tests.conftest import ny_pool
from tests.factories import UserFactory


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
    ny_pool()
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
