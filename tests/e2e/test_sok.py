"""Sökningen i riktig webbläsare: rutan i menyn, träffarna grupperade per modul, på telefon och dator."""

import pytest
from playwright.sync_api import expect

from tests.avvikelser.factories import AvvikelseFactory, KlagomalFactory
from tests.e2e.conftest import axe_fel, forklara

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("mobil", [False, True], ids=["dator", "telefon"])
def test_manager_searches_from_the_menu_and_finds_only_own_units(ny_sida, server, org, cast, mobil):
    AvvikelseFactory(
        referensnummer="AV-2026-000001",
        enhet=org.e1,
        rapporterad_av=cast.pia,
        beskrivning="Medicinen gavs <b>för sent</b> på kvällen.",
    )
    AvvikelseFactory(
        referensnummer="AV-2026-000003", enhet=org.e3, rapporterad_av=cast.elsa, beskrivning="Fel medicin."
    )
    KlagomalFactory(referensnummer="KS-2026-000001", enhet=org.e1, beskrivning="Medicinen var slut.")
    sida = ny_sida(cast.erik, mobil=mobil)
    if mobil:
        sida.get_by_role("button", name="Visa meny").click()
    ruta = sida.get_by_role("searchbox", name="Sök referensnummer eller text")
    ruta.fill("medicin")
    ruta.press("Enter")
    expect(sida.get_by_role("heading", name="Sök", exact=True)).to_be_visible()
    expect(sida.get_by_role("heading", name="Avvikelser")).to_be_visible()
    expect(sida.get_by_role("heading", name="Klagomål och synpunkter")).to_be_visible()
    expect(sida.get_by_role("link", name="AV-2026-000001")).to_be_visible()
    assert sida.get_by_role("link", name="AV-2026-000003").count() == 0
    # Texten i utdraget är text (ingen <b> från beskrivningen), träffen markerad.
    assert sida.locator(".kv-sokresultat b").count() == 0
    assert sida.locator(".kv-sokresultat mark").first.inner_text().lower().startswith("medicin")
    assert sida.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    fel = axe_fel(sida)
    assert fel == [], forklara(fel)
    sida.get_by_role("link", name="AV-2026-000001").click()
    expect(sida.get_by_role("heading", name="Avvikelse AV-2026-000001")).to_be_visible()


def test_an_empty_search_result_and_an_error_are_announced(ny_sida, server, cast):
    sida = ny_sida(cast.kim)
    sida.goto(f"{server}/sok/?q=x")
    expect(sida.get_by_role("alert")).to_contain_text("Skriv minst två tecken.")
    assert sida.title().startswith("Fel:")
    sida.goto(f"{server}/sok/?q=ingenting+alls")
    expect(sida.get_by_role("status")).to_contain_text("Inga träffar")
    fel = axe_fel(sida)
    assert fel == [], forklara(fel)
