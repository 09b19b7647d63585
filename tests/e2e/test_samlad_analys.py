"""Samlad analys i riktig webbläsare: samordnaren öppnar sidan på dator och telefon (axe-core: inga allvarliga
eller kritiska brister), skriver analysen bredvid siffrorna och sparar; chefen ser sina enheter.
Skärmbilderna sparas i testets katalog (och i $SAMLAD_SKARMBILDER om den är satt)."""

import datetime
import os
import shutil
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rapporter.models import SamladAnalys
from tests.avvikelser.factories import AvvikelseFactory, KategoriFactory, KlagomalFactory
from tests.e2e.conftest import axe_fel, forklara
from tests.factories import InsatsFactory
from tests.lexsarah.factories import RapportFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AR = timezone.localdate().year
VANTA = 30000


@pytest.fixture
def underlag(org, cast, brukare):
    fall, mat = KategoriFactory(namn="Fall"), KategoriFactory(namn="Läkemedel")
    for manad, enhet, kat in ((1, org.e1, fall), (2, org.e1, fall), (3, org.e3, mat), (4, org.e1, mat)):
        AvvikelseFactory(
            enhet=enhet,
            kategori=kat,
            rapporterad_av=cast.pia,
            handelsetid=timezone.make_aware(datetime.datetime(AR, manad, 5, 12)),
        )
    InsatsFactory(brukare=brukare.b1, enhet=org.e1)
    KlagomalFactory(enhet=org.e1, tema=fall, inkommet=timezone.make_aware(datetime.datetime(AR, 2, 1, 9)))
    RapportFactory(enhet=org.e1, rapporterad_av=cast.pia)


def _spara_bild(sida, tmp_path: Path, namn: str) -> None:
    fil = tmp_path / f"samlad-{namn}.png"
    sida.screenshot(path=str(fil), full_page=True)
    if os.environ.get("SAMLAD_SKARMBILDER"):
        shutil.copy(fil, Path(os.environ["SAMLAD_SKARMBILDER"]) / fil.name)


@pytest.mark.parametrize("mobil", [False, True], ids=["dator", "telefon"])
def test_joint_analysis_page_has_no_serious_accessibility_violations_and_the_text_saves(
    ny_sida, server, org, cast, underlag, tmp_path, mobil
):
    sida = ny_sida(cast.kim, mobil=mobil)
    sida.set_default_timeout(VANTA)
    svar = sida.goto(f"{server}/rapporter/samlad-analys/?nod={org.n1.pk}&ar={AR}")
    assert svar.status == 200
    expect(sida.locator("#avvikelser-antal")).to_have_text("4 avvikelser: öppna listan")
    fel = axe_fel(sida)
    assert fel == [], forklara(fel)
    _spara_bild(sida, tmp_path, "telefon" if mobil else "dator")
    # Sidan blir inte bredare än skärmen (breda tabeller rullas i sin ruta).
    bredd = sida.evaluate("document.documentElement.scrollWidth")
    assert bredd <= (390 if mobil else 1280) + 1
    sida.locator("#analys_text").fill("<p>Fallen är färre än förra året.</p>")
    sida.get_by_role("button", name="Spara analysen").click()
    expect(sida.get_by_text("Analysen är sparad.")).to_be_visible()
    assert SamladAnalys.objects.get(nod=org.n1, ar=AR).text == "<p>Fallen är färre än förra året.</p>"
    fel = axe_fel(sida)
    assert fel == [], forklara(fel)


def test_the_unit_manager_sees_their_units_without_the_text_form(ny_sida, server, org, cast, underlag):
    sida = ny_sida(cast.erik)
    sida.set_default_timeout(VANTA)
    sida.goto(f"{server}/rapporter/samlad-analys/?ar={AR}")
    expect(sida.locator("#avvikelser-antal")).to_have_text("3 avvikelser: öppna listan")
    expect(sida.locator("#analys-form")).to_have_count(0)
    fel = axe_fel(sida)
    assert fel == [], forklara(fel)
