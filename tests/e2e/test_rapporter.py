"""Kvalitetsberättelsen i riktig webbläsare: samordnaren öppnar nämndens berättelse för året, skriver en
text, beställer PDF:en (byggs av den riktiga Celery-workern medan sidan visar läget), laddar ner den och
PDF:ens text kontrolleras. Dessutom tillgänglighet (axe-core) på rapporternas och kvalitetsarbetets sidor."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from rapporter import services
from rapporter.models import Kvalitetsberattelse, Pdfstatus
from tests.e2e.conftest import axe_fel, forklara
from tests.factories import aktuell_version
from tests.rapporter.factories import (
    ForbattringsatgardFactory,
    IndikatorvardeFactory,
    KontrollplanFactory,
    KontrollpunktFactory,
    KvalitetsberattelseFactory,
    MalFactory,
    MalindikatorFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VANTA = 30_000
# WeasyPrint på en belastad maskin: generöst, men testet väntar bara så länge det behövs.
PDF_VANTA = 240_000

AR = timezone.localdate().year - 1
RESULTAT = "87,4"  # indikatorvärdet nedan som berättelsen skriver det (svensk decimalkomma)


@pytest.fixture
def kvalitetsarbete(org, cast):
    """Nämnden N1:s mål med en indikator och årets resultat, intern kontrollplan och förbättringsplan."""
    mal = MalFactory(nod=org.n1, ar=AR, rubrik="Brukarna ska vara nöjda med hemtjänsten")
    indikator = MalindikatorFactory(mal=mal, namn="Andel nöjda med hemtjänsten", malvarde=90)
    IndikatorvardeFactory(indikator=indikator, ar=AR, varde="87.4")
    IndikatorvardeFactory(indikator=indikator, ar=AR - 1, varde="85")
    plan = KontrollplanFactory(nod=org.n1, ar=AR)
    KontrollpunktFactory(plan=plan, aktivitet="Stickprov av genomförandeplaner i hemtjänsten")
    forbattring = ForbattringsatgardFactory(nod=org.n1, ar=AR + 1, skapad_av=cast.kim)
    return {"mal": mal, "indikator": indikator, "plan": plan, "forbattring": forbattring}


@pytest.fixture
def utkast_stadas(transactional_db):
    """Workern sparar utkast-PDF:en under serverns MEDIA_ROOT; ta bort den efter testet."""
    yield
    for b in Kvalitetsberattelse.objects.exclude(pdf=""):
        Path(settings.MEDIA_ROOT, b.pdf.name).unlink(missing_ok=True)


def _pdf_text(sokvag: str) -> str:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext (poppler-utils) saknas"
    return subprocess.run(
        [pdftotext, "-enc", "UTF-8", sokvag, "-"], capture_output=True, text=True, check=True, timeout=60
    ).stdout


def test_coordinator_generates_and_downloads_the_quality_report_pdf(
    ny_sida, server, org, cast, kvalitetsarbete, utkast_stadas
):
    sida = ny_sida(cast.kim)
    sida.set_default_timeout(VANTA)
    sida.goto(f"{server}/rapporter/")
    expect(sida.get_by_role("heading", name="Kvalitetsberättelser", exact=True)).to_be_visible()

    # Nämndens berättelse för året öppnas (skapas första gången).
    sida.get_by_label("Nämnd eller område").select_option(label="Nämnd N1")
    expect(sida.get_by_role("spinbutton", name=re.compile(r"^År"))).to_have_value(str(AR))
    sida.get_by_role("button", name="Skapa", exact=True).click()
    expect(sida.get_by_role("heading", name=f"Kvalitetsberättelse {AR} – Nämnd N1")).to_be_visible()
    b = Kvalitetsberattelse.objects.get()
    assert (b.nod, b.ar, b.skapad_av) == (org.n1, AR, cast.kim)

    # Förhandsgranskningen visar registrens siffror: indikatorns resultat (och förra årets inom parentes).
    mal_tabell = sida.locator("#avsnitt-mal table")
    expect(mal_tabell.get_by_role("row", name=re.compile("Andel nöjda med hemtjänsten"))).to_contain_text(
        f"{RESULTAT} (85)"
    )

    # Samordnaren skriver sammanfattningen i redigeraren.
    sida.get_by_role("link", name="Skriv text för sammanfattning").click()
    expect(sida.get_by_role("heading", name="Sammanfattning")).to_be_visible()
    sida.get_by_label("Text", exact=True).fill(
        "<p>Nöjdheten i hemtjänsten steg under året men nådde inte målet.</p>"
    )
    sida.get_by_role("button", name="Spara", exact=True).click()
    expect(sida.get_by_text("Texten är sparad.")).to_be_visible()
    expect(sida.locator("#avsnitt-sammanfattning")).to_contain_text("Nöjdheten i hemtjänsten steg")

    # PDF:en beställs; sidan visar läget medan den riktiga workern bygger den.
    status = sida.locator("#pdfstatus")
    status.get_by_role("button", name="Skapa utkast-PDF").click()
    expect(status).to_contain_text(re.compile(r"väntar i kö|skapas"))
    hamta = status.get_by_role("link", name="Hämta utkast-PDF")
    expect(hamta).to_be_visible(timeout=PDF_VANTA)
    b.refresh_from_db()
    assert b.pdf_status == Pdfstatus.KLAR and b.pdf_framsteg == 100 and b.pdf

    with sida.expect_download(timeout=VANTA) as nedladdning:
        hamta.click()
    fil = nedladdning.value
    assert fil.suggested_filename == f"kvalitetsberattelse-{AR}-utkast.pdf"
    sokvag = fil.path()
    with open(sokvag, "rb") as f:
        assert f.read(5) == b"%PDF-"
    text = _pdf_text(str(sokvag))
    assert settings.KOMMUN_NAMN in text
    assert f"Kvalitetsberättelse {AR}" in text and "Nämnd N1" in text
    assert "Andel nöjda med hemtjänsten" in text and RESULTAT in text
    assert "Nöjdheten i hemtjänsten steg under året" in re.sub(r"\s+", " ", text)


# --- tillgänglighet --------------------------------------------------------------------------------


@pytest.fixture
def berattelse(org, cast, kvalitetsarbete, settings, tmp_path):
    """En berättelse med text (publicerade versioner skrivs i en tillfällig katalog)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    b = KvalitetsberattelseFactory(nod=org.n1, ar=AR, skapad_av=cast.kim)
    services.berattelse_spara_text(
        berattelse=b,
        version=aktuell_version(b),
        avsnitt="sammanfattning",
        text="<p>Året i korthet.</p>",
        av=cast.kim,
    )
    return b


RAPPORTSIDOR = {
    "rapporter_index": lambda d: "/rapporter/",
    "rapporter_detalj": lambda d: f"/rapporter/{d['b'].pk}/",
    "rapporter_text": lambda d: f"/rapporter/{d['b'].pk}/text/sammanfattning/",
    "rapporter_text_externa": lambda d: f"/rapporter/{d['b'].pk}/text/externa/",
    "rapporter_version": lambda d: f"/rapporter/{d['b'].pk}/version/{d['version'].nummer}/",
    "kvalitetsarbete_index": lambda d: "/kvalitetsarbete/",
    "kvalitetsarbete_mal": lambda d: f"/kvalitetsarbete/mal/{d['mal'].pk}/",
    "kvalitetsarbete_indikator": lambda d: f"/kvalitetsarbete/indikator/{d['indikator'].pk}/",
    "kvalitetsarbete_kontrollplan": lambda d: f"/kvalitetsarbete/kontrollplan/{d['plan'].pk}/",
    "kvalitetsarbete_forbattring": lambda d: f"/kvalitetsarbete/forbattringsplan/{d['forbattring'].pk}/",
    "kvalitetsarbete_mal_ny": lambda d: "/kvalitetsarbete/mal/ny/",
}


@pytest.mark.parametrize("namn", list(RAPPORTSIDOR))
def test_report_and_quality_work_pages_have_no_serious_accessibility_violations(
    ny_sida, server, cast, kvalitetsarbete, berattelse, namn
):
    data = {**kvalitetsarbete, "b": berattelse}
    if namn == "rapporter_version":
        # Bara versionssidan behöver en publicerad version (att bygga arkiv-PDF:en tar tid).
        data["version"] = services.berattelse_publicera(berattelse=berattelse, av=cast.kim)
    sida = ny_sida(cast.kim)
    sida.set_default_timeout(VANTA)
    svar = sida.goto(f"{server}{RAPPORTSIDOR[namn](data)}")
    assert svar.status == 200
    fel = axe_fel(sida)
    assert fel == [], forklara(fel)
