"""Blandad trafik mot en riktig server: personal rapporterar, chefer arbetar i kön och statistiken,
handläggare och kvalitetssamordnare läser listor och sammanställningar. Körs av bench/last.py."""

import random
import re

from locust import HttpUser, between, task

LOSENORD = "demo-kvalitet-2026"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _alternativ(html: str, falt: str) -> list[str]:
    block = re.search(rf'<select[^>]*name="{falt}"[^>]*>(.*?)</select>', html, re.S)
    return [v for v in re.findall(r'<option value="(\d+)"', block.group(1))] if block else []


class Inloggad(HttpUser):
    abstract = True
    anvandare = ""
    wait_time = between(1, 4)

    def on_start(self):
        svar = self.client.get("/login/", name="inloggning (sida)")
        token = CSRF.search(svar.text).group(1)
        svar = self.client.post(
            "/login/",
            {"username": self.anvandare, "password": LOSENORD, "csrfmiddlewaretoken": token},
            name="inloggning (POST)",
        )
        if "/login/" in svar.url:
            raise RuntimeError(f"Inloggningen misslyckades för {self.anvandare}")

    def _sida(self, url: str, namn: str):
        return self.client.get(url, name=namn)


class Personal(Inloggad):
    weight = 4
    anvandare = "personal"

    @task(3)
    def rapportera(self):
        html = self._sida("/avvikelser/rapportera/", "rapportformulär").text
        token = CSRF.search(html).group(1)
        enheter, kategorier = _alternativ(html, "enhet"), _alternativ(html, "kategori")
        with self.client.post(
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


class Samordnare(Inloggad):
    weight = 2
    anvandare = "kvalitetssamordnare"

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
