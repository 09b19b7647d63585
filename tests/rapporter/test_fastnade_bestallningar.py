"""Ingen PDF-beställning blir kvar i "koad" eller "pågår" för alltid: svepet köar om eller markerar fel."""

import datetime
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from kvalitet.celery import app
from rapporter import services
from rapporter.models import Kvalitetsberattelse, Pdfstatus
from rapporter.tasks import pdf_svep
from tests.conftest import ny_pool
from tests.rapporter.factories import KvalitetsberattelseFactory


def _aldra(b, **falt):
    Kvalitetsberattelse.objects.filter(pk=b.pk).update(**falt)


def _sedan(**delta):
    return timezone.now() - datetime.timedelta(**delta)


@pytest.mark.django_db(transaction=True)
def test_an_order_lost_while_the_broker_was_down_is_requeued_and_built(
    broker, starta_worker, org, cast, tmp_path
):
    riktig = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # brokern är nere när samordnaren beställer
    ny_pool()
    b = KvalitetsberattelseFactory(nod=org.n1, skapad_av=cast.kim)
    assert services.pdf_bestall(berattelse=b, av=cast.kim)
    app.conf.broker_url = riktig
    ny_pool()
    b.refresh_from_db()
    assert b.pdf_status == Pdfstatus.KOAD
    # Inom väntetiden rörs den inte; efter den köar svepet om den.
    assert services.pdf_fastnade_svep() == {"avbrutna": 0, "uppgivna": 0, "omkoade": 0}
    _aldra(b, pdf_koad=_sedan(minutes=16))
    assert pdf_svep.apply().get() == {"avbrutna": 0, "uppgivna": 0, "omkoade": 1}
    starta_worker(koer=("pdf",), miljo={"MEDIA_ROOT": str(tmp_path / "media")})
    for _ in range(120):
        b.refresh_from_db()
        if b.pdf_status in (Pdfstatus.KLAR, Pdfstatus.FEL):
            break
        time.sleep(0.5)
    assert b.pdf_status == Pdfstatus.KLAR
    assert b.pdf_omkoningar == 1


@pytest.mark.django_db
def test_an_order_requeued_too_often_fails_with_a_message_the_coordinator_sees(org, cast, logga_in, settings):
    b = KvalitetsberattelseFactory(
        nod=org.n1, skapad_av=cast.kim, pdf_status=Pdfstatus.KOAD, pdf_bestalld_av=cast.kim,
        pdf_koad=_sedan(minutes=16), pdf_omkoningar=settings.RAPPORTER_PDF_MAX_OMKONINGAR,
    )  # fmt: skip
    assert services.pdf_fastnade_svep()["uppgivna"] == 1
    b.refresh_from_db()
    assert b.pdf_status == Pdfstatus.FEL
    sida = logga_in(cast.kim).get(reverse("rapporter:pdf_status", args=[b.pk])).content.decode()
    assert "Rapporten kunde inte skapas (arbetet avbröts). Beställ igen." in sida
    assert "Skapa utkast-PDF" in sida  # och kan beställa igen


@pytest.mark.django_db
def test_an_order_running_past_the_hard_limit_fails_but_a_running_one_is_left_alone(org, cast, settings):
    grans = settings.RAPPORTER_PDF_TIDSGRANS_HARD + services.PAGAR_MARGINAL
    dog = KvalitetsberattelseFactory(
        nod=org.n1,
        ar=2023,
        skapad_av=cast.kim,
        pdf_status=Pdfstatus.PAGAR,
        pdf_startad=_sedan(seconds=grans + 5),
    )
    arbetar = KvalitetsberattelseFactory(
        nod=org.n1,
        ar=2024,
        skapad_av=cast.kim,
        pdf_status=Pdfstatus.PAGAR,
        pdf_startad=_sedan(seconds=grans - 30),
    )
    assert services.pdf_fastnade_svep()["avbrutna"] == 1
    dog.refresh_from_db()
    arbetar.refresh_from_db()
    assert (dog.pdf_status, dog.pdf_fel) == (Pdfstatus.FEL, services.AVBROTT_FEL)
    assert arbetar.pdf_status == Pdfstatus.PAGAR


@pytest.mark.django_db
def test_the_sweep_command_without_beat_also_handles_stuck_orders(org, cast):
    from django.core.management import call_command

    b = KvalitetsberattelseFactory(
        nod=org.n1, skapad_av=cast.kim, pdf_status=Pdfstatus.PAGAR, pdf_startad=_sedan(hours=2)
    )
    call_command("bevakningssvep")
    b.refresh_from_db()
    assert b.pdf_status == Pdfstatus.FEL
