"""Startsidan i riktig webbläsare: rapportknappen på telefonen (synlig utan att rulla, stor nog för tummen,
ett tryck till formuläret), rutornas länkar och axe per roll i båda bredderna. Skärmbilderna sparas i
KVALITET_SKARMBILDER om den är satt (för att titta på dem), annars i testets tillfälliga katalog."""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from avvikelser.models import AvvikelseStatus
from tests.avvikelser.factories import AvvikelseFactory, KlagomalFactory
from tests.e2e.conftest import axe_fel, forklara
from tests.lexsarah.factories import RapportFactory
from tests.uppfoljning.factories import arende

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROLLER = ("pia", "erik", "vera", "hanna", "kim", "lars")


@pytest.fixture
def lage(org, cast, brukare):
    forr = timezone.localdate() - datetime.timedelta(days=10)
    AvvikelseFactory(enhet=org.e1, rapporterad_av=cast.pia)
    AvvikelseFactory(enhet=org.e1, rapporterad_av=cast.pia, status=AvvikelseStatus.UNDER_UTREDNING)
    AvvikelseFactory(enhet=org.e3, rapporterad_av=cast.utan)
    KlagomalFactory(enhet=org.e1)
    RapportFactory(enhet=org.e1, rapporterad_av=cast.pia, bedomning_senast=forr)
    arende(brukare.b1, uppfoljning_planerad=forr)


@pytest.fixture
def skarmbilder(tmp_path) -> Path:
    katalog = Path(os.environ.get("KVALITET_SKARMBILDER") or tmp_path)
    katalog.mkdir(parents=True, exist_ok=True)
    return katalog


@pytest.mark.parametrize(
    ("knapp", "sokvag", "rubrik"),
    [
        ("Rapportera avvikelse", "/avvikelser/rapportera/", "Rapportera avvikelse"),
        (
            "Rapportera missförhållande – lex Sarah",
            "/lexsarah/rapportera/",
            "Rapportera missförhållande (lex Sarah)",
        ),
    ],
)
def test_staff_on_phone_reaches_the_report_form_in_one_tap(
    ny_sida, server, cast, lage, knapp, sokvag, rubrik
):
    sida = ny_sida(cast.pia, mobil=True)
    lank = sida.get_by_role("link", name=knapp)
    expect(lank).to_be_visible()
    ruta = lank.bounding_box()
    # Synlig utan att rulla (telefonens höjd 844 px) och ett stort mål för tummen (minst 44 × 44 px).
    assert ruta["y"] + ruta["height"] <= 844, ruta
    assert ruta["height"] >= 44 and ruta["width"] >= 300, ruta
    lank.tap()
    sida.wait_for_url(f"{server}{sokvag}")
    expect(sida.get_by_role("heading", level=1)).to_contain_text(rubrik.split(" (")[0])
    expect(sida.locator("form select[name=enhet]")).to_be_attached()


def test_a_tile_leads_to_the_list_with_its_number(ny_sida, server, cast, lage):
    sida = ny_sida(cast.kim, mobil=True)
    ruta = sida.get_by_role("link", name="Lex Sarah: bedömningen är försenad")
    expect(ruta).to_contain_text("1")
    ruta.tap()
    expect(sida.get_by_role("heading", level=1)).to_have_text("Lex Sarah: bedömningen är försenad")
    expect(sida.locator("main")).to_contain_text("1 st.")


@pytest.mark.parametrize("namn", ROLLER)
def test_start_page_per_role_has_no_serious_accessibility_violations(
    ny_sida, server, cast, lage, skarmbilder, namn
):
    for mobil, bredd in ((True, 390), (False, 1280)):
        sida = ny_sida(getattr(cast, namn), mobil=mobil)
        expect(sida.get_by_role("heading", name="Mina uppgifter")).to_be_visible()
        # Ingen vågrät rullning av sidan i någon bredd.
        assert sida.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        sida.screenshot(path=str(skarmbilder / f"startsida-{namn}-{bredd}.png"), full_page=True)
        fel = axe_fel(sida)
        assert fel == [], forklara(fel)
