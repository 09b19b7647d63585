"""Hälsokontroller för containrarna: `python -m kvalitet.halsokontroll web|worker NAMN|beat`.

Avslutar med 0 om tjänsten i den här containern fungerar, annars 1 och orsaken på stderr. Compose (och
containertestet) kör dem i containern; de gör så lite som möjligt, eftersom de körs varje halvminut.
"""

import http.client
import os
import socket
import sys
import time
from datetime import timedelta

# Så länge får beat vara uppe utan att något schemalagt jobb syns i databasen: DatabaseScheduler skriver
# last_run_at var tredje minut, och kortaste schemat är bevakningssvepet (BEVAKNING_SVEP_SEKUNDER).
BEAT_FONSTER = timedelta(minutes=10)


def web() -> str | None:
    # Host måste vara ett av ALLOWED_HOSTS; /health/ är undantagen HTTPS-omdirigeringen.
    vard = os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0].strip()
    port = int(os.environ.get("GUNICORN_BIND", "0.0.0.0:8000").rsplit(":", 1)[1])
    anslutning = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        anslutning.request("GET", "/health/", headers={"Host": vard, "Accept": "application/json"})
        status = anslutning.getresponse().status
    except OSError as fel:
        return f"/health/ svarar inte: {fel}"
    finally:
        anslutning.close()
    return None if status == 200 else f"/health/ svarade {status}"


def worker(namn: str) -> str | None:
    from kvalitet.celery import app

    nod = f"{namn}@{socket.gethostname()}"
    svar = app.control.ping(destination=[nod], timeout=5.0)
    return None if svar else f"{nod} svarar inte på ping"


def _uppe_sekunder() -> float:
    # Huvudprocessen i containern är PID 1; starttiden står i /proc/1/stat (fält 22, i klockslag).
    with open("/proc/1/stat") as f:
        start = int(f.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime") as f:
        uppe = float(f.read().split()[0])
    return uppe - start / os.sysconf("SC_CLK_TCK")


def beat() -> str | None:
    import django

    django.setup()
    from django.utils import timezone
    from django_celery_beat.models import PeriodicTask

    senast = PeriodicTask.objects.filter(enabled=True, last_run_at__isnull=False).order_by("-last_run_at")
    senast = senast.values_list("last_run_at", flat=True).first()
    if senast and timezone.now() - senast < BEAT_FONSTER:
        return None
    if _uppe_sekunder() < BEAT_FONSTER.total_seconds():
        return None  # nystartad: första synken till databasen har inte hunnit komma
    return f"inget schemalagt jobb skickat sedan {senast or 'start'}"


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kvalitet.settings")
    start = time.monotonic()
    try:
        if argv[:1] == ["web"]:
            fel = web()
        elif argv[:1] == ["worker"] and len(argv) == 2:
            fel = worker(argv[1])
        elif argv[:1] == ["beat"]:
            fel = beat()
        else:
            print("Användning: python -m kvalitet.halsokontroll web|worker NAMN|beat", file=sys.stderr)
            return 2
    except Exception as undantag:
        fel = f"{type(undantag).__name__}: {undantag}"
    if fel:
        print(f"ohälsosam ({time.monotonic() - start:.1f} s): {fel}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
