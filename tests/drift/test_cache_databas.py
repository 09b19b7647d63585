"""Cachen har en egen Redis-databas: cache.clear() är FLUSHDB och får aldrig tömma Celerys kö."""

import json
import os
import subprocess
import sys
import uuid

import pytest
import redis
from django.conf import settings
from django.core.cache import cache

from kvalitet.settings import redis_databas
from tests.conftest import ROT


def _databas(url: str) -> int:
    return redis.connection.parse_url(url).get("db", 0)


def test_cache_clear_leaves_a_queued_task_in_the_broker(redis_url):
    from kvalitet.celery import app

    broker, cacheadress = settings.CELERY_BROKER_URL, settings.CACHES["default"]["LOCATION"]
    assert broker == redis_url
    assert _databas(cacheadress) != _databas(broker)
    # En egen kö som ingen worker lyssnar på: uppgiften ligger kvar tills testet tar bort den.
    ko = f"cachetest-{uuid.uuid4().hex}"
    klient = redis.Redis.from_url(broker)
    try:
        app.send_task("kvalitet.tasks.rensa_sessioner", queue=ko)
        assert klient.llen(ko) == 1
        cache.set("cachetest", "ja", 60)
        cache.clear()
        assert cache.get("cachetest") is None
        assert klient.llen(ko) == 1, "cache.clear() tömde brokerns databas"
        # Och cachens nycklar ligger inte i brokerns databas.
        cache.set("cachetest", "ja", 60)
        assert cache.get("cachetest") == "ja"
        assert not klient.keys("kvalitet:*")
    finally:
        klient.delete(ko)


def _adresser(miljo: dict) -> dict:
    kod = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps([settings.CELERY_BROKER_URL, settings.CACHES['default'].get('LOCATION')]))"
    )
    bas = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CACHE_URL", "PYTEST_XDIST_WORKER")}
    ut = subprocess.run(
        [sys.executable, "-c", kod], cwd=ROT, env={**bas, **miljo}, capture_output=True, text=True, check=True
    )
    return json.loads(ut.stdout)


def test_parallel_test_workers_never_share_a_redis_database():
    # Som CI (.ci/run: REDIS_URL db 0, make test) och tests/conftest.py: arbetare gwN har brokern 0 + 2N,
    # cachen 0 + 2N + 1 och brokern för riktiga workers KVALITET_TEST_BROKER_DB (9) + 2N. Så många
    # arbetare som får plats i Redis 16 databaser (0-15): fyra.
    anvanda: dict[int, str] = {}
    for n in range(4):
        broker, cacheadress = _adresser(
            {
                "KVALITET_MILJO": "test",
                "REDIS_URL": "redis://127.0.0.1:6379/0",
                "PYTEST_XDIST_WORKER": f"gw{n}",
            }
        )
        for roll, db in (
            ("broker", _databas(broker)),
            ("cache", _databas(cacheadress)),
            ("testbroker", 9 + 2 * n),
        ):
            assert db not in anvanda, f"gw{n} {roll} db {db} används redan av {anvanda.get(db)}"
            assert 0 <= db <= 15
            anvanda[db] = f"gw{n} {roll}"
    assert len(anvanda) == 12


def test_production_cache_is_the_next_database_unless_cache_url_is_set():
    miljo = {"KVALITET_MILJO": "demo", "REDIS_URL": "redis://redis:6379/0"}
    assert _adresser(miljo) == ["redis://redis:6379/0", "redis://redis:6379/1"]
    assert _adresser({**miljo, "CACHE_URL": "redis://cachevard:6379/4"})[1] == "redis://cachevard:6379/4"
    assert _adresser({"KVALITET_MILJO": "demo"})[1] is None  # demo utan Redis: lokalt minne


def test_redis_database_15_without_cache_url_stops_with_a_message():
    # Cachen skulle hamna i db 16, som en vanlig Redis inte har: hellre stopp vid start än fel i varje anrop.
    kod = "import django; django.setup()"
    bas = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CACHE_URL", "PYTEST_XDIST_WORKER")}
    ut = subprocess.run(
        [sys.executable, "-c", kod], cwd=ROT, capture_output=True, text=True,
        env={**bas, "KVALITET_MILJO": "demo", "REDIS_URL": "redis://redis:6379/15"},
    )  # fmt: skip
    assert ut.returncode != 0 and "sätt CACHE_URL" in ut.stderr
    assert _adresser({"KVALITET_MILJO": "demo", "REDIS_URL": "redis://r/15", "CACHE_URL": "redis://r/3"})[1]


@pytest.mark.parametrize(
    ("url", "vantat"),
    [
        ("redis://redis:6379", "redis://redis:6379/1"),
        ("redis://redis:6379/0", "redis://redis:6379/1"),
        ("rediss://:hemligt@redis.kommun.se:6380/7", "rediss://:hemligt@redis.kommun.se:6380/8"),
        ("redis://redis:6379/2?socket_timeout=5", "redis://redis:6379/3?socket_timeout=5"),
        ("unix:///run/redis.sock?db=3", "unix:///run/redis.sock?db=4"),
        ("unix:///run/redis.sock", "unix:///run/redis.sock?db=1"),
    ],
)
def test_next_redis_database_keeps_host_password_and_options(url, vantat):
    assert redis_databas(url, 1) == vantat
