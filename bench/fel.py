"""Feltester under last, ett kommando per fel. Varje test startar egna tjänster (bench/tjanster.py):
en privat Redis och, för PostgreSQL-testet, ett privat PostgreSQL-kluster; de delade tjänsterna rörs inte.

    .venv/bin/python bench/fel.py redis      # Redis stoppas och startas medan personal rapporterar
    .venv/bin/python bench/fel.py worker     # Celery-workern dödas (SIGKILL) mitt i ett påminnelsesvep
    .venv/bin/python bench/fel.py postgres   # PostgreSQL startas om medan personal rapporterar
    .venv/bin/python bench/fel.py alla --skriv BENCHMARKS.md

Varje test skriver vad det såg och avslutar med felkod om ett villkor inte höll:
- redis: varje rapport som fick kvitto (302) finns i databasen; inga 5xx; påminnelser som förföll under
  avbrottet levereras efteråt, var och en exakt en gång.
- worker: inga påminnelser försvinner och ingen dubbleras när workern dödas mitt i svepet.
- postgres: begäranden under avbrottet får ett rent 503 (inga hängningar, inga 500); appen återhämtar sig
  själv (ingen omstart av gunicorn); inget är halvskrivet (varje avvikelse har sitt referensnummer, sin
  händelse i tidslinjen och sina påminnelser).
"""

import argparse
import datetime
import os
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import tjanster  # noqa: E402

LOSENORD = "demo-kvalitet-2026"
MARKOR = "Feltest: besöket blev inte av."
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Miljo:
    """Databas (delad server, egen databas, eller privat kluster), privat Redis, gunicorn, worker och beat."""

    def __init__(self, namn: str, privat_pg: bool, svep_sekunder: int = 2):
        self.redis = tjanster.PrivatRedis().starta()
        self.pg = None
        if privat_pg:
            self.pg = tjanster.PrivatPostgres().starta()
            self.pg.skapa_databas()
            self.databas = self.pg.url
        else:
            import psycopg

            with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
                c.execute(f"DROP DATABASE IF EXISTS {namn}")
                c.execute(f"CREATE DATABASE {namn}")
            self.databas = f"postgres://postgres@127.0.0.1:5432/{namn}"
        self.epost = Path(tempfile.mkdtemp(prefix="kvalitet-epost-"))
        self.env = tjanster.miljo(
            self.databas,
            self.redis.url,
            BEVAKNING_SVEP_SEKUNDER=str(svep_sekunder),
            EMAIL_URL=f"filemail:///{self.epost}",
        )
        tjanster.manage(self.env, "migrate", "--noinput")
        tjanster.manage(self.env, "seed_demo")
        self.port = tjanster.ledig_port()
        self.bas = f"http://127.0.0.1:{self.port}"
        self.webb = tjanster.gunicorn(self.env, self.port, workers=3).starta()
        self.worker = tjanster.worker(self.env).starta()
        self.beat = tjanster.Process(
            "beat",
            [
                tjanster.PY,
                "-m",
                "celery",
                "-A",
                "kvalitet",
                "beat",
                "-l",
                "warning",
                "-s",
                str(self.epost / "beat-schema"),
            ],
            env=self.env,
        ).starta()
        tjanster.vanta_pa(lambda: tjanster.svarar(self.bas + "/login/"), vad="gunicorn")
        os.environ.update(
            {"DATABASE_URL": self.databas, "REDIS_URL": self.redis.url, "KVALITET_MILJO": "test"}
        )
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kvalitet.settings")
        import django

        django.setup()

    def stoppa(self):
        for p in (self.beat, self.worker, self.webb):
            p.stoppa()
        self.redis.stoppa()
        if self.pg:
            self.pg.stada()

    def epost_antal(self) -> int:
        return sum(f.read_text(errors="ignore").count("\nSubject: ") for f in self.epost.glob("*.log"))

    def epost_amnen(self) -> Counter:
        """Ämnesraderna (avkodade) i e-postloggen och hur många gånger var och en skickats."""
        from email import message_from_string, policy

        amnen: Counter = Counter()
        for f in self.epost.glob("*.log"):
            # Djangos filbaserade backend skiljer meddelandena åt med en rad av 79 bindestreck.
            for text in f.read_text(errors="ignore").split("\n" + "-" * 79 + "\n"):
                if "Subject:" in text:
                    amnen[str(message_from_string(text.strip(), policy=policy.default)["Subject"])] += 1
        return amnen


class Rapportorer:
    """Trådar som rapporterar avvikelser så fort de kan och noterar varje svar (status, tid)."""

    def __init__(self, bas: str, antal: int = 4):
        self.bas, self.antal = bas, antal
        self.svar: list[tuple[float, int | str, float]] = []
        self.stopp = threading.Event()
        self.las = threading.Lock()

    def _logga_in(self) -> requests.Session:
        s = requests.Session()
        token = CSRF.search(s.get(self.bas + "/login/", timeout=10).text).group(1)
        s.post(
            self.bas + "/login/",
            {"username": "personal", "password": LOSENORD, "csrfmiddlewaretoken": token},
            timeout=10,
        )
        return s

    def _slinga(self):
        s = self._logga_in()
        html = s.get(self.bas + "/avvikelser/rapportera/", timeout=10).text
        enhet = re.search(r'name="enhet"[^>]*>\s*<option value="(\d+)"', html).group(1)
        kategori = re.findall(
            r'<option value="(\d+)"', re.search(r'name="kategori".*?</select>', html, re.S).group(0)
        )[0]
        while not self.stopp.is_set():
            start = time.monotonic()
            try:
                token = s.cookies.get("csrftoken")
                r = s.post(
                    self.bas + "/avvikelser/rapportera/",
                    {
                        "csrfmiddlewaretoken": token,
                        "enhet": enhet,
                        "handelsetid": "2026-11-20T08:30",
                        "lag": "SoL",
                        "kategori": kategori,
                        "beskrivning": MARKOR,
                    },
                    allow_redirects=False,
                    timeout=30,
                )
                utfall: int | str = r.status_code
            except requests.RequestException as fel:
                utfall = type(fel).__name__
            with self.las:
                self.svar.append((time.time(), utfall, time.monotonic() - start))
            time.sleep(0.05)

    def __enter__(self):
        self.tradar = [threading.Thread(target=self._slinga, daemon=True) for _ in range(self.antal)]
        for t in self.tradar:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stopp.set()
        for t in self.tradar:
            t.join(timeout=60)

    def kvitton(self) -> int:
        return sum(1 for _, u, _ in self.svar if u == 302)

    def fordelning(self, fran: float | None = None, till: float | None = None) -> Counter:
        return Counter(
            u for t, u, _ in self.svar if (fran is None or t >= fran) and (till is None or t <= till)
        )


def _lagg_bevakningar(antal: int, forsta: datetime.datetime, steg: float) -> None:
    from django.contrib.auth import get_user_model

    from kvalitet.services import bevakning_lagg

    chef = get_user_model().objects.get(username="enhetschef")
    for i in range(antal):
        bevakning_lagg(
            nyckel=f"feltest:{i}",
            forfaller=forsta + datetime.timedelta(seconds=i * steg),
            mottagare=chef,
            rubrik=f"Feltest {i}",
        )


def _paminnelser() -> tuple[int, int]:
    """(antal notifikationer från feltestets bevakningar, antal olika nycklar)."""
    from django.db import connection

    from kvalitet.models import Notifikation

    connection.close()
    qs = Notifikation.objects.filter(nyckel__startswith="bevakning:feltest:")
    return qs.count(), qs.values("nyckel").distinct().count()


def _vanta_pa_paminnelser(antal: int, sekunder: int = 120) -> tuple[int, int]:
    slut = time.monotonic() + sekunder
    while time.monotonic() < slut:
        n = _paminnelser()
        if n[0] >= antal:
            return n
        time.sleep(1)
    return _paminnelser()


def _vanta_pa_epost(sekunder: int = 120) -> tuple[int, int]:
    """Väntar tills utkorgen är tom för feltestets påminnelser: (skickade enligt databasen, väntande)."""
    from django.db import connection

    from kvalitet.models import Notifikation

    slut = time.monotonic() + sekunder
    while True:
        connection.close()
        qs = Notifikation.objects.filter(nyckel__startswith="bevakning:feltest:", epost=True)
        skickade, vantande = (
            qs.filter(epost_skickad__isnull=False).count(),
            qs.filter(epost_skickad=None).count(),
        )
        if not vantande or time.monotonic() > slut:
            return skickade, vantande
        time.sleep(1)


def fel_redis(args) -> list[str]:
    m = Miljo("kv_fel_redis", privat_pg=False)
    rader, brister = [], []
    try:
        from django.utils import timezone

        from avvikelser.models import Avvikelse

        # 60 påminnelser som förfaller en i sekunden, de flesta under eller efter avbrottet.
        _lagg_bevakningar(60, timezone.now() + datetime.timedelta(seconds=5), 1.0)
        with Rapportorer(m.bas) as last:
            time.sleep(10)
            nere = time.time()
            m.redis.stoppa()
            time.sleep(args.avbrott)
            m.redis.proc.starta()
            uppe = time.time()
            time.sleep(15)
        sparade = Avvikelse.objects.filter(beskrivning=MARKOR).count()
        under = last.fordelning(nere, uppe)
        langsammast = max((d for t, _, d in last.svar if nere <= t <= uppe), default=0.0)
        notiser, nycklar = _vanta_pa_paminnelser(60)
        rader += [
            f"Rapporter med kvitto (302): {last.kvitton()}; sparade i databasen: {sparade}.",
            f"Svar under de {args.avbrott} s Redis var nere: {dict(under)}; långsammaste {langsammast:.2f} s.",
            f"Påminnelser: 60 lagda, {notiser} levererade, {nycklar} olika (e-post: {m.epost_antal()}).",
        ]
        if sparade != last.kvitton():
            brister.append("antalet sparade rapporter skiljer sig från antalet kvitton")
        if any(isinstance(u, str) or (isinstance(u, int) and u >= 500) for _, u, _ in last.svar):
            brister.append("fel eller 5xx under Redis-avbrottet")
        if (notiser, nycklar) != (60, 60):
            brister.append("påminnelser saknas eller är dubblerade")
    finally:
        m.stoppa()
    return _rapport("Redis stoppas och startas under last", rader, brister)


def fel_worker(args) -> list[str]:
    m = Miljo("kv_fel_worker", privat_pg=False, svep_sekunder=2)
    rader, brister = [], []
    try:
        from django.utils import timezone

        antal = 3000
        m.beat.stoppa()  # svepet startas nedan, så att workern kan dödas mitt i det
        _lagg_bevakningar(antal, timezone.now() - datetime.timedelta(minutes=1), 0.0)
        from kvalitet.tasks import bevakningssvep

        bevakningssvep.delay()
        slut = time.monotonic() + 60
        while time.monotonic() < slut and _paminnelser()[0] == 0:
            time.sleep(0.05)
        mitt_i = _paminnelser()[0]
        m.worker.doda()
        rader.append(f"Workern dödades (SIGKILL) när {mitt_i} av {antal} påminnelser var klara.")
        m.worker = tjanster.worker(m.env).starta()
        m.beat.starta()  # beat startar nästa svep; en avbruten uppgift (acks_late) körs också om
        notiser, nycklar = _vanta_pa_paminnelser(antal)
        time.sleep(5)
        notiser, nycklar = _paminnelser()
        rader.append(f"Efter omstart: {notiser} levererade, {nycklar} olika.")
        # E-posten är "minst en gång" (utkorg_skicka): en dödad worker kan skicka en omgång två gånger, men
        # ingen notifikation får bli utan e-post.
        skickade, vantande = _vanta_pa_epost()
        amnen = {a: n for a, n in m.epost_amnen().items() if re.search(r"\bFeltest \d+\b", a)}
        rader.append(
            f"E-post: {skickade} notifikationer markerade skickade, {vantande} väntande; i e-postloggen "
            f"{len(amnen)} olika påminnelser i {sum(amnen.values())} meddelanden "
            f"({sum(n - 1 for n in amnen.values())} skickade två gånger eller fler)."
        )
        if vantande or len(amnen) < antal:
            brister.append("e-post saknas")
        if not 0 < mitt_i < antal:
            rader.append("(Workern hann inte dödas mitt i svepet; kör om med fler påminnelser.)")
        if (notiser, nycklar) != (antal, antal):
            brister.append("påminnelser saknas eller är dubblerade")
    finally:
        m.stoppa()
    return _rapport("Celery-workern dödas mitt i ett svep", rader, brister)


def fel_postgres(args) -> list[str]:
    m = Miljo("", privat_pg=True)
    rader, brister = [], []
    try:
        from django.db import connection

        from avvikelser.models import Avvikelse
        from kvalitet.models import Bevakning

        with Rapportorer(m.bas) as last:
            time.sleep(10)
            nere = time.time()
            m.pg.stoppa("fast")
            time.sleep(args.avbrott)
            m.pg.starta()
            uppe = time.time()
            time.sleep(15)
        connection.close()
        under = last.fordelning(nere, uppe)
        efter = last.fordelning(uppe + 5)
        sparade = Avvikelse.objects.filter(beskrivning=MARKOR)
        halva = (
            sparade.filter(referensnummer__startswith="tmp-").count()
            + sparade.filter(handelser__isnull=True).count()
        )
        utan_bevakning = sum(
            1
            for a in sparade.only("pk")
            if not Bevakning.objects.filter(nyckel__startswith=f"avvikelse:{a.pk}:").exists()
        )
        langsammast = max((d for t, _, d in last.svar if nere <= t <= uppe), default=0.0)
        rader += [
            f"Svar under de {args.avbrott} s PostgreSQL var nere: {dict(under)}; långsammaste {langsammast:.2f} s.",
            f"Svar från 5 s efter omstarten: {dict(efter)} (gunicorn startades inte om).",
            f"Kvitton {last.kvitton()}, sparade {sparade.count()}, halvskrivna {halva}, utan påminnelser {utan_bevakning}.",
        ]
        if any(u == 500 or isinstance(u, str) for u in under):
            brister.append("avbrottet gav 500 eller avbrutna anslutningar i stället för 503")
        if set(efter) - {302}:
            brister.append("appen återhämtade sig inte av sig själv")
        if sparade.count() != last.kvitton() or halva or utan_bevakning:
            brister.append("något är halvskrivet eller saknas")
    finally:
        m.stoppa()
    return _rapport("PostgreSQL startas om under last", rader, brister)


def _rapport(rubrik: str, rader: list[str], brister: list[str]) -> list[str]:
    text = [f"#### {rubrik}: {'godkänt' if not brister else 'UNDERKÄNT'}", ""] + [f"- {r}" for r in rader]
    text += [f"- **Brist:** {b}" for b in brister]
    print("\n".join(text), flush=True)
    return text + ([""] if not brister else ["", "FEL"])


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("fel", choices=["redis", "worker", "postgres", "alla"])
    p.add_argument("--avbrott", type=int, default=15, help="Sekunder som tjänsten är nere.")
    p.add_argument("--skriv", help="Lägg resultatet sist i den här filen (Markdown).")
    args = p.parse_args()
    valda = ["redis", "worker", "postgres"] if args.fel == "alla" else [args.fel]
    text = []
    for namn in valda:
        # Varje fel i en egen process: Django konfigureras mot sin egen databas.
        if len(valda) > 1:
            import subprocess

            r = subprocess.run(
                [sys.executable, __file__, namn, "--avbrott", str(args.avbrott)],
                capture_output=True,
                text=True,
            )
            print(r.stdout, r.stderr[-2000:] if r.returncode else "", flush=True)
            text += [rad for rad in r.stdout.splitlines() if rad.startswith(("####", "- ", ""))] + [""]
            if r.returncode:
                text.append("FEL")
        else:
            text += globals()[f"fel_{namn}"](args)
    if args.skriv:
        with open(args.skriv, "a", encoding="utf-8") as f:
            f.write("\n" + "\n".join(r for r in text if r != "FEL") + "\n")
    sys.exit(1 if "FEL" in text else 0)


if __name__ == "__main__":
    main()
