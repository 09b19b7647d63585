"""Säkerhetskopia och återställning enligt README: pg_dump, pg_restore i en ny databas, alla poster finns."""

import shutil
import subprocess

import psycopg
import pytest
from django.db import connection

from kvalitet import services
from kvalitet.models import Atkomstlogg

pytestmark = pytest.mark.django_db(transaction=True)


def _anslutning(s, namn):
    return psycopg.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=s["USER"] or "postgres",
        password=s["PASSWORD"] or None,
        dbname=namn,
        autocommit=True,
    )


def _radantal(conn) -> dict[str, int]:
    tabeller = [
        r[0]
        for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
    ]
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tabeller}  # noqa: S608


def test_dump_restores_every_record(postgres, cast, brukare, tmp_path):
    if not shutil.which("pg_dump") or not shutil.which("pg_restore"):
        pytest.fail("pg_dump/pg_restore saknas (postgresql-client)")
    Atkomstlogg.objects.create(anvandare=cast.kim, brukare=brukare.b1, vad="före säkerhetskopian")
    services.notifikation_skapa(nyckel="backup", mottagare=cast.kim, rubrik="x")
    s = connection.settings_dict
    kopia = tmp_path / "kvalitet.dump"
    miljo = {"PGPASSWORD": s["PASSWORD"] or ""}
    vard = ["-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432), "-U", s["USER"] or "postgres"]
    subprocess.run(["pg_dump", *vard, "-Fc", "-f", str(kopia), s["NAME"]], check=True, env=miljo)
    ny = f"{s['NAME']}_aterstalld"
    with _anslutning(s, "postgres") as c:
        c.execute(f'DROP DATABASE IF EXISTS "{ny}"')
        c.execute(f'CREATE DATABASE "{ny}"')
    try:
        subprocess.run(["pg_restore", *vard, "--no-owner", "-d", ny, str(kopia)], check=True, env=miljo)
        with _anslutning(s, s["NAME"]) as original, _anslutning(s, ny) as aterstalld:
            fore, efter = _radantal(original), _radantal(aterstalld)
            assert fore == efter
            assert fore["kvalitet_brukare"] == 5 and fore["kvalitet_atkomstlogg"] == 1
            # Skyddet av loggen följer med i återställningen.
            with pytest.raises(psycopg.errors.RaiseException):
                aterstalld.execute("DELETE FROM kvalitet_atkomstlogg")
    finally:
        with _anslutning(s, "postgres") as c:
            c.execute(f'DROP DATABASE IF EXISTS "{ny}" WITH (FORCE)')


def _filer(rot) -> dict[str, bytes]:
    return {str(f.relative_to(rot)): f.read_bytes() for f in sorted(rot.rglob("*")) if f.is_file()}


def test_nightly_backup_command_restores_database_and_files(postgres, cast, brukare, tmp_path, settings):
    import io
    import tarfile

    from django.core.management import call_command
    from django.utils import timezone

    settings.BACKUP_DIR = tmp_path / "backup"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVAT_MEDIA_ROOT = tmp_path / "privat"
    (settings.MEDIA_ROOT / "rapporter" / "publicerade").mkdir(parents=True)
    (settings.MEDIA_ROOT / "rapporter" / "publicerade" / "v1.pdf").write_bytes(b"%PDF-1.7 publicerad")
    (settings.PRIVAT_MEDIA_ROOT / "bilagor").mkdir(parents=True)
    (settings.PRIVAT_MEDIA_ROOT / "bilagor" / "foto.jpg").write_bytes(b"\xff\xd8\xff bilaga")
    Atkomstlogg.objects.create(anvandare=cast.kim, brukare=brukare.b1, vad="före säkerhetskopian")

    call_command("sakerhetskopia", stdout=io.StringIO())
    idag = timezone.localdate().isoformat()
    dump = settings.BACKUP_DIR / f"kvalitet-{idag}.dump"
    media, privat = (settings.BACKUP_DIR / f"{n}-{idag}.tar.gz" for n in ("media", "privat"))
    assert dump.is_file() and media.is_file() and privat.is_file()
    # Samma dag igen: inget skrivs om.
    tider = {f: f.stat().st_mtime_ns for f in (dump, media, privat)}
    call_command("sakerhetskopia", stdout=io.StringIO())
    assert {f: f.stat().st_mtime_ns for f in tider} == tider
    assert not list(settings.BACKUP_DIR.glob(".*"))  # inga halvfärdiga filer kvar

    # Filerna packas upp i en tom katalog och är desamma.
    aterstallt = tmp_path / "aterstallt"
    for arkiv in (media, privat):
        with tarfile.open(arkiv) as tar:
            tar.extractall(aterstallt, filter="data")
    assert _filer(aterstallt / "media") == _filer(settings.MEDIA_ROOT)
    assert _filer(aterstallt / "privat") == _filer(settings.PRIVAT_MEDIA_ROOT)

    # Databasen återställs i en ny databas med lika många rader i varje tabell.
    s = connection.settings_dict
    miljo = {"PGPASSWORD": s["PASSWORD"] or ""}
    vard = ["-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432), "-U", s["USER"] or "postgres"]
    ny = f"{s['NAME']}_natt"
    with _anslutning(s, "postgres") as c:
        c.execute(f'DROP DATABASE IF EXISTS "{ny}"')
        c.execute(f'CREATE DATABASE "{ny}"')
    try:
        subprocess.run(["pg_restore", *vard, "--no-owner", "-d", ny, str(dump)], check=True, env=miljo)
        with _anslutning(s, s["NAME"]) as original, _anslutning(s, ny) as kopia:
            fore, efter = _radantal(original), _radantal(kopia)
            assert fore == efter
            assert efter["kvalitet_brukare"] == 5 and efter["kvalitet_atkomstlogg"] == 1
    finally:
        with _anslutning(s, "postgres") as c:
            c.execute(f'DROP DATABASE IF EXISTS "{ny}" WITH (FORCE)')


def test_backups_older_than_the_kept_days_are_removed(settings, tmp_path):
    import datetime

    from kvalitet import backup

    settings.BACKUP_DAGAR = 14
    idag = datetime.date(2026, 11, 30)
    for dagar in (13, 14, 15, 40):
        datum = (idag - datetime.timedelta(days=dagar)).isoformat()
        for namn in (f"kvalitet-{datum}.dump", f"media-{datum}.tar.gz", f"privat-{datum}.tar.gz"):
            (tmp_path / namn).write_bytes(b"x")
    (tmp_path / "annat-2020-01-01.dump").write_bytes(b"inte en kopia")
    borttagna = backup.rensa_gamla(tmp_path, idag=idag, dagar=settings.BACKUP_DAGAR)
    assert len(borttagna) == 6
    kvar = sorted(f.name for f in tmp_path.iterdir())
    assert "annat-2020-01-01.dump" in kvar
    assert {n.split("-", 1)[1][:10] for n in kvar if not n.startswith("annat")} == {
        "2026-11-17",
        "2026-11-16",
    }
