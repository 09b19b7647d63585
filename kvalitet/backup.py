"""Säkerhetskopian: databasen (pg_dump -Fc) och filerna (MEDIA_ROOT, PRIVAT_MEDIA_ROOT som tar.gz) i
BACKUP_DIR, en uppsättning per dag. Körs av Celery beat varje natt eller `manage.py sakerhetskopia`.

En ny körning samma dag gör ingenting (filerna finns); en fil skrivs först under ett tillfälligt namn och
byts sedan på plats, så att en avbruten körning aldrig lämnar en halv kopia som ser färdig ut. Kopior
äldre än BACKUP_DAGAR tas bort. SQLite (demon) kopieras med SQLites egen backup.
"""

import datetime
import logging
import os
import re
import sqlite3
import subprocess  # nosec B404
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

logger = logging.getLogger(__name__)

NAMN = re.compile(r"^(kvalitet|media|privat)-(\d{4}-\d{2}-\d{2})\.(dump|sqlite3|tar\.gz)$")


def _skriv(mal: Path, skapa) -> Path:
    tillfallig = mal.with_name(f".{mal.name}.pagar")
    tillfallig.unlink(missing_ok=True)
    try:
        skapa(tillfallig)
        os.replace(tillfallig, mal)
    finally:
        tillfallig.unlink(missing_ok=True)
    return mal


def _databas(mal: Path) -> None:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        with sqlite3.connect(s["NAME"]) as kalla, sqlite3.connect(mal) as kopia:
            kalla.backup(kopia)
        return
    miljo = {**os.environ, "PGPASSWORD": s["PASSWORD"] or ""}
    argument = ["pg_dump", "-Fc", "-f", str(mal), "-h", s["HOST"] or "127.0.0.1"]
    argument += ["-p", str(s["PORT"] or 5432), "-U", s["USER"] or "postgres", s["NAME"]]
    # pg_dump ur PATH med argument ur inställningarna, utan skal.
    subprocess.run(argument, check=True, env=miljo, capture_output=True, timeout=6 * 3600)  # noqa: S603  # nosec B603


def _katalog(kalla: Path, namn: str):
    def skapa(mal: Path) -> None:
        with tarfile.open(mal, "w:gz") as tar:
            if kalla.exists():
                tar.add(kalla, arcname=namn)

    return skapa


def rensa_gamla(katalog: Path, *, idag: datetime.date, dagar: int) -> list[Path]:
    """Tar bort kopior vars datum ligger mer än `dagar` dagar före idag; bara filer med kopians namn."""
    grans = idag - datetime.timedelta(days=dagar)
    borttagna = []
    for fil in katalog.iterdir():
        traff = NAMN.match(fil.name)
        if traff and datetime.date.fromisoformat(traff[2]) < grans:
            fil.unlink()
            borttagna.append(fil)
    return borttagna


def sakerhetskopia_skapa(*, idag: datetime.date | None = None) -> list[Path]:
    """Skapar dagens kopior som saknas och rensar gamla. Returnerar dagens filer."""
    idag = idag or timezone.localdate()
    katalog = Path(settings.BACKUP_DIR)
    katalog.mkdir(parents=True, exist_ok=True)
    datum = idag.isoformat()
    delar = [
        (katalog / f"kvalitet-{datum}.{'sqlite3' if connection.vendor == 'sqlite' else 'dump'}", _databas),
        (katalog / f"media-{datum}.tar.gz", _katalog(Path(settings.MEDIA_ROOT), "media")),
        (katalog / f"privat-{datum}.tar.gz", _katalog(Path(settings.PRIVAT_MEDIA_ROOT), "privat")),
    ]
    filer = []
    for mal, skapa in delar:
        if not mal.exists():
            _skriv(mal, skapa)
            logger.info("Säkerhetskopia skriven: %s", mal.name)
        filer.append(mal)
    for fil in rensa_gamla(katalog, idag=idag, dagar=settings.BACKUP_DAGAR):
        logger.info("Gammal säkerhetskopia borttagen: %s", fil.name)
    return filer
