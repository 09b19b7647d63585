"""Påminnelser: förfallna bevakningar blir en notifikation var, en gång, och e-post går via utkorgen."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from kvalitet import services
from kvalitet.models import Bevakning, BevakningStatus, Notifikation


def _lagg(cast, nyckel="test:1", dagar=-1):
    return services.bevakning_lagg(
        nyckel=nyckel,
        forfaller=timezone.now() + datetime.timedelta(days=dagar),
        mottagare=cast.erik,
        rubrik="Avvikelse ej påbörjad",
        text="Avvikelse 1 väntar.",
        lank="/avvikelser/1/",
    )


def test_due_reminder_becomes_exactly_one_notification_even_if_swept_twice(cast):
    _lagg(cast)
    assert services.bevakningar_svep() == 1
    assert services.bevakningar_svep() == 0
    assert Notifikation.objects.filter(nyckel="bevakning:test:1", mottagare=cast.erik).count() == 1


def test_reminder_not_yet_due_waits(cast):
    _lagg(cast, dagar=3)
    assert services.bevakningar_svep() == 0
    assert services.bevakningar_svep(nu=timezone.now() + datetime.timedelta(days=4)) == 1


def test_cancelled_reminder_is_never_sent(cast):
    _lagg(cast)
    assert services.bevakning_avbryt(nyckel="test:1")
    assert services.bevakningar_svep() == 0
    assert not Notifikation.objects.exists()


def test_rescheduling_a_sent_reminder_does_not_send_again(cast):
    _lagg(cast)
    services.bevakningar_svep()
    _lagg(cast, dagar=-2)
    assert Bevakning.objects.get(nyckel="test:1").status == BevakningStatus.SKICKAD
    assert services.bevakningar_svep() == 0


def test_lost_sweep_result_is_not_doubled_when_notification_already_exists(cast):
    # Ett svep som skapade notifikationen men föll innan bevakningen märktes skickad: nästa svep dubblar inte.
    _lagg(cast)
    services.notifikation_skapa(nyckel="bevakning:test:1", mottagare=cast.erik, rubrik="x")
    services.bevakningar_svep()
    assert Notifikation.objects.filter(nyckel="bevakning:test:1").count() == 1


def test_outbox_sends_email_once(cast):
    _lagg(cast)
    services.bevakningar_svep()
    assert services.utkorg_skicka() == 1
    assert services.utkorg_skicka() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [cast.erik.email]
    assert "/avvikelser/1/" in mail.outbox[0].body


def test_failing_email_is_retried_then_given_up(cast, settings):
    settings.EMAIL_BACKEND = "tests.kvalitet.test_bevakning.TrasigBackend"
    _lagg(cast)
    services.bevakningar_svep()
    for _ in range(6):
        services.utkorg_skicka()
    n = Notifikation.objects.get()
    assert n.epost_skickad is None and n.epost_forsok == 5


class TrasigBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP nere")


def test_notification_key_is_unique(cast):
    assert services.notifikation_skapa(nyckel="k", mottagare=cast.erik, rubrik="a") is not None
    assert services.notifikation_skapa(nyckel="k", mottagare=cast.erik, rubrik="a") is None
    assert Notifikation.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_never_double(postgres, org):
    from tests.factories import UserFactory

    mottagare = UserFactory()
    for i in range(300):
        Bevakning.objects.create(
            nyckel=f"par:{i}",
            forfaller=timezone.now() - datetime.timedelta(minutes=1),
            mottagare=mottagare,
            rubrik=f"Påminnelse {i}",
        )
    resultat = []

    def svep():
        try:
            resultat.append(services.bevakningar_svep(batch=50))
        finally:
            connection.close()

    tradar = [threading.Thread(target=svep) for _ in range(3)]
    for t in tradar:
        t.start()
    for t in tradar:
        t.join()
    assert sum(resultat) == 300
    assert Notifikation.objects.count() == 300
    assert not Bevakning.objects.filter(status=BevakningStatus.VANTAR).exists()
