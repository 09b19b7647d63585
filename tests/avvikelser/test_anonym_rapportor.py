"""En anonym rapportör namnges inte för enheten: varken i tidslinjen, i krockmeddelandet eller någon
annanstans där avvikelsen syns (API, export, e-post). Rapportören har markörnamn som söks i hela svaret."""

import io
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from avvikelser import services
from kvalitet.access import ANONYM_RAPPORTOR
from kvalitet.services import bevakningar_svep, utkorg_skicka
from tests.api.factories import token_klient
from tests.avvikelser.factories import AvvikelseFactory, KategoriFactory
from tests.factories import RollFactory, UserFactory

MARKORER = ("anonymmarkor", "Anonymmarkör", "Efternamnsmarkör")


@pytest.fixture
def anonym(org):
    """Personal vid E1 med markörnamn (användarnamn, för- och efternamn)."""
    user = UserFactory(username="anonymmarkor", first_name="Anonymmarkör", last_name="Efternamnsmarkör")
    RollFactory(anvandare=user, roll="personal", nod=org.e1)
    return user


def _anonym_avvikelse(user, enhet):
    a = AvvikelseFactory.build(enhet=enhet, kategori=KategoriFactory(namn="Omsorg"), anonym=True)
    return services.avvikelse_rapportera(avvikelse=a, av=user)


def _namnlos(text: str) -> bool:
    # Listan att välja ansvarig för en åtgärd bland räknar upp alla kollegor lika och säger inget om vem
    # som rapporterade (att utelämna rapportören där vore att peka ut hen); resten av sidan söks.
    text = re.sub(r"<select[^>]*name=\"ansvarig\".*?</select>", "", text, flags=re.S)
    return not any(m.lower() in text.lower() for m in MARKORER)


def test_anonymous_reporter_is_shown_as_anonymous_in_the_timeline(org, cast, anonym, logga_in):
    a = _anonym_avvikelse(anonym, org.e1)
    html = logga_in(cast.erik).get(reverse("avvikelser:detalj", args=[a.pk])).content.decode()
    assert "Avvikelsen rapporterades." in html
    assert _namnlos(html)
    assert f"{ANONYM_RAPPORTOR}: Avvikelsen rapporterades." in html


def test_later_events_by_the_anonymous_reporter_are_not_named_either(org, cast, anonym, logga_in):
    # Rapportören är också chef vid enheten och lägger till en åtgärd: raden röjer inte namnet.
    RollFactory(anvandare=anonym, roll="enhetschef", nod=org.e1)
    a = _anonym_avvikelse(anonym, org.e1)
    logga_in(anonym).post(reverse("avvikelser:atgard", args=[a.pk]), {"text": "Rutinen gås igenom"})
    assert a.handelser.filter(av=anonym, text__startswith="Åtgärd tillagd").exists()
    html = logga_in(cast.erik).get(reverse("avvikelser:detalj", args=[a.pk])).content.decode()
    assert "Åtgärd tillagd: Rutinen gås igenom" in html
    assert _namnlos(html)


def test_conflict_message_does_not_name_the_anonymous_reporter(org, cast, anonym, logga_in):
    a = _anonym_avvikelse(anonym, org.e1)
    svar = logga_in(cast.erik).post(
        reverse("avvikelser:utred", args=[a.pk]),
        {"slutsats": "Eriks slutsats", "konsekvens": "2", "sannolikhet": "2", "version": "7"},
    )
    html = svar.content.decode()
    assert svar.status_code == 400 and "Dina ändringar är inte sparade" in html
    assert "Eriks slutsats" in html
    assert _namnlos(html)
    a.refresh_from_db()
    assert a.slutsats == "" and a.version == 0


def test_no_surface_the_unit_reads_names_the_anonymous_reporter(org, cast, anonym, logga_in, settings):
    """Detaljsidan, kön, API:t (lista och post), Excel-exporten och påminnelserna med e-post."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    a = _anonym_avvikelse(anonym, org.e1)
    klient = logga_in(cast.erik)
    sidor = [
        klient.get(reverse("avvikelser:detalj", args=[a.pk])).content.decode(),
        klient.get(reverse("avvikelser:index")).content.decode(),
        token_klient(cast.erik).get("/api/v1/avvikelser/").content.decode(),
        token_klient(cast.erik).get(f"/api/v1/avvikelser/{a.pk}/").content.decode(),
        token_klient(cast.kim).get(f"/api/v1/avvikelser/{a.pk}/").content.decode(),
    ]
    export = klient.get(reverse("avvikelser:export"))
    bok = load_workbook(io.BytesIO(export.getvalue()))
    sidor.append(" ".join(str(c.value) for rad in bok.active.iter_rows() for c in rad))
    assert a.referensnummer in sidor[-1]

    bevakningar_svep(nu=timezone.now() + timezone.timedelta(days=60))
    utkorg_skicka()
    assert mail.outbox, "påminnelserna skickades inte"
    sidor += [f"{m.subject} {m.body}" for m in mail.outbox]
    for text in sidor:
        assert _namnlos(text), text[:300]


def test_the_reporter_still_finds_their_own_anonymous_report(org, anonym, logga_in):
    a = _anonym_avvikelse(anonym, org.e1)
    html = logga_in(anonym).get(reverse("avvikelser:mina")).content.decode()
    assert a.referensnummer in html
