"""Avvikelsernas resor i riktig webbläsare: rapportera på telefon, utreda och avsluta vid datorn,
tangentbordsanvändning och tillgänglighet."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from avvikelser.models import Avvikelse
from tests.avvikelser.factories import AvvikelseFactory, KategoriFactory, OrsakFactory
from tests.e2e.conftest import axe_fel, forklara

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def listor(db):
    return KategoriFactory(namn="Utebliven insats"), OrsakFactory(namn="Bemanning")


def test_care_worker_on_phone_reports_with_live_search_and_sees_reference_number(
    ny_sida, server, cast, brukare, listor
):
    sida = ny_sida(cast.pia, mobil=True)
    sida.goto(f"{server}/avvikelser/rapportera/")
    sida.get_by_text("Avvikelse eller lex Sarah?").click()
    expect(sida.get_by_text("lex Sarah-rapport")).to_be_visible()
    # Inga namn förrän Pia söker; htmx hämtar träffarna (loggade) under sökfältet.
    assert not sida.get_by_text("Greta Gran").count()
    sida.get_by_label("Enskild (valfritt)", exact=True).fill("Greta")
    sida.get_by_label(re.compile("^Greta Gran")).check()
    # Lag och kategori är knappar (ett tryck var på telefonen); Gretas enhet har bara SoL-insatser.
    expect(sida.get_by_label("SoL", exact=True)).to_be_checked()
    sida.get_by_label("Utebliven insats").check()
    sida.get_by_label("Vad hände").fill("Kvällsbesöket blev inte av; ingen ringde.")
    sida.get_by_label("Vad gjordes direkt").fill("Ringde in extrapersonal.")
    sida.get_by_role("button", name="Skicka avvikelsen").click()
    kvitto = sida.get_by_text(re.compile(r"referensnummer AV-"))
    kvitto.wait_for()
    a = Avvikelse.objects.get()
    assert a.referensnummer in kvitto.inner_text() and a.brukare == brukare.b1
    assert sida.get_by_role("link", name=a.referensnummer).is_visible()


def test_manager_investigates_adds_action_and_closes_with_timeline(ny_sida, server, org, cast, listor):
    from avvikelser.services import avvikelse_rapportera

    a = avvikelse_rapportera(avvikelse=AvvikelseFactory.build(enhet=org.e1, kategori=listor[0]), av=cast.pia)
    sida = ny_sida(cast.erik)
    sida.goto(f"{server}/avvikelser/")
    sida.get_by_role("link", name=a.referensnummer).click()

    def byt_status(till: str):
        sida.get_by_label("Ny status").select_option(label=till)
        sida.get_by_role("button", name="Byt status").click()
        sida.get_by_text("Statusen är ändrad.").wait_for()

    byt_status("Under utredning")
    sida.get_by_label("Bemanning").check()
    sida.get_by_label("Konsekvens (1–4)").select_option("3")
    sida.get_by_label("Sannolikhet (1–4)").select_option("3")
    sida.get_by_label("Slutsats").fill("Schemat saknade ersättare vid sjukdom.")
    sida.get_by_role("button", name="Spara utredningen").click()
    sida.get_by_text("Utredningen är sparad.").wait_for()
    assert sida.get_by_text("Hög (9)").is_visible()
    sida.get_by_role("textbox", name=re.compile(r"^Åtgärd")).fill("Ringlista för ersättare införs.")
    sida.get_by_role("button", name="Lägg till åtgärden").click()
    sida.get_by_text("Åtgärden är tillagd.").wait_for()
    byt_status("Åtgärdad")
    # Issue 18: avslut kräver att åtgärden är genomförd och effektbedömd, och en återkoppling.
    kort = sida.locator("#atgarder > li").first
    kort.locator("summary", has_text="Följ upp åtgärden").click()
    kort.locator("[name=genomford]").fill(timezone.localdate().isoformat())
    kort.get_by_label("Ja").check()
    kort.locator("[name=effekt]").fill("Inga uteblivna besök sedan ringlistan infördes.")
    kort.get_by_role("button", name="Spara uppföljningen").click()
    sida.get_by_text("Åtgärden är uppföljd.").wait_for()
    sida.locator("#id_aterkoppling").fill("Tack! Nu finns en ringlista för ersättare.")
    byt_status("Avslutad")
    tidslinje = sida.locator("ol li").all_inner_texts()
    assert any("rapporterades" in t for t in tidslinje)
    for steg in (
        "Under utredning",
        "Utredningen uppdaterades",
        "Ringlista för ersättare",
        "Åtgärdad",
        "Avslutad",
    ):
        assert any(steg.lower() in t.lower() for t in tidslinje), (steg, tidslinje)
    a.refresh_from_db()
    assert a.status == "avslutad" and a.handelser.count() >= 6


def test_report_form_and_queue_work_with_keyboard_only(ny_sida, server, cast, listor):
    sida = ny_sida(cast.pia)
    sida.goto(f"{server}/avvikelser/rapportera/")
    sida.locator("#id_enhet").focus()
    # Framåt med Tab till kategori och beskrivning, skriv, och skicka med Enter på knappen.
    # Lag och kategori är radioknappar: Tab till gruppen, mellanslag väljer den med fokus.
    for falt in ("id_lag_", "id_kategori_"):
        for _ in range(20):
            sida.keyboard.press("Tab")
            if sida.evaluate("document.activeElement.id").startswith(falt):
                break
        sida.keyboard.press("Space")
    for _ in range(5):
        sida.keyboard.press("Tab")
        if sida.evaluate("document.activeElement.id") == "id_beskrivning":
            break
    sida.keyboard.type("Larmet gick inte fram till nattpatrullen.")
    for _ in range(10):
        sida.keyboard.press("Tab")
        if sida.evaluate("document.activeElement.type") == "submit":
            break
    sida.keyboard.press("Enter")
    sida.get_by_text(re.compile(r"referensnummer AV-")).wait_for()
    a = Avvikelse.objects.get()

    chef = ny_sida(cast.erik)
    chef.goto(f"{server}/avvikelser/")
    for _ in range(40):
        chef.keyboard.press("Tab")
        if chef.evaluate("document.activeElement.textContent") == a.referensnummer:
            break
    chef.keyboard.press("Enter")
    chef.wait_for_url(f"{server}/avvikelser/{a.pk}/")
    assert chef.get_by_role("heading", name=re.compile(a.referensnummer)).is_visible()


@pytest.mark.parametrize(
    "sokvag,vem",
    [
        ("/avvikelser/rapportera/", "pia"),
        ("/avvikelser/mina/", "pia"),
        ("/avvikelser/", "erik"),
        ("/avvikelser/statistik/", "kim"),
        ("/avvikelser/styrdiagram/", "kim"),
        ("/avvikelser/styrdiagram/", "erik"),
        ("/avvikelser/klagomal/", "erik"),
        ("/avvikelser/klagomal/ny/", "erik"),
        ("/oppen/avvikelser/klagomal/", None),
    ],
)
def test_deviation_pages_have_no_serious_accessibility_violations(
    ny_sida, server, org, cast, listor, sokvag, vem
):
    AvvikelseFactory(enhet=org.e1, rapporterad_av=cast.pia, kategori=listor[0])
    sida = ny_sida(getattr(cast, vem) if vem else None)
    sida.goto(f"{server}{sokvag}")
    fel = axe_fel(sida)
    assert fel == [], forklara(fel)


def test_deviation_detail_has_no_serious_accessibility_violations(ny_sida, server, org, cast, listor):
    a = AvvikelseFactory(enhet=org.e1, rapporterad_av=cast.pia, kategori=listor[0])
    sida = ny_sida(cast.erik)
    sida.goto(f"{server}/avvikelser/{a.pk}/")
    fel = axe_fel(sida)
    assert fel == [], forklara(fel)


@pytest.mark.parametrize("mobil", [False, True], ids=["dator", "telefon"])
def test_management_statistics_fit_the_screen_and_show_only_numbers(
    ny_sida, server, org, cast, listor, mobil
):
    import datetime

    from django.utils import timezone

    # Den första i var och en av de tolv senaste månaderna: tolv staplar, bredare än en telefon om
    # diagrammet inte skalas.
    idag = timezone.localdate()
    for bakat in range(12):
        ar, manad = divmod(idag.year * 12 + idag.month - 1 - bakat, 12)
        AvvikelseFactory(
            enhet=org.e1 if bakat % 2 else org.e4,
            rapporterad_av=cast.pia,
            kategori=listor[0],
            handelsetid=timezone.make_aware(datetime.datetime(ar, manad + 1, 1, 12)),
        )
    sida = ny_sida(cast.lars, mobil=mobil)
    sida.goto(f"{server}/avvikelser/statistik/")
    assert sida.locator("#totalt").inner_text() == "12"
    # Månadsdiagrammet har en stapel för varje månad i perioden (ett år bakåt: 13 månader), tolv med avvikelser.
    staplar = sida.locator("figure:has(figcaption:has-text('Avvikelser per månad')) svg rect")
    fran = idag - datetime.timedelta(days=365)
    assert staplar.count() == (idag.year - fran.year) * 12 + idag.month - fran.month + 1
    hojder = staplar.evaluate_all("rs => rs.map(r => parseFloat(r.getAttribute('height')))")
    assert sum(1 for h in hojder if h > 0) == 12
    # clientWidth, inte innerWidth: en mobil webbläsare zoomar ut så att innerWidth växer med innehållet.
    assert sida.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    # Ledningen har ingen kö; inga referensnummer eller länkar till enskilda avvikelser på sidan.
    assert (
        sida.locator("a[href^='/avvikelser/']").evaluate_all(
            "as => as.map(a => a.getAttribute('href')).filter(h => /^\\/avvikelser\\/\\d+\\//.test(h))"
        )
        == []
    )
    fel = axe_fel(sida)
    assert fel == [], forklara(fel)
