"""PDF-workerns pool: solo, prefork med en process och prefork med två, mätt på den här maskinen.

För varje pool startas en riktig Celery-worker på kön `pdf` (som `worker-pdf` i docker-compose.yml, med
--max-tasks-per-child 20 --max-memory-per-child 1000000), och åtta kvalitetsberättelser (demokommunens,
samordnarens nämnd, åtta år) beställs på en gång som i appen (rapporter.tasks.bygg_pdf). Mäts:
  - genomströmning: åtta PDF:er från beställning till "klar", PDF:er per minut;
  - högsta RSS för workerns processer tillsammans och för den största (psutil, var 50:e ms);
  - om Celerys tidsgränser gäller: en uppgift som sover 6 s med soft_time_limit=1 (fångar den mjuka
    gränsen om den kommer) och en som struntar i den mjuka gränsen, med time_limit=3 (dödas den?).
Egen PostgreSQL-databas och egen Redis-databas, så att inget annat påverkas:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kv_pdf_pool REDIS_URL=redis://127.0.0.1:6379/5 \\
      .venv/bin/python bench/pdf_pool.py
"""

import os
import subprocess
import sys
import time
from pathlib import Path

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

ROT = Path(__file__).resolve().parents[1]
POOLER = [("solo", 1), ("prefork", 1), ("prefork", 2)]
ANTAL = 8
WORKERFLAGGOR = ["--max-tasks-per-child", "20", "--max-memory-per-child", "1000000"]


@shared_task(name="bench.pdf_pool.sov")
def sov(sekunder: float, fanga_mjuk: bool) -> str:
    """Provuppgift för tidsgränserna (körs i workern, som importerar modulen med -I)."""
    slut = time.monotonic() + sekunder
    while time.monotonic() < slut:
        try:
            time.sleep(0.1)
        except SoftTimeLimitExceeded:
            if fanga_mjuk:
                return "mjuk gräns kom"
            # Struntar i den mjuka gränsen: bara den hårda kan stoppa uppgiften.
    return "sov klart (ingen gräns)"


def _trad_rss(pid: int) -> tuple[int, int]:
    import psutil

    try:
        rot = psutil.Process(pid)
        processer = [rot, *rot.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0, 0
    rss = []
    for p in processer:
        try:
            rss.append(p.memory_info().rss)
        except psutil.NoSuchProcess:
            pass
    return sum(rss), max(rss, default=0)


def _forbered():
    import io

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from kvalitet.models import Rolltilldelning
    from rapporter.models import Kvalitetsberattelse

    if connection.vendor != "postgresql":
        sys.exit("Mätningen kräver PostgreSQL (DATABASE_URL).")
    call_command("migrate", verbosity=0)
    if not Kvalitetsberattelse.objects.exists():
        call_command("seed_demo", stdout=io.StringIO())
    user = get_user_model().objects.get(username="kvalitetssamordnare")
    nod = Rolltilldelning.objects.filter(anvandare=user, roll="kvalitetssamordnare").first().nod
    forsta = Kvalitetsberattelse.objects.filter(nod=nod).order_by("-ar").first()
    ider = []
    for i in range(ANTAL):
        b, _ = Kvalitetsberattelse.objects.get_or_create(
            nod=nod, ar=forsta.ar - i, defaults={"skapad_av": user, "texter": forsta.texter}
        )
        ider.append(b.pk)
    return user, ider


def _starta_worker(pool: int, samtidiga: int, miljo: dict) -> subprocess.Popen:
    from kvalitet.celery import app

    namn = f"pdfpool-{pool}-{samtidiga}-{os.getpid()}"
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "kvalitet", "worker", "-Q", "pdf", "-P", pool,
         "-c", str(samtidiga), *WORKERFLAGGOR, "-n", f"{namn}@%h", "-I", "bench.pdf_pool", "-l", "warning"],
        cwd=ROT, env=miljo, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(120):
        if any(namn in next(iter(s)) for s in app.control.ping(timeout=1.0) or []):
            return process
        if process.poll() is not None:
            break
    process.kill()
    sys.exit(f"Workern ({pool}, {samtidiga}) startade inte.")


def _tidsgranser() -> dict:
    from celery.exceptions import TimeLimitExceeded

    ut = {}
    for namn, fanga in (("mjuk", True), ("hard", False)):
        t0 = time.monotonic()
        svar = sov.apply_async((6, fanga), queue="pdf", soft_time_limit=1, time_limit=3)
        try:
            ut[namn] = svar.get(timeout=30, propagate=True)
        except TimeLimitExceeded:
            ut[namn] = "dödad av hård gräns"
        except Exception as undantag:  # noqa: BLE001 (mätningen skriver ut vad som hände)
            ut[namn] = f"{type(undantag).__name__}: {undantag}"[:80]
        ut[namn] += f" efter {time.monotonic() - t0:.1f} s"
    return ut


def _mat(pool: str, samtidiga: int, user, ider: list[int], miljo: dict) -> dict:
    from django.utils import timezone

    from rapporter import tasks
    from rapporter.models import Kvalitetsberattelse, Pdfstatus

    Kvalitetsberattelse.objects.filter(pk__in=ider).update(
        pdf_status=Pdfstatus.KOAD, pdf_bestalld_av=user, pdf_koad=timezone.now(), pdf_startad=None,
        pdf_framsteg=0, pdf_fel="", pdf="",
    )  # fmt: skip
    process = _starta_worker(pool, samtidiga, miljo)
    try:
        last_fore = os.getloadavg()[0]
        topp_summa = topp_enskild = 0
        t0 = time.monotonic()
        for pk in ider:
            tasks.bygg_pdf.delay(pk, user.pk)
        klara, slut = 0, t0 + 900
        while time.monotonic() < slut:
            summa, enskild = _trad_rss(process.pid)
            topp_summa, topp_enskild = max(topp_summa, summa), max(topp_enskild, enskild)
            lagen = list(Kvalitetsberattelse.objects.filter(pk__in=ider).values_list("pdf_status", flat=True))
            klara = sum(s in (Pdfstatus.KLAR, Pdfstatus.FEL) for s in lagen)
            if klara == len(ider):
                break
            time.sleep(0.05)
        tid = time.monotonic() - t0
        fel = Kvalitetsberattelse.objects.filter(pk__in=ider, pdf_status=Pdfstatus.FEL).count()
        granser = _tidsgranser()
        return {
            "pool": f"{pool} -c {samtidiga}",
            "sekunder": tid,
            "per_minut": 60 * len(ider) / tid,
            "klara": klara - fel,
            "fel": fel,
            "topp_mb": topp_summa / 2**20,
            "topp_enskild_mb": topp_enskild / 2**20,
            "last": (last_fore, os.getloadavg()[0]),
            **granser,
        }
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()


def main():
    import tempfile

    sys.path.insert(0, str(ROT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kvalitet.settings")
    os.environ.setdefault("KVALITET_MILJO", "test")
    if not os.environ.get("REDIS_URL"):
        sys.exit("REDIS_URL krävs (en egen Redis-databas: kön pdf töms).")
    import django

    django.setup()
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.REDIS_URL).delete("pdf")
    user, ider = _forbered()
    media = tempfile.mkdtemp(prefix="pdf_pool_")
    miljo = {**os.environ, "REDIS_URL": settings.REDIS_URL, "MEDIA_ROOT": media}
    print(
        f"{ANTAL} kvalitetsberättelser per pool, worker-pdf: {' '.join(WORKERFLAGGOR)}; {os.cpu_count()} kärnor"
    )
    rader = [_mat(pool, n, user, ider, miljo) for pool, n in POOLER]
    print(
        "| pool | 8 PDF:er | PDF/min | klara/fel | högsta RSS, alla processer | största process "
        "| last före/efter | soft_time_limit=1 | time_limit=3 |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rader:
        print(
            f"| `{r['pool']}` | {r['sekunder']:.1f} s | {r['per_minut']:.1f} | {r['klara']}/{r['fel']} "
            f"| {r['topp_mb']:.0f} MB | {r['topp_enskild_mb']:.0f} MB | {r['last'][0]:.1f}/{r['last'][1]:.1f} "
            f"| {r['mjuk']} | {r['hard']} |"
        )


if __name__ == "__main__":
    main()
