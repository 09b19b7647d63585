"""Produktionsläget vägrar starta utan riktig SECRET_KEY och ALLOWED_HOSTS."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROT = Path(__file__).resolve().parents[2]
GOD_NYCKEL = "k" * 20 + "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdef"


def _starta(**miljo):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG")}
    env.update(miljo)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('startade')"],
        cwd=ROT,
        env={**env, "DJANGO_SETTINGS_MODULE": "kvalitet.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "miljo, fel",
    [
        ({"ALLOWED_HOSTS": "kvalitet.kommun.se"}, "SECRET_KEY"),
        ({"SECRET_KEY": "kort", "ALLOWED_HOSTS": "kvalitet.kommun.se"}, "SECRET_KEY"),
        ({"SECRET_KEY": GOD_NYCKEL}, "ALLOWED_HOSTS"),
        ({"SECRET_KEY": GOD_NYCKEL, "ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
        ({"SECRET_KEY": GOD_NYCKEL, "ALLOWED_HOSTS": "a.se", "DATABASE_URL": "sqlite:///x.db"}, "PostgreSQL"),
    ],
)
def test_production_refuses_to_start_without_real_settings(miljo, fel):
    resultat = _starta(KVALITET_MILJO="production", **miljo)
    assert resultat.returncode != 0
    assert fel in resultat.stderr


def test_production_starts_with_real_settings():
    resultat = _starta(
        KVALITET_MILJO="production",
        SECRET_KEY=GOD_NYCKEL,
        ALLOWED_HOSTS="kvalitet.kommun.se",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/kvalitet",
    )
    assert resultat.returncode == 0, resultat.stderr
    assert "startade" in resultat.stdout


def test_demo_starts_with_no_environment_at_all():
    resultat = _starta(KVALITET_MILJO="demo", DATABASE_URL="", REDIS_URL="")
    assert resultat.returncode == 0, resultat.stderr
