import json

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from kvalitet.health import CELERY_CACHENYCKEL


@pytest.fixture(autouse=True)
def _tom_cache():
    cache.delete(CELERY_CACHENYCKEL)
    yield
    cache.delete(CELERY_CACHENYCKEL)


@pytest.fixture
def personal(db, client):
    user = get_user_model().objects.create_user("drift", password="x", is_staff=True)
    client.force_login(user)
    return user


def _halsa(client):
    svar = client.get(reverse("health"), HTTP_ACCEPT="application/json")
    return svar.status_code, json.loads(svar.content)


def test_health_reports_database_redis_and_celery(personal, client, settings, redis_url):
    settings.REDIS_URL = redis_url
    status, data = _halsa(client)
    assert status == 200
    assert data["databas"] == "OK"
    assert data["redis"] == "OK"
    assert "celery" in data  # en worker körs inte i enhetstesterna: varning, inte fel


def test_health_is_degraded_not_failing_when_redis_is_down(personal, client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    status, data = _halsa(client)
    assert status == 200
    assert data["databas"] == "OK"
    assert data["redis"].startswith("warning")
    assert data["celery"].startswith("warning")


def test_health_is_degraded_not_failing_when_the_cache_is_down(personal, client, settings, redis_url):
    # Så sågs det i containertestet: en cache som inte svarar gav 500 från /health/.
    from django.test import override_settings

    settings.REDIS_URL = redis_url
    dod = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with override_settings(CACHES=dod):  # bara under anropet: fixturerna tömmer den riktiga cachen efteråt
        status, data = _halsa(client)
    assert status == 200
    assert data["databas"] == "OK"
    assert data["celery"].startswith("warning") and "Cachen" in data["celery"]


def test_health_needs_no_login(db, client):
    assert client.get(reverse("health"), HTTP_ACCEPT="application/json").status_code == 200


def test_anonymous_caller_gets_only_the_overall_status(db, client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    for accept in ("application/json", "text/html"):
        svar = client.get(reverse("health"), HTTP_ACCEPT=accept)
        assert svar.status_code == 200
        assert json.loads(svar.content) == {"status": "nedsatt"}


def test_celery_check_is_cached_between_calls(db, client, settings, redis_url, monkeypatch):
    from kvalitet.celery import app

    settings.REDIS_URL = redis_url
    anrop = []
    riktig_ping = app.control.ping

    def raknad_ping(*args, **kwargs):
        anrop.append(1)
        return riktig_ping(*args, **kwargs)

    monkeypatch.setattr(app.control, "ping", raknad_ping)
    for _ in range(5):
        assert client.get(reverse("health"), HTTP_ACCEPT="application/json").status_code == 200
    assert len(anrop) == 1
