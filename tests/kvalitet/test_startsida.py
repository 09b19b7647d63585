"""Startsidan per roll (kvalitet/startsida.py): vad varje roll ser och inte ser, att talet på en ruta är
antalet i listan den länkar till, rapportknapparna och antalet frågor."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from avvikelser.models import Atgard as AvvikelseAtgard
from avvikelser.models import AvvikelseStatus, KlagomalStatus
from kvalitet.models import Atkomstlogg
from lexsarah.models import Status
from tests.avvikelser.factories import AvvikelseFactory, KlagomalFactory
from tests.lexsarah.factories import AtgardFactory, RapportFactory
from tests.uppfoljning.factories import arende

pytestmark = pytest.mark.django_db

IGAR = datetime.date.today() - datetime.timedelta(days=1)


@pytest.fixture
def data(org, cast, brukare):
    idag = timezone.localdate()
    forr = idag - datetime.timedelta(days=10)
    senare = idag + datetime.timedelta(days=10)
    a = {}
    # E1 (Eriks och Veras): 2 rapporterade (en av Pia), 1 under utredning, 1 åtgärdad, 1 avslutad.
    a["e1_r1"] = AvvikelseFactory(enhet=org.e1, rapporterad_av=cast.pia)
    a["e1_r2"] = AvvikelseFactory(enhet=org.e1, rapporterad_av=cast.pia)
    a["e1_u"] = AvvikelseFactory(
        enhet=org.e1, status=AvvikelseStatus.UNDER_UTREDNING, rapporterad_av=cast.utan
    )
    a["e1_a"] = AvvikelseFactory(enhet=org.e1, status=AvvikelseStatus.ATGARDAD, rapporterad_av=cast.utan)
    a["e1_x"] = AvvikelseFactory(enhet=org.e1, status=AvvikelseStatus.AVSLUTAD, rapporterad_av=cast.utan)
    # E3 (Elsas, samma nämnd N1) och E4 (nämnd N2).
    for _ in range(3):
        AvvikelseFactory(enhet=org.e3, rapporterad_av=cast.utan)
    AvvikelseFactory(enhet=org.e4, rapporterad_av=cast.utan)
    # Åtgärder: försenad, klar (räknas inte), framtida (räknas inte) vid E1; försenad vid E3.
    AvvikelseAtgard.objects.create(avvikelse=a["e1_u"], text="Ny rutin E1", klar_senast=forr)
    AvvikelseAtgard.objects.create(avvikelse=a["e1_u"], text="Klar E1", klar_senast=forr, klar=True)
    AvvikelseAtgard.objects.create(avvikelse=a["e1_a"], text="Senare E1", klar_senast=senare)
    e3 = AvvikelseFactory(enhet=org.e3, status=AvvikelseStatus.UNDER_UTREDNING, rapporterad_av=cast.utan)
    AvvikelseAtgard.objects.create(avvikelse=e3, text="Ny rutin E3", klar_senast=forr)
    # Klagomål: öppna vid E1 och E3 och E4, ett avslutat vid E1.
    KlagomalFactory(enhet=org.e1, namn="Klagande Karlsson")
    KlagomalFactory(enhet=org.e1, status=KlagomalStatus.AVSLUTAT)
    KlagomalFactory(enhet=org.e3, status=KlagomalStatus.UNDER_HANDLAGGNING)
    KlagomalFactory(enhet=org.e4)
    # Lex Sarah: vid E1 en försenad bedömning (Pias rapport) och en allvarlig som inte anmälts; vid E4 en försenad.
    ls_forsenad = RapportFactory(enhet=org.e1, rapporterad_av=cast.pia, bedomning_senast=forr)
    RapportFactory(enhet=org.e1, rapporterad_av=cast.vera, status=Status.BEDOMD, allvarligt=True)
    RapportFactory(enhet=org.e1, rapporterad_av=cast.vera, bedomning_senast=senare)
    RapportFactory(enhet=org.e4, rapporterad_av=cast.hugo, bedomning_senast=forr)
    AtgardFactory(rapport=ls_forsenad, ansvarig=cast.erik, klar_senast=senare)
    AtgardFactory(rapport=ls_forsenad, ansvarig=cast.erik, uppfoljd=forr)
    # Uppföljning: Hannas ärenden (ett ofullständigt försenat, ett ofullständigt, ett komplett), Hugos i N2.
    arende(brukare.b1, uppfoljning_planerad=forr)
    arende(brukare.skyddad, uppfoljning_planerad=senare)
    arende(
        brukare.b1,
        forsta_kontakt=forr,
        behov_bedomt=forr,
        atgarder_behovs=False,
        uppfoljning_gjord=forr,
        utfall="ja",
    )
    arende(brukare.b4, uppfoljning_planerad=forr)
    return SimpleNamespace(**a)


def _sida(klient):
    svar = klient.get(reverse("kvalitet:start"))
    assert svar.status_code == 200
    return svar, svar.content.decode()


def _rutor(svar) -> dict[str, int]:
    return {r.rubrik: r.antal for r in svar.context["sida"].rutor}


def test_unit_manager_sees_own_units_numbers_only(data, cast, logga_in):
    svar, html = _sida(logga_in(cast.erik))
    rutor = _rutor(svar)
    assert rutor["Avvikelser: rapporterad"] == 2
    assert rutor["Avvikelser: under utredning"] == 1
    assert rutor["Avvikelser: åtgärdad"] == 1
    assert rutor["Försenade åtgärder i avvikelser"] == 1
    assert rutor["Öppna klagomål och synpunkter"] == 1
    assert rutor["Mina lex Sarah-åtgärder"] == 1
    # Inte kvalitetssamordnarens eller handläggarens rutor, och ingen nämndjämförelse.
    assert not any(r.startswith("Lex Sarah:") or "uppföljning" in r for r in rutor)
    assert svar.context["sida"].jamforelse is None
    assert "Avvikelser per månad, senaste 12 hela månaderna" in html
    # Elsa (E3) ser sina egna tal, aldrig E1:s.
    rutor = _rutor(_sida(logga_in(cast.elsa))[0])
    assert rutor["Avvikelser: rapporterad"] == 3
    assert rutor["Avvikelser: under utredning"] == 1
    assert rutor["Försenade åtgärder i avvikelser"] == 1
    assert rutor["Öppna klagomål och synpunkter"] == 1
    assert rutor["Mina lex Sarah-åtgärder"] == 0


def test_area_manager_sees_the_area(data, cast, logga_in):
    rutor = _rutor(_sida(logga_in(cast.vera))[0])
    # Område A1 = E1 och E2; E3 ligger i A2.
    assert rutor["Avvikelser: rapporterad"] == 2
    assert rutor["Försenade åtgärder i avvikelser"] == 1


def test_coordinator_sees_committee_steps_gaps_and_complaints(data, cast, logga_in):
    svar, html = _sida(logga_in(cast.kim))
    rutor = _rutor(svar)
    assert rutor["Avvikelser: rapporterad"] == 5  # E1 2 + E3 3 (N1), inte E4
    assert rutor["Öppna klagomål och synpunkter"] == 2  # E1 och E3
    assert rutor["Lex Sarah: bedömningen är försenad"] == 1  # E1, inte E4 (N2)
    assert rutor["Lex Sarah: ska anmälas till IVO"] == 1
    assert rutor["Berörda som inte kontaktats (Nämnd N1)"] == 2
    assert rutor["Berörda som inte följts upp (Nämnd N1)"] == 2
    assert "Försenade åtgärder i avvikelser" not in rutor
    # Rapportörens namn syns aldrig på startsidan, inte heller klagandens.
    assert "Pia" not in html.replace(cast.kim.get_full_name(), "") and "Karlsson" not in html
    rutor = _rutor(_sida(logga_in(cast.sofia))[0])
    assert rutor["Lex Sarah: bedömningen är försenad"] == 1 and rutor["Avvikelser: rapporterad"] == 1
    assert rutor["Berörda som inte kontaktats (Nämnd N2)"] == 1


def test_case_officer_sees_own_cases_and_staff_own_reports(data, cast, logga_in):
    rutor = _rutor(_sida(logga_in(cast.hanna))[0])
    assert rutor == {"Mina ofullständiga uppföljningsärenden": 2, "Mina ärenden med försenad uppföljning": 1}
    rutor = _rutor(_sida(logga_in(cast.hugo))[0])
    assert rutor["Mina ofullständiga uppföljningsärenden"] == 1
    svar, _ = _sida(logga_in(cast.pia))
    rutor = {r.rubrik: r for r in svar.context["sida"].rutor}
    assert set(rutor) == {"Mina avvikelserapporter", "Mina lex Sarah-rapporter"}
    assert (
        rutor["Mina avvikelserapporter"].antal == 2
        and rutor["Mina avvikelserapporter"].detalj == "2 rapporterad"
    )
    assert rutor["Mina lex Sarah-rapporter"].antal == 1


def test_management_sees_committees_side_by_side_without_names(data, org, cast, logga_in):
    # Två avvikelser i en tidigare hel månad vid E4 (N2), en vid E2 (N1).
    for enhet in (org.e4, org.e4, org.e2):
        AvvikelseFactory(
            enhet=enhet, rapporterad_av=cast.utan, handelsetid=timezone.now() - datetime.timedelta(days=40)
        )
    svar, html = _sida(logga_in(cast.lars))
    assert svar.context["sida"].rutor == []
    j = svar.context["sida"].jamforelse
    ar = timezone.localdate().year
    assert j["namnder"] == ["Nämnd N1", "Nämnd N2"]
    rader = {namn: {t.rubrik: varden[i] for t, varden in j["rader"]} for i, namn in enumerate(j["namnder"])}
    assert set(rader) == {"Nämnd N1", "Nämnd N2"}
    # Avvikelserna i testet hände i dag: de hör till den pågående månaden, som inte ingår (hela månader).
    assert rader["Nämnd N1"]["Öppna klagomål och synpunkter"] == "2"
    assert rader["Nämnd N2"]["Öppna klagomål och synpunkter"] == "1"
    assert rader["Nämnd N1"][f"Lex Sarah-rapporter {ar}"] == "3"
    assert rader["Nämnd N2"][f"Lex Sarah-rapporter {ar}"] == "1"
    assert rader["Nämnd N1"]["Avvikelser, senaste 12 hela månaderna"] == "1"
    assert rader["Nämnd N2"]["Avvikelser, senaste 12 hela månaderna"] == "2"
    assert rader["Nämnd N1"]["Kompletta uppföljningar av förändrade insatser"] == "33 %"  # 1 komplett av 3
    assert rader["Nämnd N2"]["Kompletta uppföljningar av förändrade insatser"] == "0 %"
    assert "Nämnderna sida vid sida" in html
    # Länkarna leder till sammanställningar ledningen får läsa.
    klient = logga_in(cast.lars)
    for t, _varden in j["rader"]:
        if t.lank:
            assert klient.get(t.lank).status_code == 200, t.lank
    for namn in ("Greta", "Gran", "Hemlig", "Karlsson", "Ny rutin", "Pia"):
        assert namn not in html


def test_every_tile_number_equals_the_count_on_its_list(data, cast, logga_in):
    provade = 0
    for namn in ("pia", "erik", "elsa", "vera", "hanna", "hugo", "kim", "sofia"):
        klient = logga_in(getattr(cast, namn))
        svar, html = _sida(klient)
        for ruta in svar.context["sida"].rutor:
            assert ruta.lank in html.replace("&amp;", "&")
            lista = klient.get(ruta.lank)
            assert lista.status_code == 200, (namn, ruta.lank)
            assert lista.context["sida"].paginator.count == ruta.antal, (namn, ruta.rubrik)
            provade += 1
    assert provade > 25


def test_tile_list_shows_rows_and_logs_individuals(data, cast, logga_in, brukare):
    html = logga_in(cast.hanna).get(reverse("kvalitet:start_lista", args=["uppfoljning-forsenade"]))
    html = html.content.decode()
    assert "Uppföljning: Greta Gran" in html
    assert Atkomstlogg.objects.filter(anvandare=cast.hanna, brukare=brukare.b1).exists()
    html = logga_in(cast.kim).get(reverse("kvalitet:start_lista", args=["klagomal-oppna"])).content.decode()
    assert "Karlsson" not in html and "Enhet E1" in html and "Enhet E4" not in html


@pytest.mark.parametrize(
    ("namn", "nyckel"),
    [
        ("pia", "avvikelser-atgarder-forsenade"),
        ("hanna", "lexsarah-bedomning-forsenad"),
        ("erik", "lexsarah-ivo-ej-anmald"),
        ("lars", "klagomal-oppna"),
        ("kim", "uppfoljning-forsenade"),
        ("erik", "finns-inte"),
    ],
)
def test_tile_list_is_404_for_roles_without_it(data, cast, logga_in, namn, nyckel):
    svar = logga_in(getattr(cast, namn)).get(reverse("kvalitet:start_lista", args=[nyckel]))
    assert svar.status_code == 404


def test_report_buttons_for_every_role_that_may_use_the_forms(data, cast, logga_in):
    for namn in ("pia", "erik", "vera", "hanna", "kim", "lars", "ada"):
        klient = logga_in(getattr(cast, namn))
        svar, html = _sida(klient)
        knappar = {k.text: k.lank for k in svar.context["sida"].knappar if not k.liten}
        assert knappar == {
            "Rapportera avvikelse": "/avvikelser/rapportera/",
            "Rapportera missförhållande – lex Sarah": "/lexsarah/rapportera/",
        }, namn
        # Verktygen (QR-affischen för chefer och samordnare) står efter rapportknapparna.
        verktyg = [k.lank for k in svar.context["sida"].knappar if k.liten]
        assert verktyg == (["/avvikelser/affischer/"] if namn in ("erik", "vera", "kim") else []), namn
        # Knapparna står före allt annat innehåll på sidan.
        assert html.index("Rapportera avvikelse") < html.index("Mina uppgifter</h2>")
        for lank in knappar.values():
            form = klient.get(lank)
            assert form.status_code == 200 and list(form.context["form"].fields["enhet"].queryset), (
                namn,
                lank,
            )
    # Utan roll finns ingen enhet att rapportera för: inga knappar (formuläret kan inte skickas).
    svar, _ = _sida(logga_in(cast.utan))
    assert svar.context["sida"].knappar == []


@pytest.mark.parametrize(
    ("namn", "tak"),
    # Mina uppgifter läser åtgärdsregistret (issue 18): en fråga per källa som rollen når, i stället för
    # lex Sarahs och riskanalysens egna åtgärdsfrågor; ledningen når två källor (+1).
    [("pia", 14), ("erik", 25), ("vera", 25), ("hanna", 18), ("kim", 26), ("lars", 24), ("ada", 12)],
)
def test_start_page_query_count_per_role(data, cast, logga_in, django_assert_max_num_queries, namn, tak):
    klient = logga_in(getattr(cast, namn))
    klient.get(reverse("kvalitet:start"))
    with django_assert_max_num_queries(tak):
        assert klient.get(reverse("kvalitet:start")).status_code == 200


def test_managers_trend_counts_own_units_per_month(data, org, cast, logga_in):
    forr = timezone.now() - datetime.timedelta(days=40)
    for enhet in (org.e1, org.e3, org.e3):
        AvvikelseFactory(enhet=enhet, rapporterad_av=cast.utan, handelsetid=forr)
    manad = timezone.localtime(forr).date()
    (d,) = _sida(logga_in(cast.erik))[0].context["sida"].diagram
    per_manad = {rad[0]: rad[1] for rad in d.rader}
    assert len(per_manad) == 12
    from kvalitet.diagram import manadsetikett

    assert per_manad[manadsetikett(manad)] == "1"
    assert sum(int(v) for v in per_manad.values()) == 1
    (d,) = _sida(logga_in(cast.elsa))[0].context["sida"].diagram
    assert sum(int(rad[1]) for rad in d.rader) == 2


def test_every_tile_list_key_is_registered_for_the_security_sweeps(data, cast, logga_in):
    from kvalitet.startsida import nycklar

    kanda = set(nycklar())
    anvanda = set()
    for namn in ("pia", "erik", "hanna", "kim"):
        for ruta in _sida(logga_in(getattr(cast, namn)))[0].context["sida"].rutor:
            if ruta.lank.startswith("/start/"):
                anvanda.add(ruta.lank.split("/")[2])
    assert anvanda == kanda


def test_mina_uppgifter_visar_de_mest_bradskande_och_resten_pa_begaran(org, cast, logga_in):
    from kvalitet.views import UPPGIFTER_PA_STARTSIDAN

    idag = timezone.localdate()
    avvikelse = AvvikelseFactory(enhet=org.e1, rapporterad_av=cast.pia)
    antal = UPPGIFTER_PA_STARTSIDAN + 5
    for i in range(antal):
        AvvikelseAtgard.objects.create(
            avvikelse=avvikelse,
            text=f"Uppgift nummer {i:02d}",
            ansvarig=cast.erik,
            klar_senast=idag + datetime.timedelta(days=i - 2),
        )
    klient = logga_in(cast.erik)
    html = klient.get("/").content.decode()
    # De försenade (nummer 00 och 01) först; de med senast förfallodag syns inte förrän man ber om alla.
    lista = html.split('id="uppgifter"', 1)[1].split("</ul>", 1)[0]
    assert lista.count('class="list-group-item') == UPPGIFTER_PA_STARTSIDAN
    assert "Uppgift nummer 00" in lista and f"Uppgift nummer {antal - 1:02d}" not in html
    # Chefen har också andra uppgifter (avvikelsen att ta upp), så totalen är minst antalet åtgärder.
    totalt = int(re.search(r"mest brådskande av (\d+)", html).group(1))
    assert totalt >= antal and "?alla=1" in html
    alla = klient.get("/?alla=1").content.decode()
    assert all(f"Uppgift nummer {i:02d}" in alla for i in range(antal))
    assert 'id="uppgifter-fler"' not in alla
