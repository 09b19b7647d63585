"""Riskanalysens PDF beställs och byggs av PDF-workern i samma sandlåda som kvalitetsberättelsen (bara
projektets filer, samma tidsgränser), och lämnas bara ut till den som beställde."""

import datetime
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from kvalitet import pdf as sandlada
from kvalitet.models import Atkomstlogg
from riskanalys import services
from riskanalys.models import Pdfbestallning, PdfStatus
from tests.riskanalys.factories import RiskanalysFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def i_processen(settings, django_capture_on_commit_callbacks):
    """bestall(klient, analys): som i demon utan Redis byggs PDF:en direkt efter commit."""
    settings.CELERY_TASK_ALWAYS_EAGER = True

    def bestall(klient, analys, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return klient.post(reverse("riskanalys:pdf", args=[analys.pk]), **kwargs)

    return bestall


def _status(klient, analys):
    return klient.get(reverse("riskanalys:pdf_status", args=[analys.pk])).content.decode()


def test_ordering_builds_the_pdf_and_only_the_one_who_ordered_it_can_download_it(
    org, cast, brukare, logga_in, i_processen, client
):
    analys = RiskanalysFactory(nod=org.e1, titel="Sommarstängning")
    analys.brukare.add(brukare.b1)
    erik = logga_in(cast.erik)
    svar = i_processen(erik, analys, headers={"HX-Request": "true"})
    assert svar.status_code == 200 and 'id="pdfstatus"' in svar.content.decode()
    assert "Hämta PDF" in _status(erik, analys)
    assert "Hämta PDF" in erik.get(reverse("riskanalys:detalj", args=[analys.pk])).content.decode()
    hamtad = erik.get(reverse("riskanalys:pdf_hamta", args=[analys.pk]))
    assert hamtad.status_code == 200 and b"".join(hamtad.streaming_content).startswith(b"%PDF")
    assert Atkomstlogg.objects.filter(anvandare=cast.erik, brukare=brukare.b1, vad="riskanalys: pdf").exists()
    # Vera läser analysen men har inte beställt: hon får ingen fil (namnen i den gällde Erik).
    client.force_login(cast.vera)
    assert client.get(reverse("riskanalys:pdf_hamta", args=[analys.pk])).status_code == 404
    assert "Skapa PDF" in _status(client, analys)


def test_a_pdf_that_takes_too_long_is_stopped_with_a_swedish_message_not_a_500(
    org, cast, brukare, logga_in, settings, i_processen
):
    settings.RAPPORTER_PDF_TIDSGRANS = 1
    # Hundratals sidor: renderingen tar långt mer än en sekund.
    analys = RiskanalysFactory(nod=org.e1, forandring="Stängning av dagverksamheten under sommaren. " * 60000)
    analys.brukare.add(brukare.b1)
    klient = logga_in(cast.erik)
    assert i_processen(klient, analys).status_code == 302
    assert Pdfbestallning.objects.get(analys=analys).status == PdfStatus.FEL
    assert sandlada.TIDSGRANS_FEL in _status(klient, analys)
    assert klient.get(reverse("riskanalys:pdf_hamta", args=[analys.pk])).status_code == 404
    assert not Atkomstlogg.objects.filter(vad="riskanalys: pdf").exists()


@pytest.mark.django_db(transaction=True)
def test_the_pdf_worker_builds_the_analysis_pdf(starta_worker, org, cast, logga_in, settings):
    from kvalitet.celery import app

    assert app.amqp.router.route({}, "riskanalys.tasks.bygg_pdf")["queue"].name == "pdf"
    starta_worker(koer=("pdf",), miljo={"PRIVAT_MEDIA_ROOT": str(settings.PRIVAT_MEDIA_ROOT)})
    analys = RiskanalysFactory(nod=org.e1)
    bestallning = services.pdf_bestall(analys=analys, av=cast.erik)
    for _ in range(120):
        bestallning.refresh_from_db()
        if bestallning.status in (PdfStatus.KLAR, PdfStatus.FEL):
            break
        time.sleep(0.5)
    assert bestallning.status == PdfStatus.KLAR, bestallning.fel
    hamtad = logga_in(cast.erik).get(reverse("riskanalys:pdf_hamta", args=[analys.pk]))
    assert b"".join(hamtad.streaming_content).startswith(b"%PDF")


def test_stuck_analysis_orders_are_requeued_or_failed_by_the_sweep(org, cast, settings, i_processen):
    gammal = timezone.now() - datetime.timedelta(hours=1)
    koad = Pdfbestallning.objects.create(
        analys=RiskanalysFactory(nod=org.e1), bestalld_av=cast.erik, version=1, koad=gammal
    )
    dog = Pdfbestallning.objects.create(
        analys=RiskanalysFactory(nod=org.e1), bestalld_av=cast.erik, version=1, status=PdfStatus.PAGAR,
        startad=gammal,
    )  # fmt: skip
    assert services.pdf_fastnade_svep() == {"avbrutna": 1, "uppgivna": 0, "omkoade": 1}
    koad.refresh_from_db()
    dog.refresh_from_db()
    assert (koad.status, koad.omkoningar) == (PdfStatus.KLAR, 1)  # köad igen och byggd (i processen)
    assert (dog.status, dog.fel) == (PdfStatus.FEL, sandlada.AVBROTT_FEL)


def test_the_sandbox_fetches_only_project_static_files(settings):
    from pathlib import Path

    css = Path(settings.BASE_DIR) / "static" / "css" / "riskanalys.css"
    assert sandlada.static_hamtare(css.resolve().as_uri())
    for url in (
        "file:///etc/passwd",
        "https://example.org/spion.png",
        (css.parent / ".." / ".." / "manage.py").as_uri(),
    ):
        with pytest.raises(ValueError):
            sandlada.static_hamtare(url)
    # I ett dokument blir en otillåten resurs bara borta; PDF:en skapas ändå.
    assert sandlada.rendera('<p>Hej</p><img src="file:///etc/passwd">', base_url="/").startswith(b"%PDF")
