"""Webbläsartester: riktig server (gunicorn) mot test-PostgreSQL, riktig Celery-worker och Debians chromium
styrd av Playwright. I CI installerar .ci/run chromium och axe-core; saknas de där är det ett fel."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import ROT, databas_url, redis_db

# Playwrights synkrona API kör en händelseslinga i tråden; testernas egna ORM-anrop är ändå synkrona.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = ROT / "node_modules" / "axe-core" / "axe.min.js"
LOSENORD = "losenord-for-test-123"


def _saknas(vad: str):
    if os.environ.get("CI"):
        pytest.fail(f"{vad} saknas i CI.")
    pytest.skip(f"{vad} saknas (installeras av .ci/run).")


@pytest.fixture(autouse=True)
def _hashning_som_servern_kan(settings):
    # Servern i egen process känner bara sina egna algoritmer; PBKDF2 finns där och går fortare än argon2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def _ledig_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _starta(argv, env) -> subprocess.Popen:
    return subprocess.Popen(argv, cwd=ROT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.fixture(scope="session")
def server(django_db_setup, django_db_blocker, tmp_path_factory):
    """gunicorn och en Celery-worker mot testdatabasen, en gång per testkörning; ger bas-URL:en.

    Testerna är transaktionella (data committas och töms efter varje test), så servern i sin egen process
    ser samma data som testet skapat.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        _saknas("PostgreSQL (DATABASE_URL)")
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        _saknas("Redis (REDIS_URL)")
    with django_db_blocker.unblock():
        db = databas_url()
    broker = (
        redis_url.rsplit("/", 1)[0]
        + "/"
        + str(redis_db(int(os.environ.get("KVALITET_TEST_E2E_BROKER_DB", "8"))))
    )
    # Filerna i processens egen tillfälliga katalog: parallella testarbetare skriver aldrig samma fil.
    filer = tmp_path_factory.mktemp("e2e-filer")
    env = {
        **os.environ,
        "DATABASE_URL": db,
        "REDIS_URL": broker,
        "KVALITET_MILJO": "test",
        "DEBUG": "false",
        "MEDIA_ROOT": str(filer / "media"),
        "PRIVAT_MEDIA_ROOT": str(filer / "privat"),
    }
    port = _ledig_port()
    bas = f"http://127.0.0.1:{port}"
    processer = [
        _starta(
            # Båda köerna: standard och pdf (CELERY_TASK_ROUTES).
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "kvalitet",
                "worker",
                "-P",
                "solo",
                "-Q",
                "celery,pdf",
                "-l",
                "warning",
            ],
            env,
        ),
        _starta(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "kvalitet.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--timeout",
                "120",
            ],
            env,
        ),
    ]
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"{bas}/login/", timeout=2) as svar:
                    if svar.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("Servern startade inte: " + processer[1].stderr.read1().decode(errors="replace"))
        yield bas
    finally:
        for p in processer:
            p.terminate()
        for p in processer:
            p.wait(timeout=30)


@pytest.fixture(scope="session")
def webblasare():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        _saknas("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


MOBIL = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DATOR = {"viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def ny_sida(webblasare, server):
    """ny_sida(user, mobil=False) -> inloggad sida. bypass_csp bara för att kunna injicera axe-core."""
    kontexter = []

    def _ny(user=None, mobil=False):
        kontext = webblasare.new_context(**(MOBIL if mobil else DATOR), locale="sv-SE", bypass_csp=True)
        kontexter.append(kontext)
        sida = kontext.new_page()
        sida.set_default_timeout(15000)
        if user is not None:
            sida.goto(f"{server}/login/")
            sida.get_by_label("Användarnamn").fill(user.username)
            sida.get_by_label("Lösenord").fill(LOSENORD)
            sida.get_by_role("button", name="Logga in").click()
            sida.wait_for_url(f"{server}/")
        return sida

    yield _ny
    for k in kontexter:
        k.close()


def axe_fel(sida) -> list[dict]:
    """Kör axe-core (WCAG 2.1 A/AA) på sidan; returnerar allvarliga och kritiska brister."""
    if not AXE.exists():
        _saknas("axe-core (npm ci)")
    sida.evaluate(AXE.read_text())
    resultat = sida.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa']}})"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "noder": [n["target"] for n in v["nodes"]][:5],
            "hjalp": v["help"],
        }
        for v in resultat["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def forklara(fel: list[dict]) -> str:
    return json.dumps(fel, ensure_ascii=False, indent=1)
