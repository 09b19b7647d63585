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
