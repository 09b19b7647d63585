"""Svepet utan beat (`manage.py bevakningssvep`, `make sweep`) och nattens städning i beat."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from kvalitet.celery import app
from kvalitet.models import Bevakning, Notifikation
from tests.factories import BrukareFactory, InsatsFactory

pytestmark = pytest.mark.django_db


def test_sweep_command_without_beat_derives_decisions_not_enforced_and_sends_reminders(org, cast):
    from uppfoljning.models import EjVerkstalltBeslut

    brukare = BrukareFactory(namnd=org.n1, handlaggare=cast.hanna)
    sen = InsatsFactory(
        brukare=brukare, enhet=org.e1, beslutsdatum=timezone.localdate() - datetime.timedelta(days=150),
        startdatum=None,
    )  # fmt: skip
    Bevakning.objects.create(
        nyckel="kommando:1", forfaller=timezone.now() - datetime.timedelta(hours=1), mottagare=cast.erik,
        rubrik="Påminn",
    )  # fmt: skip
    ut = io.StringIO()
    call_command("bevakningssvep", stdout=ut)
    assert EjVerkstalltBeslut.objects.filter(insats=sen).exists()
    assert Notifikation.objects.filter(nyckel="bevakning:kommando:1").count() == 1
    assert "uppfoljning.tasks.uppfoljning_svep" in ut.getvalue()


def test_beat_runs_the_nightly_housekeeping_tasks_that_exist():
    app.loader.import_default_modules()
    schema = app.conf.beat_schedule
    for namn in ("rensa_sessioner", "rensa_oppna_inlamningar", "pdf_svep"):
        assert schema[namn]["task"] in app.tasks


def test_expired_sessions_are_cleared(cast):
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    from kvalitet.tasks import rensa_sessioner

    gammal, aktiv = SessionStore(), SessionStore()
    gammal.set_expiry(-10)  # redan utgången
    gammal.create()
    aktiv.create()
    rensa_sessioner.apply().get()
    assert set(Session.objects.values_list("session_key", flat=True)) == {aktiv.session_key}


def test_old_rate_limit_rows_of_the_open_form_are_pruned_but_the_last_hour_stays():
    from avvikelser.models import OppenInlamning
    from avvikelser.tasks import rensa_oppna_inlamningar

    gammal = OppenInlamning.objects.create(klientnyckel="a")
    ny = OppenInlamning.objects.create(klientnyckel="a")
    OppenInlamning.objects.filter(pk=gammal.pk).update(tidpunkt=timezone.now() - datetime.timedelta(days=2))
    assert rensa_oppna_inlamningar.apply().get() == 1
    assert list(OppenInlamning.objects.values_list("pk", flat=True)) == [ny.pk]
