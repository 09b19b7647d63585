"""Åtgärdsregistret i riktig webbläsare: chefen öppnar registret på dator och telefon (axe-core: inga
allvarliga eller kritiska brister), filtrerar på försenade och når källposten med ett klick."""

import datetime

import pytest
from playwright.sync_api import expect

from avvikelser.models import Atgard
from tests.avvikelser.factories import AvvikelseFactory
from tests.e2e.conftest import axe_fel, forklara

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VANTA = 30000


@pytest.fixture
def atgarder(org, cast):
    idag = datetime.date.today()
    forsenad = AvvikelseFactory(enhet=org.e1, rapporterad_av=cast.pia)
    Atgard.objects.create(
        avvikelse=forsenad,
        text="Ny rutin för läkemedel",
        ansvarig=cast.erik,
        klar_senast=idag - datetime.timedelta(1),
    )
    pagar = AvvikelseFactory(enhet=org.e1, rapporterad_av=cast.pia)
    Atgard.objects.create(
        avvikelse=pagar,
        text="Ledstång i korridoren",
        ansvarig=cast.erik,
        klar_senast=idag + datetime.timedelta(7),
    )
    return forsenad


@pytest.mark.parametrize("mobil", [False, True], ids=["dator", "telefon"])
def test_registret_har_inga_allvarliga_tillganglighetsbrister_och_kallan_ar_ett_klick_bort(
    ny_sida, server, cast, atgarder, mobil
):
    sida = ny_sida(cast.erik, mobil=mobil)
    sida.set_default_timeout(VANTA)
    assert sida.goto(f"{server}/atgarder/").status == 200
    expect(sida.locator("#antal")).to_contain_text("2 åtgärder")
    fel = axe_fel(sida)
    assert fel == [], forklara(fel)
    # Sidan blir inte bredare än skärmen (tabellen rullas i sin ruta).
    assert sida.evaluate("document.documentElement.scrollWidth") <= (390 if mobil else 1280) + 1
    sida.get_by_label("Status").select_option("forsenad")
    sida.get_by_role("button", name="Filtrera").click()
    expect(sida.locator("#antal")).to_contain_text("1 åtgärd")
    expect(sida.locator("#atgarder")).not_to_contain_text("Ledstång")
    fel = axe_fel(sida)
    assert fel == [], forklara(fel)
    sida.get_by_role("link", name=f"Avvikelse {atgarder.referensnummer}").click()
    sida.wait_for_url(f"{server}/avvikelser/{atgarder.pk}/")
