"""Grundens resor i riktig webbläsare: inloggning på telefon, brukarsök, åtkomstlogg, tillgänglighet."""

import re

import pytest
from playwright.sync_api import expect

from kvalitet.models import Atkomstlogg
from tests.e2e.conftest import axe_fel, forklara

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_case_officer_on_phone_finds_brukare_and_the_view_is_logged(ny_sida, server, cast, brukare):
    sida = ny_sida(cast.hanna, mobil=True)
    expect(sida.get_by_role("heading", name="Mina uppgifter")).to_be_visible()
    sida.get_by_role("button", name="Visa meny").click()
    sida.get_by_role("link", name="Brukare").click()
    sida.get_by_label("Sök namn eller personnummer").fill("Gran")
    sida.get_by_label("Sök namn eller personnummer").press("Enter")
    sida.get_by_role("link", name="Greta Gran").click()
    expect(sida.get_by_role("heading", name="Greta Gran")).to_be_visible()
    assert Atkomstlogg.objects.filter(
        anvandare=cast.hanna, brukare=brukare.b1, vad="brukare: detaljsida"
    ).exists()


def test_manager_of_other_unit_gets_not_found_page(ny_sida, server, cast, brukare):
    sida = ny_sida(cast.elsa)
    svar = sida.goto(f"{server}/brukare/{brukare.b1.pk}/")
    assert svar.status == 404
    assert "Gran" not in sida.content()


def test_wrong_password_shows_swedish_error_and_keeps_username(ny_sida, server, cast):
    sida = ny_sida()
    sida.goto(f"{server}/login/")
    sida.get_by_label("Användarnamn").fill("hanna")
    sida.get_by_label("Lösenord").fill("fel")
    sida.get_by_role("button", name="Logga in").click()
    # expect väntar tills svaret är ritat; content() mitt i navigeringen gav '' i CI.
    expect(sida.locator("body")).to_contain_text("korrekt användarnamn")
    assert sida.get_by_label("Användarnamn").input_value() == "hanna"


def test_no_script_is_blocked_and_csp_is_strict(ny_sida, server, cast):
    sida = ny_sida(cast.kim)
    fel = []
    sida.on("console", lambda m: fel.append(m.text) if m.type == "error" else None)
    svar = sida.goto(f"{server}/brukare/")
    csp = svar.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert fel == []


@pytest.mark.parametrize(
    "sokvag", ["/login/", "/", "/brukare/", "/organisation/", "/notifikationer/", "/loggkontroll/"]
)
def test_main_pages_have_no_serious_accessibility_violations(ny_sida, server, cast, brukare, sokvag):
    sida = ny_sida(None if sokvag == "/login/" else cast.kim)
    sida.goto(f"{server}{sokvag}")
    fel = axe_fel(sida)
    assert fel == [], forklara(fel)


def test_brukare_detail_has_no_serious_accessibility_violations(ny_sida, server, cast, brukare):
    sida = ny_sida(cast.hanna)
    sida.goto(f"{server}/brukare/{brukare.b1.pk}/")
    fel = axe_fel(sida)
    assert fel == [], forklara(fel)


@pytest.mark.parametrize("mobil", [False, True], ids=["dator", "telefon"])
def test_menu_never_pushes_the_page_wider_than_the_screen(ny_sida, server, cast, mobil):
    # Samordnaren har flest menyval; menyn ska radbrytas, inte ge vågrät rullning (WCAG 1.4.10).
    sida = ny_sida(cast.kim, mobil=mobil)
    sida.goto(f"{server}/uppfoljning/tackning/")
    # clientWidth, inte innerWidth: en mobil webbläsare zoomar ut så att innerWidth växer med innehållet.
    assert sida.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    if mobil:
        sida.get_by_role("button", name="Visa meny").click()
    logga_ut = sida.get_by_role("button", name=re.compile("^Logga ut"))
    logga_ut.wait_for(state="visible")
    ruta = logga_ut.bounding_box()
    assert ruta["x"] + ruta["width"] <= sida.viewport_size["width"]


@pytest.mark.parametrize(
    "sokvag,vem",
    [
        ("/avvikelser/", "erik"),
        ("/avvikelser/mina/", "pia"),
        ("/avvikelser/klagomal/", "erik"),
        ("/avvikelser/statistik/", "kim"),
        ("/avvikelser/styrdiagram/", "kim"),
        ("/lexsarah/", "kim"),
        ("/lexsarah/register/", "kim"),
        ("/riskanalys/", "erik"),
        ("/riskanalys/mallar/", "erik"),
        ("/uppfoljning/", "hanna"),
        ("/uppfoljning/tackning/", "kim"),
        ("/rapporter/", "kim"),
        ("/kvalitetsarbete/", "kim"),
    ],
)
def test_list_pages_never_scroll_sideways_on_a_phone(ny_sida, server, cast, sokvag, vem):
    # Breda tabeller rullas i sin egen ruta (.table-responsive) och filterfälten fyller sin kolumn, så att
    # sidan själv aldrig blir bredare än telefonens skärm (WCAG 1.4.10).
    sida = ny_sida(getattr(cast, vem), mobil=True)
    svar = sida.goto(f"{server}{sokvag}")
    assert svar.status == 200
    bredd = sida.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert bredd[0] <= bredd[1], f"{sokvag}: sidan är {bredd[0]} px bred på en {bredd[1]} px skärm"
