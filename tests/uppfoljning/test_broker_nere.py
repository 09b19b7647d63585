"""Redis nere: att spara fungerar ändå, och påminnelsen kommer (exakt en gång) när brokern är tillbaka.

En EGEN redis-server på en ledig port stoppas och startas; den delade Redis rörs aldrig."""

import os
import shutil
import socket
import subprocess
import sys
import time

import pytest

from kvalitet.celery import app
from kvalitet.models import Notifikation
from tests.conftest import ROT, databas_url, ny_pool
from tests.uppfoljning.factories import ForandringFactory
from uppfoljning.models import Uppfoljningsarende
from uppfoljning.tasks import uppfoljning_svep


def _ledig_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _starta_redis(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    pytest.fail("den privata redis-servern startade inte")


def _ny_backend() -> None:
    # Resultatbackenden cachas per tråd; den ska byggas om mot den privata servern (och tillbaka).
    ny_pool()
    app._local.__dict__.pop("backend", None)


def _stoppa(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def privat_broker(postgres, settings):
    if not shutil.which("redis-server"):
        if os.environ.get("CI"):
            pytest.fail("redis-server saknas i CI")
        pytest.skip("redis-server saknas")
    port = _ledig_port()
    url = f"redis://127.0.0.1:{port}/0"
    gammal = (app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager = url, url, False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    _ny_backend()
    processer = {"redis": _starta_redis(port)}
    yield port, url, processer
    for p in processer.values():
        if p.poll() is None:
            _stoppa(p)
    app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager = gammal
    _ny_backend()


@pytest.mark.django_db(transaction=True)
def test_saving_works_with_broker_down_and_reminder_comes_once_when_it_is_back(
    privat_broker, logga_in, org, cast, brukare
):
    port, url, processer = privat_broker
    forandring = ForandringFactory(nod=org.n1, skapad_av=cast.hanna)
    forandring.enheter.set([org.e1])

    _stoppa(processer.pop("redis"))  # brokern går ner
    start = time.monotonic()
    berorda = [brukare.b1.pk, brukare.skyddad.pk, brukare.skyddad_annan.pk]
    svar = logga_in(cast.hanna).post(
        f"/uppfoljning/forandringar/{forandring.pk}/urval/",
        {"datum": "2026-03-01", "visade": berorda, "valda": berorda},
    )
    assert svar.status_code == 302
    assert time.monotonic() - start < 10
    arende = Uppfoljningsarende.objects.get(brukare=brukare.b1)
    # Att spara köar ingenting: påminnelsen härleds ur datat av nästa svep.

    processer["redis"] = _starta_redis(port)  # brokern är tillbaka
    _ny_backend()
    env = {
        **os.environ,
        "REDIS_URL": url,
        "DATABASE_URL": databas_url(),
        "KVALITET_MILJO": "test",
        "UPPFOLJNING_KONTAKT_DAGAR": "0",
    }
    processer["worker"] = subprocess.Popen(
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
        stderr=subprocess.DEVNULL,
    )
    svar = None
    for _ in range(60):
        svar = app.control.ping(timeout=1.0)
        if svar:
            break
    assert svar, "Celery-workern startade inte"

    forsta = uppfoljning_svep.delay().get(timeout=60)
    andra = uppfoljning_svep.delay().get(timeout=60)
    assert forsta["ej_kontaktade"] == 2  # b1 och skyddad (Hannas); skyddad_annan saknar handläggare
    assert andra["ej_kontaktade"] == 0
    assert Notifikation.objects.filter(nyckel=f"uppfoljning:{arende.pk}:ej_kontaktad").count() == 1
    assert Notifikation.objects.get(nyckel=f"uppfoljning:{arende.pk}:ej_kontaktad").mottagare == cast.hanna
