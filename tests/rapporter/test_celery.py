"""PDF:en byggs av en riktig Celery-worker; webbegäran väntar inte på den."""

import time

import pytest

from rapporter import services
from rapporter.models import Kvalitetsberattelse, Pdfstatus
from tests.rapporter.factories import KvalitetsberattelseFactory


@pytest.mark.django_db(transaction=True)
def test_real_worker_builds_the_pdf_and_the_page_sees_progress(worker, org, cast, logga_in):
    from django.urls import reverse

    b = KvalitetsberattelseFactory(nod=org.n1, skapad_av=cast.kim)
    assert services.pdf_bestall(berattelse=b, av=cast.kim)
    for _ in range(120):
        b.refresh_from_db()
        if b.pdf_status in (Pdfstatus.KLAR, Pdfstatus.FEL):
            break
        time.sleep(0.5)
    assert b.pdf_status == Pdfstatus.KLAR, b.pdf_fel
    with b.pdf.open("rb") as f:
        assert f.read(4) == b"%PDF"
    assert (
        "Hämta utkast-PDF"
        in logga_in(cast.kim).get(reverse("rapporter:pdf_status", args=[b.pk])).content.decode()
    )
    assert Kvalitetsberattelse.objects.get(pk=b.pk).pdf_framsteg == 100


def _vanta_pa(b, *lagen, sekunder=60):
    for _ in range(sekunder * 2):
        b.refresh_from_db()
        if b.pdf_status in lagen:
            return
        time.sleep(0.5)


def _ko_langd(broker, ko):
    import redis

    return redis.Redis.from_url(broker).llen(ko)


def test_pdf_task_is_routed_to_the_pdf_queue_with_time_limits_and_sweeps_stay_on_the_default(settings):
    from kvalitet.celery import app

    app.loader.import_default_modules()
    ko = {namn: app.amqp.router.route({}, namn)["queue"].name for namn in settings.KVALITET_SVEP}
    assert ko == dict.fromkeys(settings.KVALITET_SVEP, "celery")
    assert app.amqp.router.route({}, "rapporter.tasks.bygg_pdf")["queue"].name == "pdf"
    # En worker utan -Q (demo, docker compose med en worker) tar båda köerna.
    assert {q.name for q in app.amqp.queues.consume_from.values()} == {"celery", "pdf"}
    bygg = app.tasks["rapporter.tasks.bygg_pdf"]
    assert bygg.soft_time_limit == settings.RAPPORTER_PDF_TIDSGRANS
    assert bygg.time_limit == settings.RAPPORTER_PDF_TIDSGRANS_HARD > bygg.soft_time_limit


@pytest.mark.django_db(transaction=True)
def test_a_reminder_is_sent_while_a_pdf_waits_in_its_own_queue(starta_worker, broker, org, cast):
    import datetime

    from django.utils import timezone

    from kvalitet.models import Bevakning, Notifikation
    from kvalitet.tasks import bevakningssvep

    # Bara standardkön har en worker: PDF:en väntar, påminnelsen går ändå.
    starta_worker(koer=("celery",))
    b = KvalitetsberattelseFactory(nod=org.n1, skapad_av=cast.kim)
    assert services.pdf_bestall(berattelse=b, av=cast.kim)
    Bevakning.objects.create(
        nyckel="ko:1",
        forfaller=timezone.now() - datetime.timedelta(hours=1),
        mottagare=cast.erik,
        rubrik="Påminn",
    )
    assert bevakningssvep.delay().get(timeout=60)["notifikationer"] == 1
    assert Notifikation.objects.filter(nyckel="bevakning:ko:1").exists()
    b.refresh_from_db()
    assert b.pdf_status == Pdfstatus.KOAD
    assert _ko_langd(broker, "pdf") == 1


@pytest.mark.django_db(transaction=True)
def test_soft_time_limit_in_the_pdf_worker_marks_the_order_failed_with_a_message(
    starta_worker, org, cast, logga_in, tmp_path
):
    from django.urls import reverse

    # Prefork: Celerys tidsgränser gäller bara där (så körs PDF-workern i drift).
    starta_worker(
        koer=("pdf",),
        pool="prefork",
        miljo={"RAPPORTER_PDF_TIDSGRANS": "1", "MEDIA_ROOT": str(tmp_path / "media")},
    )
    # Hundratals sidor text: tar långt mer än en sekund att rendera.
    texter = {
        "bakgrund": "".join(
            f"<p>Stycke {i}. " + "Lång text om verksamheten. " * 40 + "</p>" for i in range(3000)
        )
    }
    b = KvalitetsberattelseFactory(nod=org.n1, skapad_av=cast.kim, texter=texter)
    assert services.pdf_bestall(berattelse=b, av=cast.kim)
    _vanta_pa(b, Pdfstatus.KLAR, Pdfstatus.FEL)
    assert b.pdf_status == Pdfstatus.FEL
    assert b.pdf_fel == services.TIDSGRANS_FEL
    sida = logga_in(cast.kim).get(reverse("rapporter:pdf_status", args=[b.pk])).content.decode()
    assert "tog för lång tid" in sida and "Skapa utkast-PDF" in sida


@pytest.mark.django_db(transaction=True)
def test_the_worker_logs_json_with_the_request_id_of_the_request_that_ordered_the_pdf(
    starta_worker, org, cast, logga_in, tmp_path
):
    import json

    from django.urls import reverse

    logg = tmp_path / "worker.log"
    starta_worker(miljo={"LOG_JSON": "true", "MEDIA_ROOT": str(tmp_path / "media")}, logg=logg)
    b = KvalitetsberattelseFactory(nod=org.n1, skapad_av=cast.kim)
    svar = logga_in(cast.kim).post(
        reverse("rapporter:pdf_bestall", args=[b.pk]), headers={"X-Request-ID": "bestallning-42abc"}
    )
    assert svar.status_code == 302
    _vanta_pa(b, Pdfstatus.KLAR, Pdfstatus.FEL)
    assert b.pdf_status == Pdfstatus.KLAR
    rader = []
    for _ in range(20):  # raden kan komma strax efter att statusen sparats
        rader = [json.loads(r) for r in logg.read_text().splitlines() if r.startswith("{")]
        if any(r["logger"] == "rapporter.services" for r in rader):
            break
        time.sleep(0.5)
    klar = next(r for r in rader if r["logger"] == "rapporter.services")
    assert klar["level"] == "INFO" and "klar" in klar["message"]
    assert (klar["request_id"], klar["user_id"]) == ("bestallning-42abc", cast.kim.pk)
