"""/metrics: inte öppen (token), med svarstid per vy, köernas längd och svepens längd."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

TOKEN = "hemlig-skraptoken-0123456789"


def _hamta(client, token=TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get("/metrics", headers=headers)


def _varde(text: str, namn: str, **etiketter) -> float | None:
    for rad in text.splitlines():
        if rad.startswith(namn + "{") and all(f'{k}="{v}"' in rad for k, v in etiketter.items()):
            return float(rad.rsplit(" ", 1)[1])
    return None


def test_metrics_do_not_exist_without_a_configured_token(client, cast, logga_in, settings):
    settings.METRICS_TOKEN = ""
    assert _hamta(client).status_code == 404
    assert _hamta(logga_in(cast.ada), token=None).status_code == 404


def test_metrics_are_refused_without_the_right_token_even_when_logged_in(client, cast, logga_in, settings):
    settings.METRICS_TOKEN = TOKEN
    assert _hamta(client, token=None).status_code == 403
    assert _hamta(client, token="fel-token").status_code == 403
    assert _hamta(logga_in(cast.ada), token=None).status_code == 403


def test_metrics_with_the_token_show_latency_per_view_and_sweep_duration(client, cast, logga_in, settings):
    from kvalitet.tasks import bevakningssvep

    settings.METRICS_TOKEN = TOKEN
    assert logga_in(cast.erik).get(reverse("kvalitet:start")).status_code == 200
    bevakningssvep.apply().get()
    svar = _hamta(client)
    assert svar.status_code == 200 and svar["Content-Type"].startswith("text/plain")
    text = svar.content.decode()
    antal = _varde(text, "django_http_requests_latency_seconds_by_view_method_count", view="kvalitet:start")
    assert antal and antal >= 1
    assert _varde(text, "kvalitet_svep_sekunder", svep="bevakningssvep") >= 0
    assert re.search(r'kvalitet_svep_senast_tidpunkt\{svep="bevakningssvep"\} \d', text)


def test_metrics_show_the_length_of_each_celery_queue(
    broker, client, org, cast, settings, django_capture_on_commit_callbacks
):
    import redis

    from rapporter import services
    from tests.rapporter.factories import KvalitetsberattelseFactory

    settings.METRICS_TOKEN = TOKEN
    redis.Redis.from_url(broker).delete("pdf", "celery")
    b = KvalitetsberattelseFactory(nod=org.n1, skapad_av=cast.kim)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.pdf_bestall(berattelse=b, av=cast.kim)
    text = _hamta(client).content.decode()
    assert _varde(text, "kvalitet_celery_ko_langd", ko="pdf") == 1
    assert _varde(text, "kvalitet_celery_ko_langd", ko="celery") == 0
    redis.Redis.from_url(broker).delete("pdf")


def test_with_a_multiprocess_dir_the_counters_of_all_processes_are_served(tmp_path):
    import os
    import subprocess
    import sys

    from tests.conftest import ROT

    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "METRICS_TOKEN": TOKEN}
    forsta = "import django; django.setup(); from django.test import Client; Client().get('/login/')"
    andra = (
        "import django; django.setup(); from django.test import Client; "
        f"print(Client().get('/metrics', headers={{'Authorization': 'Bearer {TOKEN}'}}).content.decode())"
    )
    # En process svarar på en sida, en annan på /metrics: den andra visar den förstas räknare.
    subprocess.run([sys.executable, "-c", forsta], cwd=ROT, env=env, check=True)
    ut = subprocess.run(
        [sys.executable, "-c", andra], cwd=ROT, env=env, capture_output=True, text=True, check=True
    )
    assert _varde(ut.stdout, "django_http_requests_latency_seconds_by_view_method_count", view="login") == 1
    assert "kvalitet_svep_sekunder" in ut.stdout
