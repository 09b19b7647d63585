"""Riskanalysens PDF renderas i samma sandlåda som kvalitetsberättelsen: bara projektets filer, tidsgräns."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from kvalitet import pdf as sandlada
from kvalitet.models import Atkomstlogg
from tests.riskanalys.factories import RiskanalysFactory

pytestmark = pytest.mark.django_db


def test_a_pdf_that_takes_too_long_is_stopped_with_a_swedish_message_not_a_500(
    org, cast, brukare, logga_in, settings
):
    settings.RAPPORTER_PDF_TIDSGRANS = 1
    # Hundratals sidor: renderingen tar långt mer än en sekund.
    analys = RiskanalysFactory(nod=org.e1, forandring="Stängning av dagverksamheten under sommaren. " * 60000)
    analys.brukare.add(brukare.b1)
    klient = logga_in(cast.erik)
    svar = klient.get(reverse("riskanalys:pdf", args=[analys.pk]))
    assert svar.status_code == 302 and svar["Location"] == reverse("riskanalys:detalj", args=[analys.pk])
    assert any("tog för lång tid" in str(m) for m in get_messages(svar.wsgi_request))
    # Ingen PDF lämnades ut, så ingen visning loggades.
    assert not Atkomstlogg.objects.filter(vad="riskanalys: pdf").exists()


def test_the_sandbox_fetches_only_project_static_files(settings):
    from pathlib import Path

    css = Path(settings.BASE_DIR) / "static" / "css" / "rapport_pdf.css"
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
