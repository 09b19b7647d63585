"""Menyn och de gemensamma tillgänglighetsdragen i riktig webbläsare (issue 19): varje rolls meny på en rad vid
1280 px och en fungerande meny på telefonen, aria-current, riskmatrisens färger, 320 px utan att knappar
sticker ut, och axe på sidorna som ändrats."""

import pytest
from playwright.sync_api import expect

from riskanalys.models import AnalysStatus
from tests.e2e.conftest import axe_fel, forklara
from tests.riskanalys.factories import RiskanalysFactory, RiskFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROLLER = ["pia", "erik", "vera", "hanna", "kim", "lars", "ada"]

# Menyns översta nivå: märket, varje post och knapparna till höger.
TOPPNIVA = "nav.kv-navbar .navbar-brand, #meny > .navbar-nav > .nav-item"


@pytest.mark.parametrize("roll", ROLLER)
def test_every_roles_menu_fits_one_row_at_1280(ny_sida, server, cast, roll):
    sida = ny_sida(getattr(cast, roll))
    sida.goto(f"{server}/")
    rutor = sida.locator(TOPPNIVA).evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.top, r.bottom, r.width]; })"
    )
    assert len(rutor) >= 4, rutor
    # Alla poster på samma rad: ingen börjar under den första postens nederkant.
    forsta_botten = min(r[1] for r in rutor)
    assert all(r[0] < forsta_botten for r in rutor), f"{roll}: menyn radbryts: {rutor}"
    # Plats kvar mellan menyn och kontots knappar: sökrutan ({% block sokruta %} i base.html) ska få plats.
    ledigt = sida.evaluate(
        """() => { const [v, h] = document.querySelectorAll("#meny > .navbar-nav");
        return h.getBoundingClientRect().left - v.getBoundingClientRect().right; }"""
    )
    print(roll, "ledigt", ledigt)
    assert ledigt >= 200, f"{roll}: bara {ledigt} px kvar till sökrutan"
    hojd = sida.locator("nav.kv-navbar").evaluate("e => e.getBoundingClientRect().height")
    assert hojd < 80, f"{roll}: menyn är {hojd} px hög"
    assert sida.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_menu_opens_and_works_on_a_phone(ny_sida, server, cast):
    sida = ny_sida(cast.erik, mobil=True)
    meny = sida.locator("#meny")
    expect(meny).to_be_hidden()
    sida.get_by_role("button", name="Visa meny").click()
    expect(meny).to_be_visible()
    sida.get_by_role("button", name="Ärenden").click()
    sida.get_by_role("link", name="Riskanalyser").click()
    sida.wait_for_url(f"{server}/riskanalys/")
    # På den nya sidan är menyn stängd igen och samma post markerad som aktuell.
    expect(meny).to_be_hidden()
    sida.get_by_role("button", name="Visa meny").click()
    sida.get_by_role("button", name="Ärenden").click()
    expect(sida.locator('#meny a[aria-current="page"]')).to_have_text("Riskanalyser")
    assert sida.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_case_officer_reports_lex_sarah_from_the_menu(ny_sida, server, cast):
    sida = ny_sida(cast.hanna)
    sida.get_by_role("button", name="Rapportera", exact=True).click()
    sida.get_by_role("link", name="Missförhållande – lex Sarah", exact=True).click()
    sida.wait_for_url(f"{server}/lexsarah/rapportera/")
    expect(sida.locator('#meny a[aria-current="page"]')).to_have_text("Missförhållande – lex Sarah")


def test_active_tab_has_aria_current(ny_sida, server, cast):
    sida = ny_sida(cast.hanna)
    sida.goto(f"{server}/uppfoljning/forandringar/")
    flik = sida.get_by_role("navigation", name="Uppföljning").locator('[aria-current="page"]')
    expect(flik).to_have_text("Förändringar")


def _analys(org, cast):
    analys = RiskanalysFactory(nod=org.e1, skapad_av=cast.erik, status=AnalysStatus.UTKAST)
    for k, s in [(1, 1), (2, 2), (3, 3), (4, 4)]:
        RiskFactory(analys=analys, konsekvens=k, sannolikhet=s)
    return analys


def test_risk_matrix_cells_have_the_level_colours(ny_sida, server, org, cast):
    analys = _analys(org, cast)
    sida = ny_sida(cast.erik)
    sida.goto(f"{server}/riskanalys/{analys.pk}/")
    farger = sida.locator("#matris table").first.evaluate(
        """t => Object.fromEntries(["lag", "mattlig", "hog", "mycket_hog"].map(k => {
            const c = t.querySelector("td.risk-" + k); const s = getComputedStyle(c);
            return [k, [s.backgroundColor, s.color, c.innerText]];
        }))"""
    )
    # Samma färger som PDF:en (riskanalys/pdf.html), inte tabellens vita.
    assert farger["lag"][:2] == ["rgb(46, 125, 50)", "rgb(255, 255, 255)"]
    assert farger["mattlig"][:2] == ["rgb(255, 213, 79)", "rgb(0, 0, 0)"]
    assert farger["hog"][:2] == ["rgb(239, 108, 0)", "rgb(0, 0, 0)"]
    assert farger["mycket_hog"][:2] == ["rgb(183, 28, 28)", "rgb(255, 255, 255)"]
    # Nivån står också i text (inte bara färgen).
    assert "Mycket hög" in farger["mycket_hog"][2] and "Låg" in farger["lag"][2]
    fel = axe_fel(sida)
    assert fel == [], forklara(fel)


def test_buttons_stay_on_screen_at_320(ny_sida, server, org, cast):
    analys = _analys(org, cast)
    for user, sokvag, knapp in [
        (cast.hanna, "/uppfoljning/mina/", "Nytt ärende"),
        (cast.erik, f"/riskanalys/{analys.pk}/", "Skapa PDF"),
    ]:
        sida = ny_sida(user, mobil=True)
        sida.set_viewport_size({"width": 320, "height": 640})
        sida.goto(f"{server}{sokvag}")
        ruta = sida.get_by_role("button" if knapp == "Skapa PDF" else "link", name=knapp).bounding_box()
        assert ruta["x"] >= 0 and ruta["x"] + ruta["width"] <= 320, (sokvag, ruta)
        bredd = sida.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert bredd[0] <= bredd[1], (sokvag, bredd)


@pytest.mark.parametrize(
    ("vem", "sokvag"),
    [
        ("kim", "/"),
        ("erik", "/avvikelser/"),
        ("pia", "/avvikelser/mina/"),
        ("kim", "/lexsarah/"),
        ("hanna", "/uppfoljning/mina/"),
        ("hanna", "/uppfoljning/ej-verkstallda/"),
        ("erik", "/riskanalys/"),
    ],
)
def test_touched_pages_have_no_serious_axe_violations_with_menu_open(ny_sida, server, cast, vem, sokvag):
    sida = ny_sida(getattr(cast, vem))
    sida.goto(f"{server}{sokvag}")
    # En öppen rullgardin ska också klara axe (kontrast, namn).
    sida.locator("#meny .dropdown-toggle").first.click()
    fel = axe_fel(sida)
    assert fel == [], forklara(fel)
