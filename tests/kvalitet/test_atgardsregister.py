"""Åtgärdsregistret (issue 18): en sida för alla modulers åtgärder, scope per roll, filter, försenat,
Excel med åtkomstlogg, "Mina uppgifter" och påminnelserna ur samma register."""

import datetime
import io
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse

from avvikelser.models import Atgard as AvvikelseAtgard
from kvalitet import atgardsregister
from kvalitet.atgardsregister import Filter, Status
from kvalitet.models import Atkomstlogg, Notifikation, Rolltilldelning
from kvalitet.tasks import atgardssvep, bevakningssvep
from kvalitet.uppgifter import mina_uppgifter
from riskanalys import services as risk_services
from tests.avvikelser.factories import AvvikelseFactory
from tests.lexsarah.factories import AtgardFactory as LexAtgardFactory
from tests.lexsarah.factories import RapportFactory
from tests.rapporter.factories import ForbattringsatgardFactory, KontrollplanFactory, KontrollpunktFactory
from tests.riskanalys.factories import AtgardFactory as RiskAtgardFactory
from tests.riskanalys.factories import RiskanalysFactory, RiskFactory
from tests.uppfoljning.factories import arende

pytestmark = pytest.mark.django_db

IDAG = datetime.date.today()
IGAR = IDAG - datetime.timedelta(days=1)
OM_EN_VECKA = IDAG + datetime.timedelta(days=7)
URL = "/atgarder/"


@pytest.fixture
def data(org, cast, brukare):
    """En åtgärd i varje modul. E1 (Erik): avvikelse (försenad, Erik), lex Sarah (Erik, om en vecka),
    riskanalys (Pia, genomförd); E3 (Elsa): avvikelse (Elsa, om en vecka); E4 (N2): avvikelse (ingen
    ansvarig); N1: uppföljning för den skyddade enskilde (Hanna, försenad), kontrollpunkt i år,
    förbättring förra året (försenad)."""
    av_e1 = AvvikelseFactory(enhet=org.e1, rapporterad_av=cast.pia, brukare=brukare.b1, anonym=True)
    forsenad = AvvikelseAtgard.objects.create(
        avvikelse=av_e1, text="Ny rutin för läkemedel", ansvarig=cast.erik, klar_senast=IGAR
    )
    av_e3 = AvvikelseFactory(enhet=org.e3, rapporterad_av=cast.elsa)
    e3 = AvvikelseAtgard.objects.create(
        avvikelse=av_e3, text="Ledstång i korridoren", ansvarig=cast.elsa, klar_senast=OM_EN_VECKA
    )
    av_e4 = AvvikelseFactory(enhet=org.e4, rapporterad_av=cast.sofia)
    e4 = AvvikelseAtgard.objects.create(avvikelse=av_e4, text="Annan nämnds åtgärd", klar_senast=OM_EN_VECKA)
    rapport = RapportFactory(enhet=org.e1, rapporterad_av=cast.pia, sammanfattning="Utebliven tillsyn")
    lex = LexAtgardFactory(
        rapport=rapport, text="Nattillsyn varje timme", ansvarig=cast.erik, klar_senast=OM_EN_VECKA
    )
    analys = RiskanalysFactory(nod=org.e1, titel="Sommarstängning")
    risk = RiskFactory(analys=analys)
    ra = RiskAtgardFactory(risk=risk, text="Träffpunkt två dagar", ansvarig=cast.pia, klar_senast=OM_EN_VECKA)
    risk_services.analys_faststall(analys=analys, av=cast.erik)
    type(ra).objects.filter(pk=ra.pk).update(status="klar", resultat="Alla fick plats.")
    upp = arende(
        brukare.skyddad,
        atgarder_behovs=True,
        atgarder="Extra besök varje vecka",
        uppfoljning_planerad=IGAR,
    )
    plan = KontrollplanFactory(nod=org.n1, ar=IDAG.year, rubrik="Intern kontrollplan")
    punkt = KontrollpunktFactory(plan=plan, aktivitet="Stickprov av journaler")
    forbattring = ForbattringsatgardFactory(nod=org.n1, ar=IDAG.year - 1, atgard="Utbilda i händelseanalys")
    return SimpleNamespace(
        av_e1=av_e1,
        forsenad=forsenad,
        e3=e3,
        e4=e4,
        rapport=rapport,
        lex=lex,
        analys=analys,
        ra=ra,
        upp=upp,
        punkt=punkt,
        forbattring=forbattring,
    )


def _nycklar(user, f=None):
    return {(r.kalla, r.pk) for r in atgardsregister.register(user, f)}


# --- scope per roll ----------------------------------------------------------------------------------


def test_enhetschefen_ser_sina_enheters_atgarder_och_nodens_planer(data, cast):
    assert _nycklar(cast.erik) == {
        ("avvikelser", data.forsenad.pk),
        ("lexsarah", data.lex.pk),
        ("riskanalys", data.ra.pk),
        ("egenkontroll", data.punkt.pk),
        ("forbattringsplan", data.forbattring.pk),
    }
    assert ("avvikelser", data.e3.pk) in _nycklar(cast.elsa)
    assert ("avvikelser", data.forsenad.pk) not in _nycklar(cast.elsa)


def test_samordnaren_ser_namnden_och_ingen_annan_namnds(data, cast):
    kim = _nycklar(cast.kim)
    assert {("avvikelser", data.forsenad.pk), ("avvikelser", data.e3.pk), ("lexsarah", data.lex.pk)} <= kim
    assert ("uppfoljning", data.upp.pk) in kim
    assert ("avvikelser", data.e4.pk) not in kim
    sofia = _nycklar(cast.sofia)
    assert sofia == {("avvikelser", data.e4.pk)}


def test_lex_sarah_atgarder_doljs_for_roller_utan_lex_sarah(data, cast):
    hanna = atgardsregister.register(cast.hanna)
    assert {r.kalla for r in hanna} == {"uppfoljning"}
    assert all(r.kalla != "lexsarah" for r in atgardsregister.register(cast.lars))


def test_sidan_ar_for_chefer_samordnare_och_handlaggare(data, cast, logga_in):
    for user in (cast.pia, cast.lars, cast.ada, cast.utan):
        assert logga_in(user).get(URL).status_code == 403
    for user in (cast.erik, cast.vera, cast.kim, cast.hanna):
        assert logga_in(user).get(URL).status_code == 200


def test_menyn_visar_registret_bara_for_dem_som_far_anvanda_det(data, cast, logga_in):
    assert URL in logga_in(cast.erik).get("/").content.decode()
    assert URL not in logga_in(cast.pia).get("/").content.decode()


def test_sidan_visar_kallans_referens_och_aldrig_rapportor_eller_skyddat_namn(data, cast, brukare, logga_in):
    sida = logga_in(cast.kim).get(URL).content.decode()
    # Listan över ansvariga rymmer bara den egna nämndens personer.
    assert cast.erik.get_full_name() in sida and cast.sofia.get_full_name() not in sida
    html = sida.split('id="atgarder"')[1]
    assert data.av_e1.referensnummer in html and data.rapport.referensnummer in html
    assert reverse("avvikelser:detalj", args=[data.av_e1.pk]) in html
    assert reverse("uppfoljning:arende", args=[data.upp.pk]) in html
    assert f"Uppföljning {data.upp.pk}" in html
    for namn in ("Hemlig", "Person", "Greta"):
        assert namn not in html
    # Pia rapporterade avvikelsen och lex Sarah-ärendet (anonymt): hennes namn står inte på de raderna.
    for ref in (data.av_e1.referensnummer, data.rapport.referensnummer):
        rad = next(r for r in html.split("<tr") if ref in r)
        assert cast.pia.first_name not in rad
    # Ansvarig med fullständigt namn.
    assert cast.erik.get_full_name() in html


# --- status och filter -------------------------------------------------------------------------------


def test_forsenad_ar_oppen_efter_sista_dagen_och_inte_pa_sista_dagen():
    s = atgardsregister.status_for
    assert s(klar=False, struken=False, klar_senast=IGAR, idag=IDAG) == Status.FORSENAD
    assert s(klar=False, struken=False, klar_senast=IDAG, idag=IDAG) == Status.OPPEN
    assert s(klar=False, struken=False, klar_senast=None, idag=IDAG) == Status.OPPEN
    assert s(klar=True, struken=False, klar_senast=IGAR, idag=IDAG) == Status.KLAR
    assert s(klar=True, struken=True, klar_senast=IGAR, idag=IDAG) == Status.STRUKEN


def test_forsenade_forst_sedan_efter_sista_dag(data, cast):
    rader = atgardsregister.register(cast.kim)
    statusar = [r.status for r in rader]
    forsta_ej_forsenad = next(i for i, s in enumerate(statusar) if s != Status.FORSENAD)
    assert all(s == Status.FORSENAD for s in statusar[:forsta_ej_forsenad])
    assert Status.FORSENAD not in statusar[forsta_ej_forsenad:]
    # Förbättringen förra året (31 december) är äldst av de försenade.
    assert (rader[0].kalla, rader[0].pk) == ("forbattringsplan", data.forbattring.pk)
    oppna = [r.klar_senast for r in rader if r.status == Status.OPPEN]
    assert oppna == sorted(oppna)


def test_filter_status(data, cast):
    assert _nycklar(cast.kim, Filter(status=Status.FORSENAD)) == {
        ("avvikelser", data.forsenad.pk),
        ("uppfoljning", data.upp.pk),
        ("forbattringsplan", data.forbattring.pk),
    }
    assert _nycklar(cast.kim, Filter(status=Status.KLAR)) == {("riskanalys", data.ra.pk)}
    assert ("riskanalys", data.ra.pk) not in _nycklar(cast.kim, Filter(status=Status.OPPEN))
    assert ("avvikelser", data.forsenad.pk) in _nycklar(cast.kim, Filter(status=Status.OPPEN))
    AvvikelseAtgard.objects.filter(pk=data.e3.pk).update(struken="Behövs inte", klar=True)
    assert _nycklar(cast.kim, Filter(status=Status.STRUKEN)) == {("avvikelser", data.e3.pk)}
    assert _nycklar(cast.kim, Filter(forsenade=True)) == _nycklar(cast.kim, Filter(status=Status.FORSENAD))


def test_filter_nod_ansvarig_modul_och_datum(data, cast, org):
    assert _nycklar(cast.kim, Filter(nod=org.e3)) == {("avvikelser", data.e3.pk)}
    assert _nycklar(cast.kim, Filter(ansvarig_id=cast.erik.pk)) == {
        ("avvikelser", data.forsenad.pk),
        ("lexsarah", data.lex.pk),
    }
    assert _nycklar(cast.kim, Filter(kalla="lexsarah")) == {("lexsarah", data.lex.pk)}
    assert _nycklar(cast.kim, Filter(kalla="egenkontroll")) == {("egenkontroll", data.punkt.pk)}
    vecka = _nycklar(cast.kim, Filter(fran=OM_EN_VECKA, till=OM_EN_VECKA))
    assert vecka == {("avvikelser", data.e3.pk), ("lexsarah", data.lex.pk), ("riskanalys", data.ra.pk)}
    # Planer per år förfaller 31 december: kontrollpunkten i år ligger i årets sista dag.
    nyar = datetime.date(IDAG.year, 12, 31)
    assert ("egenkontroll", data.punkt.pk) in _nycklar(cast.kim, Filter(fran=nyar, till=nyar))
    assert ("egenkontroll", data.punkt.pk) not in _nycklar(
        cast.kim, Filter(till=nyar - datetime.timedelta(1))
    )


def test_filtret_pa_sidan_och_ett_felaktigt_varde_ger_svenskt_fel(data, cast, org, logga_in):
    klient = logga_in(cast.kim)
    html = klient.get(URL, {"nod": org.e3.pk}).content.decode()
    assert "Ledstång i korridoren" in html and "Ny rutin för läkemedel" not in html
    html = klient.get(URL, {"status": "forsenad", "kalla": "avvikelser"}).content.decode()
    assert "Ny rutin för läkemedel" in html and "Ledstång" not in html
    svar = klient.get(URL, {"nod": org.e4.pk, "fran": "2026-13-01", "kalla": "avvikelser"})
    html = svar.content.decode()
    assert svar.status_code == 200
    assert "Ange datumet som ÅÅÅÅ-MM-DD." in html
    assert "Välj ett giltigt alternativ" in html  # en annan nämnds nod finns inte i listan
    assert 'value="2026-13-01"' in html  # det inskrivna finns kvar
    # Det som gick att tolka filtrerar ändå (modulen).
    assert "Nattillsyn" not in html and "Ny rutin för läkemedel" in html


def test_sidan_ar_paginerad_och_fragorna_vaxer_inte_med_raderna(
    data, cast, org, logga_in, django_assert_max_num_queries
):
    klient = logga_in(cast.kim)
    with django_assert_max_num_queries(30):
        klient.get(URL)
    for i in range(60):
        AvvikelseAtgard.objects.create(
            avvikelse=data.av_e1, text=f"Åtgärd {i}", ansvarig=cast.erik, klar_senast=OM_EN_VECKA
        )
    with django_assert_max_num_queries(30):
        svar = klient.get(URL)
    assert "Sida 1 av 2" in svar.content.decode()
    assert "Sida 2 av 2" in klient.get(URL, {"sida": 2}).content.decode()


def test_sidan_loggar_de_enskilda_raderna_galler(data, cast, brukare, logga_in):
    logga_in(cast.kim).get(URL)
    loggade = set(
        Atkomstlogg.objects.filter(anvandare=cast.kim, vad="åtgärdsregistret").values_list(
            "brukare_id", flat=True
        )
    )
    assert loggade == {brukare.b1.pk, brukare.skyddad.pk}


# --- Excel -------------------------------------------------------------------------------------------


def test_excel_har_samma_urval_och_loggas(data, cast, brukare, logga_in):
    from openpyxl import load_workbook

    svar = logga_in(cast.kim).get(URL, {"status": "forsenad", "format": "xlsx"})
    assert svar.status_code == 200
    assert svar["Content-Type"].startswith("application/vnd.openxmlformats")
    bok = load_workbook(io.BytesIO(b"".join(svar.streaming_content)))
    rader = list(bok.active.iter_rows(values_only=True))
    assert rader[0][:4] == ("Modul", "Referens", "Källpost", "Åtgärd")
    assert {r[3] for r in rader[1:]} == {
        "Ny rutin för läkemedel",
        "Extra besök varje vecka",
        "Utbilda i händelseanalys",
    }
    assert all(r[-1] == "Försenad" for r in rader[1:])
    assert not any("Hemlig" in str(c) for r in rader for c in r)
    loggade = set(
        Atkomstlogg.objects.filter(vad="åtgärdsregistret: export till Excel", anvandare=cast.kim).values_list(
            "brukare_id", flat=True
        )
    )
    assert loggade == {brukare.b1.pk, brukare.skyddad.pk}


def test_excel_nekas_den_som_inte_far_anvanda_sidan(data, cast, logga_in):
    assert logga_in(cast.lars).get(URL, {"format": "xlsx"}).status_code == 403


# --- Mina uppgifter ----------------------------------------------------------------------------------


def test_mina_uppgifter_visar_egna_oppna_atgarder_ur_registret(data, cast, logga_in):
    erik = [u for u in mina_uppgifter(cast.erik) if u.rubrik.startswith("Genomför åtgärd")]
    assert [(u.kalla, u.forfaller) for u in erik] == [("avvikelser", IGAR), ("lexsarah", OM_EN_VECKA)]
    assert erik[0].forsenad
    # Pias åtgärd i riskanalysen är genomförd: ingen uppgift. Öppnas den igen syns den.
    assert not [u for u in mina_uppgifter(cast.pia) if u.rubrik.startswith("Genomför åtgärd")]
    type(data.ra).objects.filter(pk=data.ra.pk).update(status="pagar")
    assert [u.kalla for u in mina_uppgifter(cast.pia) if u.rubrik.startswith("Genomför åtgärd")] == [
        "riskanalys"
    ]
    html = logga_in(cast.erik).get("/").content.decode()
    assert "Genomför åtgärd: Ny rutin för läkemedel" in html and "Försenad sedan" in html


# --- påminnelserna -----------------------------------------------------------------------------------


def test_paminnelserna_kommer_ur_registret_en_gang_i_ett_sammandrag(data, cast, settings):
    settings.KVALITET_BAS_URL = "https://kvalitet.example"
    from lexsarah import services as lex_services

    # Lex Sarah-åtgärden är också försenad och har modulens egen bevakning: samma påminnelse, en gång.
    data.lex.klar_senast = IDAG - datetime.timedelta(days=3)
    lex_services.atgard_spara(atgard=data.lex, av=cast.kim)
    # Registrets svep först (utan e-post), sedan bevakningssvepet som gör modulens bevakning till en notis
    # med samma nyckel (ingen till) och skickar dagens sammandrag.
    assert atgardsregister.paminnelser_svep() == 3  # avvikelsen och lex Sarah (Erik), uppföljningen (Hanna)
    bevakningssvep.apply().get()
    assert atgardssvep.apply().get()["paminnelser"] == 0
    erik = Notifikation.objects.filter(mottagare=cast.erik)
    assert erik.count() == 2
    brev = [m for m in mail.outbox if m.to == [cast.erik.email]]
    assert len(brev) == 1
    text = brev[0].body
    assert text.count(data.av_e1.referensnummer) == 1
    assert text.count(f"https://kvalitet.example{reverse('avvikelser:detalj', args=[data.av_e1.pk])}") == 1
    assert text.count(f"https://kvalitet.example{reverse('lexsarah:detalj', args=[data.rapport.pk])}") == 1
    # Hanna får uppföljningens påminnelse, utan den enskildes namn.
    hanna = Notifikation.objects.get(mottagare=cast.hanna)
    assert "Hemlig" not in hanna.rubrik + hanna.text
    # Uppföljningens eget svep skapar inte en till (samma nyckel).
    from uppfoljning import services as upp_services

    upp_services.svep()
    assert (
        Notifikation.objects.filter(
            mottagare=cast.hanna, lank=reverse("uppfoljning:arende", args=[data.upp.pk])
        ).count()
        == 1
    )


def test_ingen_paminnelse_till_en_roll_som_gatt_ut(data, cast):
    Rolltilldelning.objects.filter(anvandare=cast.erik).update(
        giltig_till=IDAG - datetime.timedelta(days=400)
    )
    atgardsregister.paminnelser_svep()
    assert not Notifikation.objects.filter(mottagare=cast.erik).exists()
    assert Notifikation.objects.filter(mottagare=cast.hanna).exists()


def test_genomford_eller_ej_forsenad_atgard_ger_ingen_paminnelse(data, cast):
    AvvikelseAtgard.objects.filter(pk=data.forsenad.pk).update(
        klar=True, genomford=IDAG, effekt_bedomning="ja", effekt="Bra"
    )
    atgardsregister.paminnelser_svep()
    assert not Notifikation.objects.filter(mottagare__in=[cast.erik, cast.elsa]).exists()


def test_en_bevakning_som_redan_pamint_ger_ingen_paminnelse_till_ur_registret(data, cast):
    from lexsarah import services as lex_services

    data.lex.klar_senast = IDAG - datetime.timedelta(days=3)
    lex_services.atgard_spara(atgard=data.lex, av=cast.kim)
    bevakningssvep.apply().get()
    assert Notifikation.objects.filter(mottagare=cast.erik).count() == 1
    assert atgardsregister.paminnelser_svep() == 2  # avvikelsen (Erik) och uppföljningen (Hanna)
    assert Notifikation.objects.filter(mottagare=cast.erik).count() == 2


def test_kallorna_hittas_i_karnans_och_apparnas_queries():
    namn = {f"{fn.__module__}.{fn.__name__}" for fn in atgardsregister.kallor()}
    assert {
        "kvalitet.queries.atgardsregister",
        "avvikelser.queries.atgardsregister",
        "lexsarah.queries.atgardsregister",
        "riskanalys.queries.atgardsregister",
        "uppfoljning.queries.atgardsregister",
        "avvikelser.queries.atgardsregister_klagomal",
    } <= namn
    # Bara funktioner som modulen själv definierar (inte en importerad hjälp med samma prefix).
    assert all(fn.__module__.endswith(".queries") for fn in atgardsregister.kallor())


def test_verksamhetschefen_ser_omradet_och_handlaggaren_i_en_annan_namnd_ingenting(data, cast):
    vera = _nycklar(cast.vera)
    assert ("avvikelser", data.forsenad.pk) in vera and ("avvikelser", data.e3.pk) not in vera
    assert _nycklar(cast.hugo) == set()
    assert _nycklar(cast.utan) == set()


# --- klagomålen (issue 18: klagomål i samma register) ------------------------------------------------------


def test_klagomalens_atgarder_star_i_registret_inom_klagomalets_scope(org, cast, logga_in):
    from avvikelser.models import KlagomalAtgard
    from tests.avvikelser.factories import KlagomalFactory

    k1 = KlagomalFactory(enhet=org.e1, namn="Greta Klagande", kontakt="greta@example.se")
    forsenad = KlagomalAtgard.objects.create(
        klagomal=k1, text="Ring tillbaka", ansvarig=cast.erik, klar_senast=IGAR
    )
    k4 = KlagomalFactory(enhet=org.e4)
    annan = KlagomalAtgard.objects.create(klagomal=k4, text="Annan nämnd", klar_senast=OM_EN_VECKA)

    erik = {(r.kalla, r.pk): r for r in atgardsregister.register(cast.erik)}
    rad = erik[("klagomal", forsenad.pk)]
    assert rad.status == Status.FORSENAD and rad.referens == k1.referensnummer
    assert rad.lank == reverse("avvikelser:klagomal_detalj", args=[k1.pk])
    assert ("klagomal", annan.pk) not in erik
    assert ("klagomal", annan.pk) in _nycklar(cast.sofia)
    assert ("klagomal", forsenad.pk) not in _nycklar(cast.sofia)
    # Filtret på källa, och avsändarens namn står aldrig på sidan.
    assert _nycklar(cast.erik, Filter(kalla="klagomal")) == {("klagomal", forsenad.pk)}
    html = logga_in(cast.erik).get(URL).content.decode()
    assert "Ring tillbaka" in html and "Greta Klagande" not in html and "greta@example.se" not in html


def test_effektbedomda_atgarder_visas_med_bedomningen_i_varje_kalla(org, cast, logga_in):
    """Bedömningen ("Ja", en lat översättning) och texten sätts ihop på raden; sidan och exporten klarar det."""
    from avvikelser.models import KlagomalAtgard
    from tests.avvikelser.factories import KlagomalFactory

    av = AvvikelseFactory(enhet=org.e1, rapporterad_av=cast.pia)
    AvvikelseAtgard.objects.create(
        avvikelse=av,
        text="Avvikelsens åtgärd",
        ansvarig=cast.erik,
        klar_senast=IGAR,
        genomford=IGAR,
        effekt_bedomning="ja",
        effekt="Inga fler fall.",
    )
    rapport = RapportFactory(enhet=org.e1, rapporterad_av=cast.pia)
    LexAtgardFactory(
        rapport=rapport,
        text="Lex Sarahs åtgärd",
        ansvarig=cast.erik,
        klar_senast=IGAR,
        uppfoljd=IGAR,
        effekt_bedomning="delvis",
        resultat="Bättre nattetid.",
    )
    KlagomalAtgard.objects.create(
        klagomal=KlagomalFactory(enhet=org.e1),
        text="Klagomålets åtgärd",
        ansvarig=cast.erik,
        klar_senast=IGAR,
        genomford=IGAR,
        effekt_bedomning="nej",
        effekt="Maten är fortfarande kall.",
    )
    klient = logga_in(cast.erik)
    svar = klient.get(URL, {"status": "klar"})
    assert svar.status_code == 200
    html = svar.content.decode()
    for text in ("Ja: Inga fler fall.", "Delvis: Bättre nattetid.", "Nej: Maten är fortfarande kall."):
        assert text in html
    assert klient.get(URL, {"status": "klar", "format": "xlsx"}).status_code == 200
