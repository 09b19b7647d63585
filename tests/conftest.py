"""Gemensam rollbesättning för alla tester.

Organisationen:

    Kommun K
    ├── Nämnd N1
    │   ├── Område A1: Enhet E1, Enhet E2
    │   └── Område A2: Enhet E3
    └── Nämnd N2
        └── Område A3: Enhet E4

Personerna: Pia (personal, E1), Erik (enhetschef, E1), Elsa (enhetschef, E3, ska aldrig se E1),
Vera (verksamhetschef, A1), Hanna (handläggare, N1), Hugo (handläggare, N2), Kim (kvalitetssamordnare,
N1), Sofia (kvalitetssamordnare, N2), Lars (ledning, K), Ada (admin, K), Utan (ingen roll).
"""

import datetime
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import timezone

from kvalitet.models import NodTyp
from tests.factories import BrukareFactory, InsatsFactory, OrgNodFactory, RollFactory, UserFactory

# Tester som startar processer, går igenom alla URL:er eller gör PDF:er: `make test-snabb` hoppar över dem.
LANGSAMMA_FIXTURER = {"worker", "server", "pdftotext", "ny_sida", "webblasare"}


def pytest_collection_modifyitems(config, items):
    # I CI ska testerna köras mot riktig PostgreSQL; SQLite där är ett konfigurationsfel, inte ett val.
    if os.environ.get("CI") and not os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql")):
        raise pytest.UsageError("CI kräver DATABASE_URL mot PostgreSQL.")
    for item in items:
        sokvag = item.nodeid.replace("\\", "/")
        if LANGSAMMA_FIXTURER & set(getattr(item, "fixturenames", ())) or sokvag.startswith(
            ("tests/sakerhet/", "tests/e2e/", "tests/drift/")
        ):
            item.add_marker(pytest.mark.slow)


# Inställningarna har redan flyttat REDIS_URL till arbetarens databas (kvalitet/settings.py). Processer som
# testerna startar (worker, gunicorn, kommandon) ärver miljön: de ska få den flyttade adressen och inte flytta
# den en gång till, så arbetarens namn tas ur miljön och adressen skrivs dit.
ARBETARE = os.environ.pop("PYTEST_XDIST_WORKER", "gw0")
if os.environ.get("REDIS_URL"):
    from django.conf import settings as _settings

    os.environ["REDIS_URL"] = _settings.REDIS_URL


def redis_db(standard: int) -> int:
    """Redis-databas för en testprocess. Med pytest-xdist får varje arbetare (gw0, gw1 ...) sina egna, så att
    en worker i en arbetare aldrig tar en uppgift som en annan arbetare köade mot sin testdatabas."""
    return standard + 2 * int(ARBETARE.removeprefix("gw") or 0)


@pytest.fixture
def redis_url():
    """Riktig Redis. Saknas den i CI är det ett fel; lokalt hoppas testet över med en tydlig orsak."""
    from django.conf import settings

    # Inställningarnas adress: med pytest-xdist har varje arbetare sin egen databas (kvalitet/settings.py).
    url = settings.REDIS_URL if os.environ.get("REDIS_URL") else ""
    if not url:
        if os.environ.get("CI"):
            pytest.fail("REDIS_URL saknas i CI: testet kräver en riktig Redis.")
        pytest.skip("REDIS_URL är inte satt (körs alltid i CI).")
    return url


@pytest.fixture
def pdftotext():
    """Sökvägen till pdftotext (poppler-utils). Saknas den i CI är det ett fel; lokalt hoppas testet över."""
    import shutil

    sokvag = shutil.which("pdftotext")
    if not sokvag:
        if os.environ.get("CI"):
            pytest.fail("pdftotext saknas i CI (.ci/run installerar poppler-utils).")
        pytest.skip("pdftotext saknas (apt-get install poppler-utils).")
    return sokvag


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        if os.environ.get("CI"):
            pytest.fail("Testet kräver PostgreSQL i CI.")
        pytest.skip("Testet kräver PostgreSQL (DATABASE_URL).")


@pytest.fixture
def org(db):
    k = OrgNodFactory(typ=NodTyp.KOMMUN, namn="Kommun K", kod="K")
    n1 = OrgNodFactory(typ=NodTyp.NAMND, namn="Nämnd N1", kod="N1", forelder=k)
    n2 = OrgNodFactory(typ=NodTyp.NAMND, namn="Nämnd N2", kod="N2", forelder=k)
    a1 = OrgNodFactory(typ=NodTyp.VERKSAMHETSOMRADE, namn="Område A1", kod="A1", forelder=n1)
    a2 = OrgNodFactory(typ=NodTyp.VERKSAMHETSOMRADE, namn="Område A2", kod="A2", forelder=n1)
    a3 = OrgNodFactory(typ=NodTyp.VERKSAMHETSOMRADE, namn="Område A3", kod="A3", forelder=n2)
    e1 = OrgNodFactory(typ=NodTyp.ENHET, namn="Enhet E1", kod="E1", forelder=a1, antal_platser=50)
    e2 = OrgNodFactory(typ=NodTyp.ENHET, namn="Enhet E2", kod="E2", forelder=a1, antal_platser=20)
    e3 = OrgNodFactory(typ=NodTyp.ENHET, namn="Enhet E3", kod="E3", forelder=a2, antal_platser=30)
    e4 = OrgNodFactory(typ=NodTyp.ENHET, namn="Enhet E4", kod="E4", forelder=a3, antal_platser=40)
    return SimpleNamespace(k=k, n1=n1, n2=n2, a1=a1, a2=a2, a3=a3, e1=e1, e2=e2, e3=e3, e4=e4)


def _person(username, roll=None, nod=None, **kwargs):
    user = UserFactory(username=username, first_name=username.capitalize(), **kwargs)
    if roll:
        RollFactory(anvandare=user, roll=roll, nod=nod)
    return user


@pytest.fixture
def cast(org):
    return SimpleNamespace(
        pia=_person("pia", "personal", org.e1),
        erik=_person("erik", "enhetschef", org.e1),
        elsa=_person("elsa", "enhetschef", org.e3),
        vera=_person("vera", "verksamhetschef", org.a1),
        hanna=_person("hanna", "handlaggare", org.n1),
        hugo=_person("hugo", "handlaggare", org.n2),
        kim=_person("kim", "kvalitetssamordnare", org.n1),
        sofia=_person("sofia", "kvalitetssamordnare", org.n2),
        lars=_person("lars", "ledning", org.k),
        ada=_person("ada", "admin", org.k, is_staff=True),
        utan=_person("utan"),
    )


@pytest.fixture
def brukare(org, cast):
    """b1 vid E1 (Hannas ärende), b3 vid E3 (N1), b4 vid E4 (N2), skyddad vid E1 (Hannas),
    skyddad_annan vid E1 (ingen handläggare)."""
    b1 = BrukareFactory(namnd=org.n1, handlaggare=cast.hanna, fornamn="Greta", efternamn="Gran")
    b3 = BrukareFactory(namnd=org.n1, fornamn="Tore", efternamn="Tall")
    b4 = BrukareFactory(namnd=org.n2, handlaggare=cast.hugo, fornamn="Bo", efternamn="Björk")
    skyddad = BrukareFactory(
        namnd=org.n1, handlaggare=cast.hanna, skyddad_identitet=True, fornamn="Hemlig", efternamn="Person"
    )
    skyddad_annan = BrukareFactory(namnd=org.n1, skyddad_identitet=True, fornamn="Dold", efternamn="Doldsson")
    InsatsFactory(brukare=b1, enhet=org.e1)
    InsatsFactory(brukare=b3, enhet=org.e3)
    InsatsFactory(brukare=b4, enhet=org.e4)
    InsatsFactory(brukare=skyddad, enhet=org.e1)
    InsatsFactory(brukare=skyddad_annan, enhet=org.e1)
    return SimpleNamespace(b1=b1, b3=b3, b4=b4, skyddad=skyddad, skyddad_annan=skyddad_annan)


@pytest.fixture
def logga_in(client):
    """logga_in(user) -> klient inloggad som användaren."""

    def _logga_in(user):
        client.force_login(user)
        return client

    return _logga_in


@pytest.fixture(autouse=True)
def _grunddata(request, django_db_blocker):
    """Insatstyper och lagrum ur migrering 0002 finns i varje databastest. Ett transaktionellt test tömmer
    tabellerna efter sig; utan xdist körs de sist, men med pytest-xdist kan ett vanligt test i samma arbetare
    komma efter ett sådant."""
    if not (
        {"db", "transactional_db"} & set(request.fixturenames) or request.node.get_closest_marker("django_db")
    ):
        return
    import importlib

    from django.apps import apps

    from kvalitet.models import Insatstyp, Lagrum

    with django_db_blocker.unblock():
        if not (Insatstyp.objects.exists() and Lagrum.objects.exists()):
            importlib.import_module("kvalitet.migrations.0002_grunddata_och_loggskydd").grunddata(apps, None)
            importlib.import_module("kvalitet.migrations.0010_insatstyp_namn_per_lag").framat(apps, None)


@pytest.fixture(autouse=True)
def _privata_filer_i_tmp(settings, tmp_path_factory):
    # Bilagor skrivs aldrig i projektkatalogen under testerna.
    settings.PRIVAT_MEDIA_ROOT = tmp_path_factory.getbasetemp() / "privat"


@pytest.fixture(autouse=True)
def _tom_cache():
    # Cachen ligger i Redis när REDIS_URL är satt: inget får läcka mellan testerna.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _snabb_hashning(settings):
    # Argon2 är avsiktligt långsam; i testerna räcker en snabb algoritm (produktionsvalet testas för sig).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- riktiga tjänster: Celery-broker och worker ---------------------------------------------------------

ROT = Path(__file__).resolve().parents[1]


def databas_url() -> str:
    """Testdatabasens adress, för processer (worker, server) som ska se samma data."""
    s = connection.settings_dict
    return f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def ny_pool():
    # Nästa anslutning ska byggas från den ändrade konfigurationen.
    from kvalitet.celery import app

    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker(redis_url, settings):
    """Appen pekar på den riktiga Redis-brokern (db 9, så att inget annat stör) under testet."""
    from kvalitet.celery import app

    # Egen databas (standard 9; KVALITET_TEST_BROKER_DB när flera testkörningar delar samma Redis).
    url = (
        redis_url.rsplit("/", 1)[0] + "/" + str(redis_db(int(os.environ.get("KVALITET_TEST_BROKER_DB", "9"))))
    )
    gammal = (app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager = url, url, False
    ny_pool()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    yield url
    app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager = gammal
    ny_pool()


@pytest.fixture
def starta_worker(broker, postgres):
    """starta_worker(koer=..., pool=..., miljo=..., logg=...): en riktig Celery-worker i en egen process mot
    testdatabasen och brokern, som bara tar de angivna köerna. Stoppas när testet är klart."""
    from kvalitet.celery import app

    processer = []

    def _starta(koer=("celery", "pdf"), *, pool="solo", miljo=None, logg=None, namn=None):
        env = {
            **os.environ,
            "REDIS_URL": broker,
            "DATABASE_URL": databas_url(),
            "KVALITET_MILJO": "test",
            **(miljo or {}),
        }
        # Ett unikt namn per worker, så att ping nedan väntar på just den här.
        namn = (namn or f"test-{'-'.join(koer)}-{len(processer)}-{os.getpid()}") + "@%h"
        utdata = open(logg, "wb") if logg else subprocess.DEVNULL
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "kvalitet", "worker", "-P", pool, "-c", "1",
             "-Q", ",".join(koer), "-n", namn, "-l", "info" if logg else "warning"],
            cwd=ROT, env=env, stdout=utdata, stderr=subprocess.STDOUT if logg else subprocess.DEVNULL,
        )  # fmt: skip
        processer.append(process)
        svar = None
        # Upp till två minuter: på två kärnor med en parallell testarbetare kan starten ta tid.
        for _ in range(120):
            svar = [s for s in app.control.ping(timeout=1.0) or [] if namn.split("@")[0] in next(iter(s))]
            if svar:
                break
        assert svar, "Celery-workern startade inte"
        return process

    yield _starta
    for process in processer:
        process.terminate()
    for process in processer:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def worker(starta_worker):
    """En riktig Celery-worker som tar båda köerna (standard och pdf)."""
    return starta_worker()


@pytest.fixture
def utgangen(org):
    """En enhetschef vid E1 vars roll gick ut i går (väljarna för Ansvarig får inte erbjuda hen)."""
    user = UserFactory(username="utgangen", first_name="Ulla", last_name="Utgången")
    RollFactory(
        anvandare=user,
        roll="enhetschef",
        nod=org.e1,
        giltig_till=timezone.localdate() - datetime.timedelta(days=1),
    )
    return user
