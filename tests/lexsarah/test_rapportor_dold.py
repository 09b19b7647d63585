"""Lex Sarah-rapportören visas bara för utredarna (nämndens kvalitetssamordnare) och för hen själv: inte
för enhetens chefer i tidslinjen, API:t, registret, e-posten eller någon annanstans de läser ärendet."""

import io

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from kvalitet.access import DOLD_RAPPORTOR
from kvalitet.services import utkorg_skicka
from lexsarah import services
from tests.api.factories import token_klient
from tests.factories import RollFactory, UserFactory
from tests.lexsarah.factories import RapportFactory

MARKORER = ("sarahmarkor", "Sarahmarkör", "Efternamnsmarkör")


@pytest.fixture
def rapportor(org):
    user = UserFactory(username="sarahmarkor", first_name="Sarahmarkör", last_name="Efternamnsmarkör")
    RollFactory(anvandare=user, roll="personal", nod=org.e1)
    return user


def _namnlos(text: str) -> bool:
    return not any(m.lower() in text.lower() for m in MARKORER)


def _lamna(rapportor, org):
    return services.rapport_lamna(rapport=RapportFactory.build(enhet=org.e1), av=rapportor)


def test_unit_manager_does_not_see_the_reporter_in_the_case_timeline(org, cast, rapportor, logga_in):
    rapport = _lamna(rapportor, org)
    html = logga_in(cast.erik).get(reverse("lexsarah:detalj", args=[rapport.pk])).content.decode()
    assert "Rapporten lämnades." in html
    assert _namnlos(html)
    assert f"{DOLD_RAPPORTOR}: Rapporten lämnades." in html


def test_investigator_sees_who_reported_in_the_timeline(org, cast, rapportor, logga_in):
    rapport = _lamna(rapportor, org)
    html = logga_in(cast.kim).get(reverse("lexsarah:detalj", args=[rapport.pk])).content.decode()
    assert "Sarahmarkör Efternamnsmarkör: Rapporten lämnades." in html


def test_comments_by_the_reporter_are_not_named_to_the_managers(org, cast, rapportor, logga_in):
    # Rapportören är också verksamhetschef (läser ärendet och kan kommentera): kommentaren röjer inte namnet.
    RollFactory(anvandare=rapportor, roll="verksamhetschef", nod=org.a1)
    rapport = _lamna(rapportor, org)
    logga_in(rapportor).post(reverse("lexsarah:kommentar", args=[rapport.pk]), {"text": "Hände igen i natt"})
    assert rapport.handelser.filter(av=rapportor, kommentar=True).exists()
    html = logga_in(cast.erik).get(reverse("lexsarah:detalj", args=[rapport.pk])).content.decode()
    assert "Hände igen i natt" in html
    assert _namnlos(html)


def test_no_surface_the_managers_read_names_the_reporter(org, cast, rapportor, logga_in, settings):
    """Detaljsidan, listan, API:t (ärenden och registret), registret i Excel och e-posten till chefen."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    rapport = _lamna(rapportor, org)
    klient = logga_in(cast.erik)
    api = token_klient(cast.erik)
    texter = [
        klient.get(reverse("lexsarah:detalj", args=[rapport.pk])).content.decode(),
        klient.get(reverse("lexsarah:index")).content.decode(),
        klient.get(reverse("lexsarah:register")).content.decode(),
        api.get("/api/v1/lexsarah/").content.decode(),
        api.get(f"/api/v1/lexsarah/{rapport.pk}/").content.decode(),
        api.get("/api/v1/lexsarah-register/").content.decode(),
    ]
    bok = load_workbook(io.BytesIO(klient.get(reverse("lexsarah:register_export")).content))
    texter.append(" ".join(str(c.value) for rad in bok.active.iter_rows() for c in rad))
    utkorg_skicka()
    till_erik = [m for m in mail.outbox if cast.erik.email in m.to]
    assert till_erik, "chefen fick ingen e-post om rapporten"
    texter += [f"{m.subject} {m.body}" for m in till_erik]
    for text in texter:
        assert _namnlos(text), text[:300]
