import json

from django.urls import reverse


def _halsa(client):
    svar = client.get(reverse("health"), HTTP_ACCEPT="application/json")
    return svar.status_code, json.loads(svar.content)


def test_health_reports_database_redis_and_celery(db, client, settings, redis_url):
    settings.REDIS_URL = redis_url
    status, data = _halsa(client)
    assert status == 200
    assert data["databas"] == "OK"
    assert data["redis"] == "OK"
    assert "celery" in data  # en worker körs inte i enhetstesterna: varning, inte fel


def test_health_is_degraded_not_failing_when_redis_is_down(db, client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    status, data = _halsa(client)
    assert status == 200
    assert data["databas"] == "OK"
    assert data["redis"].startswith("warning")
    assert data["celery"].startswith("warning")


def test_health_needs_no_login(db, client):
    assert client.get(reverse("health"), HTTP_ACCEPT="application/json").status_code == 200
