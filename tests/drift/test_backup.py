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
