"""Blandad trafik mot en riktig server: personal rapporterar, chefer arbetar i kön och statistiken,
handläggare och kvalitetssamordnare läser listor och sammanställningar. Körs av bench/last.py.

Servern kör i produktionsläge (HTTPS krävs, säkra cookies, tvåfaktor för kvalitetssamordnare). Locust
talar därför som kommunens TLS-proxy i README: adresserna är https://VÄRD/..., och TlsProxy skickar dem
okrypterat till gunicorn (LAST_BAKSIDA) med Host, X-Forwarded-Proto: https och X-Forwarded-For, som
nginx-exemplet gör. Kvalitetssamordnarna loggar in med lösenord och TOTP-kod, var och en med ett eget
konto (last.samordnare.NN) eftersom en TOTP-kod bara gäller en gång per konto och 30 sekunder."""

import itertools
import os
import random
import re
import sys
from pathlib import Path

from locust import HttpUser, between, constant, task
from locust.exception import StopUser
from requests.adapters import HTTPAdapter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.tjanster import VARD, totp, totp_nyckel  # noqa: E402

LOSENORD = "demo-kvalitet-2026"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
BAKSIDA = os.environ.get("LAST_BAKSIDA", "127.0.0.1:8000")


def _alternativ(html: str, falt: str) -> list[str]:
    block = re.search(rf'<select[^>]*name="{falt}"[^>]*>(.*?)</select>', html, re.S)
    return [v for v in re.findall(r'<option value="(\d+)"', block.group(1))] if block else []


def betanketid():
    """LAST_BETANKETID "1-4" (standard, som förr) eller "0" (ingen: mäter hur mycket servern hinner)."""
    varde = os.environ.get("LAST_BETANKETID", "1-4")
    if "-" in varde:
        lag, hog = varde.split("-", 1)
        return between(float(lag), float(hog))
    return constant(float(varde))


_klientnummer = itertools.count(1)


class TlsProxy(HTTPAdapter):
    """Det proxyn gör: https://VÄRD/... blir http://BAKSIDA/... med proxyhuvudena. Svaret bär den
    ursprungliga https-adressen, så att cookies med Secure sparas och skickas och relativa
    omdirigeringar stannar bakom proxyn."""

    def __init__(self, klientadress: str, **kw):
        self.klientadress = klientadress
        super().__init__(**kw)

    def send(self, request, **kw):
        vidare = request.copy()
        vidare.url = request.url.replace(f"https://{VARD}", f"http://{BAKSIDA}", 1)
        vidare.headers["Host"] = VARD
        vidare.headers["X-Forwarded-Proto"] = "https"
        vidare.headers["X-Forwarded-For"] = self.klientadress
        # nginx som i README (utan proxy_http_version 1.1 och keepalive mot uppströms) öppnar en ny
        # anslutning till gunicorn för varje begäran.
        vidare.headers["Connection"] = "close"
        svar = super().send(vidare, **kw)
        svar.url, svar.request = request.url, request
        return svar


class Proxad(HttpUser):
    abstract = True
    host = f"https://{VARD}"
    wait_time = betanketid()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        nummer = next(_klientnummer)
        # Varje användare sin klientadress (i X-Forwarded-For, som proxyn lägger till): axes låser per
        # användarnamn och adress. Bara en huvudrad; ingen trafik går dit.
        self.client.mount(f"https://{VARD}", TlsProxy(f"127.10.{nummer // 250}.{nummer % 250 + 1}"))

    def _post(self, url: str, data: dict, **kw):
        # Som en webbläsare: CSRF-kontrollen över HTTPS kräver Origin (eller Referer).
        huvuden = {"Origin": f"https://{VARD}", "Referer": f"https://{VARD}{url}"}
        return self.client.post(url, data, headers=huvuden, **kw)


class Inloggad(Proxad):
    abstract = True
    anvandare = ""

    def konto(self) -> str:
        return self.anvandare

    def on_start(self):
        namn = self.konto()
        svar = self.client.get("/login/", name="inloggning (sida)")
        token = CSRF.search(svar.text).group(1)
        with self._post(
            "/login/",
            {"username": namn, "password": LOSENORD, "csrfmiddlewaretoken": token},
            name="inloggning (POST)",
            catch_response=True,
        ) as svar:
            if "/login/" in svar.url:
                svar.failure(f"inloggningen misslyckades för {namn}")
        if "/tvafaktor/" in svar.url:
            token = CSRF.search(svar.text).group(1)
            with self._post(
                svar.url.removeprefix(f"https://{VARD}"),
                {"kod": totp(totp_nyckel(namn)), "csrfmiddlewaretoken": token},
                name="tvåfaktor (POST)",
                catch_response=True,
            ) as svar:
                if "/tvafaktor/" in svar.url:
                    svar.failure(f"TOTP-koden godtogs inte för {namn}")
        if "/login/" in svar.url or "/tvafaktor/" in svar.url:
            raise StopUser

    def _sida(self, url: str, namn: str):
        # En sida som hamnar på inloggningen eller tvåfaktorn har tappat sessionen: det är ett fel, fast
        # svaret är 200.
        with self.client.get(url, name=namn, catch_response=True) as svar:
            if "/login/" in svar.url or "/tvafaktor/" in svar.url:
                svar.failure(f"utloggad: {svar.url}")
        return svar


class Personal(Inloggad):
    weight = 4
    anvandare = "personal"

    @task(3)
    def rapportera(self):
        html = self._sida("/avvikelser/rapportera/", "rapportformulär").text
        token = CSRF.search(html).group(1)
        enheter, kategorier = _alternativ(html, "enhet"), _alternativ(html, "kategori")
        with self._post(
            "/avvikelser/rapportera/",
            {
                "csrfmiddlewaretoken": token,
                "enhet": enheter[0],
                "handelsetid": "2026-11-20T08:30",
                "lag": "SoL",
                "kategori": random.choice(kategorier),
                "beskrivning": "Lasttest: planerat besök blev inte av.",
            },
            name="rapportera (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as svar:
            if svar.status_code != 302:
                svar.failure(f"rapporten sparades inte: {svar.status_code}")

    @task(1)
    def mina(self):
        self._sida("/avvikelser/mina/", "mina rapporter")

    @task(1)
    def startsida(self):
        self._sida("/", "startsida")


class Enhetschef(Inloggad):
    weight = 3
    anvandare = "enhetschef"

    @task(4)
    def ko(self):
        html = self._sida("/avvikelser/", "kö").text
        ids = re.findall(r'href="/avvikelser/(\d+)/"', html)
        if ids:
            self._sida(f"/avvikelser/{random.choice(ids)}/", "avvikelse detalj")

    @task(2)
    def ko_filter(self):
        self._sida("/avvikelser/?status=rapporterad&sortera=rapporterad", "kö filtrerad")

    @task(1)
    def statistik(self):
        self._sida("/avvikelser/statistik/", "statistik")


_samordnarkonto = itertools.count(1)


class Samordnare(Inloggad):
    weight = 2
    anvandare = "kvalitetssamordnare"

    def konto(self) -> str:
        # Tvåfaktor: ett eget konto per användare (bench/last.py skapar dem med demokontots roller).
        return f"last.samordnare.{next(_samordnarkonto):02d}"

    @task(2)
    def statistik(self):
        self._sida("/avvikelser/statistik/", "statistik")

    @task(1)
    def startsida(self):
        self._sida("/", "startsida")

    @task(1)
    def oversikter(self):
        for url, namn in (
            ("/uppfoljning/", "uppföljning"),
            ("/riskanalys/", "riskanalyser"),
            ("/lexsarah/", "lex Sarah"),
        ):
            self._sida(url, namn)

    @task(2)
    def tackning(self):
        # IVO-frågorna: täckningsöversikten för nämnden och riskerna sorterade efter värde.
        self._sida("/uppfoljning/tackning/", "täckning (översikt)")
        self._sida("/riskanalys/risker/", "risklista")


class Handlaggare(Inloggad):
    weight = 1
    anvandare = "handlaggare"

    @task(2)
    def brukare(self):
        self._sida("/brukare/", "brukarlista")
        self._sida("/uppfoljning/", "uppföljning")

    @task(2)
    def arendelista(self):
        self._sida("/uppfoljning/mina/", "mina uppföljningar")
        self._sida("/uppfoljning/ej-verkstallda/", "ej verkställda beslut")


class Ledning(Inloggad):
    weight = 1
    anvandare = "ledning"

    @task
    def oversikt(self):
        self._sida("/uppfoljning/tackning/", "täckning (översikt)")
        self._sida("/avvikelser/statistik/", "statistik")
