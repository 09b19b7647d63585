"""Cachen ligger i Redis när REDIS_URL är satt, så att alla webbprocesser och workern ser samma värden."""

import os
import subprocess
import sys

from django.core.cache import cache

from tests.conftest import ROT


def test_cache_is_redis_with_redis_url_and_local_memory_without(redis_url):
    kod = "import django; django.setup(); from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    utan = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL", "CI")}
    for env, vantat in (
        ({**os.environ, "REDIS_URL": redis_url}, "django.core.cache.backends.redis.RedisCache"),
        (utan, "django.core.cache.backends.locmem.LocMemCache"),
    ):
        ut = subprocess.run(
            [sys.executable, "-c", kod], cwd=ROT, env=env, capture_output=True, text=True, check=True
        )
        assert ut.stdout.strip() == vantat


def test_a_value_cached_by_another_process_is_seen_here(redis_url):
    kod = "import django; django.setup(); from django.core.cache import cache; cache.set('delad-nyckel', 'från den andra', 60)"
    subprocess.run(
        [sys.executable, "-c", kod], cwd=ROT, env={**os.environ, "REDIS_URL": redis_url}, check=True
    )
    assert cache.get("delad-nyckel") == "från den andra"


def test_the_cache_starts_empty_in_every_test_first():
    assert cache.get("lacker") is None
    cache.set("lacker", "ja", 60)


def test_the_cache_starts_empty_in_every_test_second():
    assert cache.get("lacker") is None
    cache.set("lacker", "ja", 60)
