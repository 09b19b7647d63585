"""Individuell uppföljning i riktig webbläsare: handläggaren registrerar en förändring som berör flera
enskilda, väljer de berörda i ett svep, loggar kontakter, och nämndens täckning stiger på översikten.
Dessutom tillgänglighet (axe-core) på uppföljningens huvudsidor."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kvalitet.models.brukare import Lag
from tests.e2e.conftest import axe_fel, forklara
from tests.factories import BrukareFactory, InsatsFactory, insatstyp
from tests.uppfoljning.factories import ForandringFactory, KontaktFactory, arende
from uppfoljning import services
from uppfoljning.models import EjVerkstalltBeslut, Forandring, Uppfoljningsarende

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Den riktiga servern kan vara långsam när maskinen är belastad; vänta på villkor, aldrig på klockan.
VANTA = 30_000


def _brukare_med_insats(namnd, enhet, handlaggare, fornamn, efternamn, typ=None):
    b = BrukareFactory(namnd=namnd, handlaggare=handlaggare, fornamn=fornamn, efternamn=efternamn)
    InsatsFactory(brukare=b, enhet=enhet, **({"typ": typ} if typ else {}))
    return b


@pytest.fixture
def lage(org, cast):
    """Fyra av Hannas brukare har hemtjänst vid E1 (de berörs). Två har det inte: en har en annan insats
    vid E1, en har hemtjänst vid E2 (som förändringen inte gäller). Sedan tidigare finns en förändring vid
    E3 med två berörda, varav en kontaktad."""
    berorda = [
        _brukare_med_insats(org.n1, org.e1, cast.hanna, f, e)
        for f, e in [("Anna", "Ask"), ("Bertil", "Berg"), ("Cecilia", "Ceder"), ("David", "Dahl")]
    ]
    _brukare_med_insats(
        org.n1, org.e1, cast.hanna, "Erik", "Enström", typ=insatstyp("Daglig verksamhet", "LSS")
    )
    _brukare_med_insats(org.n1, org.e2, cast.hanna, "Frida", "Fur")
    tidigare = ForandringFactory(nod=org.n1, skapad_av=cast.hanna, rubrik="Kvällsbesöken i E3 upphör")
    tidigare.enheter.set([org.e3])
    gamla = [
        arende(_brukare_med_insats(org.n1, org.e3, cast.hanna, f, e), forandring=tidigare, nod=org.e3)
        for f, e in [("Gösta", "Gren"), ("Hedvig", "Hassel")]
    ]
    services.kontakt_registrera(kontakt=KontaktFactory.build(arende=gamla[0]), av=cast.hanna)
    return berorda


def _las_tackning(sida, server) -> dict:
    """Läser nämndens siffror på täckningsöversikten som användaren ser dem."""
    sida.goto(f"{server}/uppfoljning/tackning/")
    sida.get_by_role("heading", name="Nämnderna sida vid sida").wait_for()

    def summa(rubrik: str) -> int:
        rad = sida.locator("tr").filter(has=sida.get_by_role("rowheader", name=rubrik, exact=True))
        return int(rad.locator("td").first.inner_text().strip())

    rad = sida.locator("tr").filter(has=sida.get_by_role("rowheader", name="Nämnd N1", exact=True))
    celler = rad.locator("td")
    berorda = int(celler.nth(0).inner_text().strip())
    m = re.fullmatch(r"(\d+) \((\d+) %\)", celler.nth(1).inner_text().strip())
    assert m, celler.nth(1).inner_text()
    return {
        "berorda": summa("Berörda enskilda"),
        "kontaktade": summa("Kontaktade"),
        "namnd_berorda": berorda,
        "namnd_kontaktade": int(m.group(1)),
        "andel_kontaktade": int(m.group(2)),
    }


def _logga_kontakt(sida, server, namn: str, vad: str):
    sida.goto(f"{server}/uppfoljning/mina/")
    sida.get_by_role("link", name=namn, exact=True).click()
    expect(sida.get_by_role("heading", name=f"Uppföljning: {namn}")).to_be_visible()
    form = sida.locator("form[action$='/kontakt/']")
    expect(form.get_by_label("Datum")).to_have_value(timezone.localdate().isoformat())
    form.get_by_label("Kanal").select_option(label="Hembesök")
    form.get_by_label("Med vem").select_option(label="Den enskilde")
    form.get_by_label("Vad som sades").fill(vad)
    form.get_by_label("Den enskildes syn på förändringen").fill("Orolig men förstår varför.")
    form.get_by_label("Delaktig i planeringen").select_option(label="Ja")
    form.get_by_role("button", name="Logga kontakten").click()
    expect(sida.get_by_text("Kontakten är loggad.")).to_be_visible(timeout=VANTA)
    # Kontakten står i listan och fattas inte längre.
    expect(sida.get_by_role("cell", name=vad)).to_be_visible()
    expect(sida.get_by_text(re.compile(r"^Saknas: "))).to_have_text(
        "Saknas: behovsbedömning, åtgärder, uppföljning."
    )


def test_case_officer_registers_change_selects_affected_logs_contacts_and_coverage_rises(
    ny_sida, server, org, cast, lage
):
    sida = ny_sida(cast.hanna)
    sida.set_default_timeout(VANTA)
    fore = _las_tackning(sida, server)
    assert fore == {
        "berorda": 2,
        "kontaktade": 1,
        "namnd_berorda": 2,
        "namnd_kontaktade": 1,
        "andel_kontaktade": 50,
    }

    # Förändringen registreras i formuläret (nås från listan över förändringar).
    sida.get_by_role("navigation", name="Uppföljning").get_by_role("link", name="Förändringar").click()
    sida.get_by_role("link", name="Registrera förändring").click()
    sida.get_by_label("Rubrik").fill("Hemtjänsten i E1 minskas till varannan vecka")
    sida.get_by_label("Nämnd").select_option(label="Nämnd N1")
    sida.get_by_label("Slag av förändring").select_option(label="Minskad omfattning")
    sida.get_by_label("Insatstyp").select_option(label="Hemtjänst (SoL)")
    sida.get_by_label("Enhet E1", exact=True).check()
    fran = timezone.localdate() - datetime.timedelta(days=7)
    sida.get_by_label("Gäller från").fill(fran.isoformat())
    sida.get_by_label("Orsak").fill("Budgetbeslut: insatsen minskas under hösten.")
    sida.get_by_label("Beslutad av").fill("Socialnämnden N1")
    sida.get_by_role("button", name="Spara förändringen").click()
    expect(sida.get_by_text("Förändringen är registrerad. Välj nu vilka som berörs.")).to_be_visible()
    forandring = Forandring.objects.get(rubrik__startswith="Hemtjänsten i E1")
    assert forandring.skapad_av == cast.hanna
    assert list(forandring.enheter.all()) == [org.e1]
    expect(sida.get_by_text("Förändringen saknar riskanalys.")).to_be_visible()

    # Massurvalet: alla med hemtjänst vid E1 i dag blir berörda, i ett svep efter förhandsvisningen.
    sida.get_by_label("Alla med insatsen vid enheterna detta datum").fill(timezone.localdate().isoformat())
    sida.get_by_role("button", name="Välj berörda").click()
    expect(sida.get_by_role("heading", name="Granska vilka som berörs")).to_be_visible()
    sida.get_by_role("button", name="Bekräfta").click()
    expect(sida.get_by_text("4 nya berörda ärenden skapades.")).to_be_visible()
    berorda_tabell = sida.locator("table").filter(has=sida.get_by_role("columnheader", name="Enskild"))
    for b in lage:
        expect(berorda_tabell.get_by_role("link", name=f"{b.fornamn} {b.efternamn}")).to_be_visible()
    expect(berorda_tabell.get_by_text("Erik Enström")).to_have_count(0)
    expect(berorda_tabell.get_by_text("Frida Fur")).to_have_count(0)
    assert set(
        Uppfoljningsarende.objects.filter(forandring=forandring).values_list("brukare", flat=True)
    ) == {b.pk for b in lage}

    mitt = _las_tackning(sida, server)
    assert mitt["berorda"] == mitt["namnd_berorda"] == 6
    assert mitt["kontaktade"] == mitt["namnd_kontaktade"] == 1
    assert mitt["andel_kontaktade"] == round(100 * 1 / 6)

    # Kontakt med tre av de fyra, via handläggarens ärendelista.
    kontaktade = lage[:3]
    for b in kontaktade:
        _logga_kontakt(
            sida, server, f"{b.fornamn} {b.efternamn}", f"Hembesök hos {b.fornamn} om minskningen."
        )
    assert Uppfoljningsarende.objects.filter(
        forandring=forandring, forsta_kontakt=timezone.localdate()
    ).count() == len(kontaktade)

    efter = _las_tackning(sida, server)
    assert efter["berorda"] == mitt["berorda"]
    assert efter["kontaktade"] - mitt["kontaktade"] == len(kontaktade)
    assert efter["namnd_kontaktade"] == efter["kontaktade"] == 4
    assert efter["andel_kontaktade"] == round(100 * 4 / 6) == 67
    assert efter["andel_kontaktade"] - mitt["andel_kontaktade"] == 50

    # Luckan går att borra ner i: den enda i förändringen som inte kontaktats syns där.
    sida.get_by_role("link", name="Visa ej kontaktade").click()
    expect(sida.get_by_role("link", name="David Dahl")).to_be_visible()
    expect(sida.get_by_role("link", name="Anna Ask")).to_have_count(0)

    # Kvalitetssamordnaren för nämnden ser samma täckning.
    kim = ny_sida(cast.kim)
    kim.set_default_timeout(VANTA)
    assert _las_tackning(kim, server) == efter


@pytest.mark.parametrize("mobil", [True, False], ids=["390px", "1280px"])
def test_case_officer_previews_the_selection_deselects_one_and_confirms(
    ny_sida, server, org, cast, lage, mobil
):
    """Issue 19: urvalet förhandsvisas, en kryssas ur med ett skäl, och bara de andra får ärenden."""
    forandring = ForandringFactory(nod=org.n1, skapad_av=cast.hanna, rubrik="Hemtjänsten i E1 minskas")
    forandring.enheter.set([org.e1])
    sida = ny_sida(cast.hanna, mobil=mobil)
    sida.set_default_timeout(VANTA)
    sida.goto(f"{server}/uppfoljning/forandringar/{forandring.pk}/")
    sida.get_by_label("Alla med insatsen vid enheterna detta datum").fill(timezone.localdate().isoformat())
    sida.get_by_role("button", name="Välj berörda").click()
    expect(sida.get_by_role("heading", name="Granska vilka som berörs")).to_be_visible()
    # Ingenting är skapat förrän hon bekräftar.
    assert not Uppfoljningsarende.objects.filter(forandring=forandring).exists()
    kryss = sida.get_by_role("checkbox")
    expect(kryss).to_have_count(len(lage))
    fel = axe_fel(sida)
    assert fel == [], forklara(fel)
    assert sida.evaluate("document.documentElement.scrollWidth") <= (390 if mobil else 1280) + 1

    bortvald = lage[1]
    sida.get_by_role("checkbox", name=f"{bortvald.fornamn} {bortvald.efternamn}").uncheck()
    sida.get_by_label("Skäl för dem du valt bort (frivilligt)").fill("Har flyttat till särskilt boende.")
    sida.get_by_role("button", name="Bekräfta").click()
    expect(
        sida.get_by_text(f"{len(lage) - 1} nya berörda ärenden skapades. 1 valdes bort", exact=False)
    ).to_be_visible()
    berorda_tabell = sida.locator("table").filter(has=sida.get_by_role("columnheader", name="Enskild"))
    expect(berorda_tabell.locator("tbody tr")).to_have_count(len(lage) - 1)
    expect(berorda_tabell.get_by_text(f"{bortvald.fornamn} {bortvald.efternamn}")).to_have_count(0)
    expect(sida.get_by_text("Har flyttat till särskilt boende.", exact=False)).to_be_visible()
    assert set(
        Uppfoljningsarende.objects.filter(forandring=forandring).values_list("brukare", flat=True)
    ) == {b.pk for b in lage if b != bortvald}
    fel = axe_fel(sida)
    assert fel == [], forklara(fel)


# --- tillgänglighet --------------------------------------------------------------------------------


@pytest.fixture
def uppfoljningsdata(org, cast, lage):
    """En förändring med berörda (en kontaktad) och ett ej verkställt beslut, så att sidorna har rader."""
    f = ForandringFactory(nod=org.n1, skapad_av=cast.hanna, rubrik="Hemtjänsten minskas")
    f.enheter.set([org.e1])
    services.berorda_valj(forandring=f, datum=timezone.localdate(), av=cast.hanna)
    a = Uppfoljningsarende.objects.filter(forandring=f).order_by("pk").first()
    services.kontakt_registrera(kontakt=KontaktFactory.build(arende=a), av=cast.hanna)
    b = _brukare_med_insats(org.n1, org.e1, cast.hanna, "Ingrid", "Idegran")
    insats = b.insatser.get()
    EjVerkstalltBeslut.objects.create(
        insats=insats,
        fran=insats.beslutsdatum,
        brukare=b,
        namnd=org.n1,
        lag=Lag.SOL,
        pseudonym=services.pseudonym(b, 1),
        orsak="Ingen ledig plats.",
    )
    return {"forandring": f, "arende": a}


@pytest.mark.parametrize(
    "sida_namn",
    ["forandringar", "forandring_ny", "forandring", "arende", "mina", "tackning", "ej_verkstallda"],
)
def test_uppfoljning_pages_have_no_serious_accessibility_violations(
    ny_sida, server, cast, uppfoljningsdata, sida_namn
):
    sokvagar = {
        "forandringar": "/uppfoljning/forandringar/",
        "forandring_ny": "/uppfoljning/forandringar/ny/",
        "forandring": f"/uppfoljning/forandringar/{uppfoljningsdata['forandring'].pk}/",
        "arende": f"/uppfoljning/arenden/{uppfoljningsdata['arende'].pk}/",
        "mina": "/uppfoljning/mina/",
        "tackning": "/uppfoljning/tackning/",
        "ej_verkstallda": "/uppfoljning/ej-verkstallda/",
    }
    sida = ny_sida(cast.hanna)
    sida.set_default_timeout(VANTA)
    svar = sida.goto(f"{server}{sokvagar[sida_namn]}")
    assert svar.status == 200
    assert sida.locator("table tbody tr").count() or sida_namn == "forandring_ny"
    fel = axe_fel(sida)
    assert fel == [], forklara(fel)
