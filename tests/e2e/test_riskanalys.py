"""Riskanalysens editor i riktig webbläsare: enhetschefen skapar en analys, lägger till risker och en åtgärd
med htmx utan att sidan laddas om, ser matrisen placera riskerna och fastställer; tillgänglighet med axe."""

import datetime
import re

import pytest
from django.utils import timezone

from riskanalys.models import AnalysStatus, Riskanalys
from tests.e2e.conftest import axe_fel, forklara
from tests.riskanalys.factories import (
    AtgardFactory,
    MallFactory,
    MallRiskFactory,
    RiskanalysFactory,
    RiskFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Sätts i fönstret före htmx-anropen; en omladdning eller navigering skulle nollställa den.
MARKOR = "window.__ingenOmladdning"


def _matriscell(sida, rubrik: str, konsekvens: int, sannolikhet: int):
    """Cellen i matrisen med tabelltexten `rubrik`; raderna går från konsekvens 4 ned till 1."""
    tabell = sida.locator("#matris table", has=sida.locator("caption", has_text=rubrik))
    return tabell.locator("tbody tr").nth(4 - konsekvens).locator("td").nth(sannolikhet - 1)


def _lagg_till_risk(sida, beskrivning: str, orsak: str, konsekvens: int, sannolikhet: int):
    sida.locator("[name='risk-beskrivning']").fill(beskrivning)
    sida.locator("[name='risk-orsak']").fill(orsak)
    sida.locator("[name='risk-konsekvens']").select_option(str(konsekvens))
    sida.locator("[name='risk-sannolikhet']").select_option(str(sannolikhet))
    sida.get_by_role("button", name="Lägg till risk").click()
    sida.locator("#risker article h3", has_text=beskrivning).wait_for()


def test_manager_builds_analysis_in_htmx_editor_without_reload_and_approves_it(ny_sida, server, org, cast):
    sida = ny_sida(cast.erik)
    sida.goto(f"{server}/riskanalys/")
    sida.get_by_role("link", name="Ny riskanalys").click()
    sida.wait_for_url(f"{server}/riskanalys/ny/")
    sida.locator("[name=nod]").select_option(str(org.e1.pk))
    sida.locator("[name=titel]").fill("Sommarstängning av dagverksamheten")
    sida.locator("[name=forandring]").fill("Dagverksamheten håller stängt i fyra veckor i juli.")
    sida.locator("[name=deltagare]").fill("Enhetschef, två undersköterskor")
    idag = timezone.localdate()
    sida.locator("[name=datum]").fill(idag.isoformat())
    sida.locator("[name=uppfoljning_senast]").fill((idag + datetime.timedelta(days=60)).isoformat())
    sida.get_by_role("button", name="Spara").click()
    sida.get_by_text("Analysen är skapad").wait_for()
    analys = Riskanalys.objects.get()
    assert sida.url == f"{server}/riskanalys/{analys.pk}/"
    assert analys.skapad_av == cast.erik and analys.status == AnalysStatus.UTKAST

    sida.evaluate(f"{MARKOR} = true")
    _lagg_till_risk(sida, "Den enskilde blir isolerad", "Inget ersättande stöd", 4, 3)
    _lagg_till_risk(sida, "Besök uteblir", "Nya turer", 2, 2)
    assert sida.evaluate(MARKOR) is True, "sidan laddades om när en risk lades till"
    # Fokus flyttas till editorns rubrik efter bytet (static/js/riskanalys.js).
    assert sida.evaluate("document.activeElement.id") == "risker-rubrik"
    # Matrisen byts ut utanför bandet: båda riskerna syns i rätt cell utan omladdning.
    cell = _matriscell(sida, "Före åtgärder", 4, 3)
    assert cell.inner_text().endswith("1") and "risk-mycket_hog" in cell.get_attribute("class")
    cell = _matriscell(sida, "Före åtgärder", 2, 2)
    assert cell.inner_text().endswith("1") and "risk-mattlig" in cell.get_attribute("class")
    assert sida.locator("#risker").get_by_text("12 Mycket hög").is_visible()

    forsta = analys.risker.get(beskrivning="Den enskilde blir isolerad")
    kort = sida.locator(f"#risk-{forsta.pk}")
    kort.locator("summary", has_text="Lägg till åtgärd").click()  # öppnar formuläret
    p = f"atgard-{forsta.pk}"
    kort.locator(f"[name='{p}-text']").fill("Erbjud träffpunkt två dagar i veckan")
    kort.locator(f"[name='{p}-ansvarig']").select_option(str(cast.pia.pk))
    kort.locator(f"[name='{p}-klar_senast']").fill((idag + datetime.timedelta(days=14)).isoformat())
    kort.locator(f"[name='{p}-uppfoljning']").fill("Vid APT i augusti")
    kort.get_by_role("button", name="Lägg till åtgärd").click()
    sida.locator(f"#risk-{forsta.pk} td", has_text="Erbjud träffpunkt").wait_for()
    assert sida.evaluate(MARKOR) is True, "sidan laddades om när en åtgärd lades till"
    atgard = forsta.atgarder.get()
    assert atgard.ansvarig == cast.pia and atgard.uppfoljning == "Vid APT i augusti"

    # Ett ogiltigt formulär visar felet i editorn, fortfarande utan omladdning.
    sida.locator("[name='risk-beskrivning']").fill("Ofullständig risk")
    sida.locator("[name='risk-konsekvens_efter']").select_option("2")
    sida.get_by_role("button", name="Lägg till risk").click()
    # Felet står både vid fältet och som länk i felsammanfattningen överst i formuläret (issue 19).
    sida.locator("#risker .invalid-feedback").get_by_text(
        "Ange både konsekvens och sannolikhet efter åtgärder"
    ).wait_for()
    felruta = sida.locator("#risker [data-felsammanfattning]")
    assert felruta.get_attribute("role") == "alert"
    assert felruta.get_by_role("link", name=re.compile("Ange både konsekvens")).get_attribute("href") == (
        "#id_risk-sannolikhet_efter"
    )
    assert sida.evaluate(MARKOR) is True
    assert sida.locator("[name='risk-beskrivning']").input_value() == "Ofullständig risk"
    assert analys.risker.count() == 2

    fel = axe_fel(sida)
    assert fel == [], forklara(fel)

    sida.get_by_role("button", name="Fastställ analysen").click()
    sida.get_by_text("Analysen är fastställd.").wait_for()
    analys.refresh_from_db()
    assert analys.status == AnalysStatus.FASTSTALLD and analys.faststalld_av == cast.erik
    assert sida.get_by_text(re.compile(r"Fastställd – fastställd \d{4}-\d{2}-\d{2} av Erik")).is_visible()
    # En fastställd analys ändras inte i editorn, bara genom en ny version.
    assert sida.get_by_role("button", name="Lägg till risk").count() == 0
    assert sida.get_by_role("button", name="Ändra genom en ny version").is_visible()
    assert _matriscell(sida, "Före åtgärder", 4, 3).inner_text().endswith("1")


@pytest.fixture
def riskdata(org, cast):
    analys = RiskanalysFactory(nod=org.e1, skapad_av=cast.erik, titel="Byte av larmleverantör")
    risk = RiskFactory(analys=analys, konsekvens=4, sannolikhet=2, konsekvens_efter=2, sannolikhet_efter=1)
    AtgardFactory(risk=risk, ansvarig=cast.pia, klar_senast=datetime.date(2026, 6, 1))
    faststalld = RiskanalysFactory(nod=org.a1, skapad_av=cast.vera, titel="Ny bemanning nattetid")
    RiskFactory(analys=faststalld)
    from riskanalys.services import analys_faststall

    analys_faststall(analys=faststalld, av=cast.vera)
    mall = MallFactory(nod=org.n1, skapad_av=cast.kim, titel="Schemaändring i hemtjänsten")
    MallRiskFactory(mall=mall)
    return {"analys": analys, "faststalld": faststalld, "mall": mall}


@pytest.mark.parametrize(
    "sokvag",
    [
        "/riskanalys/",
        "/riskanalys/ny/",
        "/riskanalys/risker/",
        "/riskanalys/mallar/",
        "/riskanalys/mallar/{mall}/",
        "/riskanalys/{analys}/",
        "/riskanalys/{faststalld}/",
    ],
)
def test_riskanalys_pages_have_no_serious_accessibility_violations(ny_sida, server, cast, riskdata, sokvag):
    sida = ny_sida(cast.kim)
    sida.goto(server + sokvag.format(**{k: v.pk for k, v in riskdata.items()}))
    assert sida.locator("h1").count() == 1
    fel = axe_fel(sida)
    assert fel == [], forklara(fel)
