"""Containrarnas hälsokontroller (kvalitet.halsokontroll) mot riktig app, worker och databas."""

import os
import socket
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from kvalitet import halsokontroll


def test_web_check_passes_against_the_running_app(live_server, monkeypatch):
    monkeypatch.setenv("GUNICORN_BIND", f"0.0.0.0:{urlsplit(live_server.url).port}")
    monkeypatch.setenv("ALLOWED_HOSTS", "localhost")
    assert halsokontroll.web() is None


def test_web_check_fails_when_nothing_listens(monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        ledig = s.getsockname()[1]
    monkeypatch.setenv("GUNICORN_BIND", f"0.0.0.0:{ledig}")
    assert "svarar inte" in halsokontroll.web()
    assert halsokontroll.main(["web"]) == 1


@pytest.mark.django_db(transaction=True)
def test_worker_check_pings_only_the_named_worker_on_this_host(starta_worker):
    namn = f"halsa-{os.getpid()}"
    starta_worker(namn=namn)
    assert halsokontroll.worker(namn) is None
    assert "svarar inte" in halsokontroll.worker("finns-inte")


def _jobb(senast):
    intervall = IntervalSchedule.objects.create(every=60, period=IntervalSchedule.SECONDS)
    return PeriodicTask.objects.create(
        name="svep", task="kvalitet.tasks.bevakningssvep", interval=intervall, last_run_at=senast
    )


@pytest.mark.django_db
def test_beat_check_passes_when_a_task_was_sent_recently(monkeypatch):
    monkeypatch.setattr(halsokontroll, "_uppe_sekunder", lambda: 3600.0)
    _jobb(timezone.now() - timedelta(minutes=2))
    assert halsokontroll.beat() is None


@pytest.mark.django_db
def test_beat_check_fails_when_nothing_was_sent_long_after_start(monkeypatch):
    monkeypatch.setattr(halsokontroll, "_uppe_sekunder", lambda: 3600.0)
    _jobb(timezone.now() - timedelta(hours=1))
    assert "inget schemalagt jobb" in halsokontroll.beat()


@pytest.mark.django_db
def test_beat_check_gives_a_fresh_beat_time_before_its_first_sync(monkeypatch):
    monkeypatch.setattr(halsokontroll, "_uppe_sekunder", lambda: 30.0)
    assert halsokontroll.beat() is None


def test_uptime_of_the_main_process_is_read_from_proc():
    assert halsokontroll._uppe_sekunder() > 0
