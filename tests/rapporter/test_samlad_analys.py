"""Samlad analys: siffrorna mot oberoende räkningar i ORM:en, åtkomst per roll, frågeantal, analystexten
(rensning, krock, in i berättelsen och PDF:en) och felaktigt urval."""

import datetime
import subprocess
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from avvikelser.models import Avvikelse, Klagomal
from kvalitet.models import Insats
from lexsarah.models import Rapport
from rapporter import pdf as rapport_pdf
from rapporter import queries as rapport_queries
from rapporter import services
from rapporter.models import SamladAnalys
from tests.avvikelser.factories import AvvikelseFactory, KategoriFactory, KlagomalFactory
from tests.factories import BrukareFactory, InsatsFactory
from tests.lexsarah.factories import RapportFactory
from tests.rapporter.factories import KvalitetsberattelseFactory
from tests.uppfoljning.factories import arende
from uppfoljning.models import EjVerkstalltBeslut, Uppfoljningsarende

AR = timezone.localdate().year
URL = reverse("rapporter:samlad_analys")
TEXT_URL = reverse("rapporter:samlad_analys_text")


def _tid(manad, dag=10):
    return timezone.make_aware(datetime.datetime(AR, manad, dag, 12))


def _beslut(org, nod, fran, **kw):
    b = BrukareFactory(namnd=nod)
    insats = InsatsFactory(brukare=b, enhet=org.e1, beslutsdatum=fran, startdatum=None)
    return EjVerkstalltBeslut.objects.create(
        insats=insats, fran=fran, brukare=b, namnd=nod, lag=insats.lag, pseudonym="19500101-A101", **kw
    )


@pytest.fixture
def data(org, cast, brukare):
    fall, mat = KategoriFactory(namn="Fall"), KategoriFactory(namn="Läkemedel")
    plan = [(org.e1, fall, 1), (org.e1, fall, 2), (org.e1, mat, 2), (org.e3, fall, 5), (org.e3, mat, 11)]
    for enhet, kat, manad in plan:
        AvvikelseFactory(enhet=enhet, kategori=kat, rapporterad_av=cast.pia, handelsetid=_tid(manad))
    AvvikelseFactory(
        enhet=org.e1,
        kategori=fall,
        rapporterad_av=cast.pia,
        handelsetid=_tid(12, 31) - datetime.timedelta(days=400),
    )
    AvvikelseFactory(enhet=org.e4, kategori=fall, rapporterad_av=cast.pia, handelsetid=_tid(3))  # N2
    for enhet, tema in ((org.e1, fall), (org.e3, fall), (org.e1, mat), (org.e1, None), (org.e4, fall)):
        KlagomalFactory(enhet=enhet, tema=tema, inkommet=_tid(4))
    r1 = RapportFactory(enhet=org.e1, rapporterad_av=cast.pia)
    r2 = RapportFactory(enhet=org.e3, rapporterad_av=cast.pia)
    RapportFactory(enhet=org.e3, rapporterad_av=cast.pia)
    RapportFactory(enhet=org.e4, rapporterad_av=cast.pia)  # N2
    Rapport.objects.filter(pk__in=[r1.pk, r2.pk]).update(beslutad=timezone.now())
    Rapport.objects.filter(pk=r1.pk).update(ivo_skickad=timezone.localdate())
    _beslut(org, org.n1, datetime.date(AR, 1, 10))  # över tre månader, öppet
    _beslut(
        org, org.n1, datetime.date(AR, 2, 10), verkstallt=datetime.date(AR, 6, 1)
    )  # öppet en tid under året
    _beslut(
        org, org.n1, datetime.date(AR - 1, 1, 10), verkstallt=datetime.date(AR - 1, 8, 1)
    )  # klart förra året
    _beslut(org, org.n2, datetime.date(AR, 1, 10))  # N2
    # Sista veckorna av året: tremånadersgränsen inte passerad.
    _beslut(org, org.n1, datetime.date(AR, 11, 1))
    arende(brukare.b1, nod=org.e1, forsta_kontakt=datetime.date(AR, 3, 1))
    arende(brukare.b3, nod=org.e3)
    arende(brukare.b4, nod=org.e4)  # N2
    return {"fall": fall, "mat": mat}


def _oberoende_volym(nod):
    """Insatsmånader under noden i årets månader, räknat med en fråga per månad direkt ur insatserna."""
    summa = 0
    for m in range(1, 13):
        forsta = datetime.date(AR, m, 1)
        sista = (forsta + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        summa += (
            Insats.objects.filter(enhet__sokvag__startswith=nod.sokvag, startdatum__lte=sista)
            .exclude(slutdatum__lt=forsta)
            .count()
        )
    return summa


def test_the_joint_page_numbers_equal_independent_counts(org, cast, data, logga_in):
    svar = logga_in(cast.kim).get(URL, {"nod": org.n1.pk, "ar": AR})
    assert svar.status_code == 200
    d = svar.context["d"]
    avv = Avvikelse.objects.filter(enhet__sokvag__startswith=org.n1.sokvag, handelsetid__year=AR)
    assert d["avvikelser"]["antal"] == avv.count() == 5
    assert {r["kategori"]: r["antal"] for r in d["avvikelser"]["per_kategori"]} == dict(
        Counter(avv.values_list("kategori__namn", flat=True))
    )
    volym = _oberoende_volym(org.n1)
    assert volym > 0 and d["avvikelser"]["insatsmanader"] == volym
    assert d["avvikelser"]["per_100"] == round(100 * avv.count() / volym, 2)
    klag = Klagomal.objects.filter(enhet__sokvag__startswith=org.n1.sokvag, inkommet__year=AR)
    assert d["klagomal"]["antal"] == klag.count() == 4
    assert {r["tema"]: r["antal"] for r in d["klagomal"]["per_tema"]} == {
        (k or "Ej angivet"): n for k, n in Counter(klag.values_list("tema__namn", flat=True)).items()
    }
    lex = Rapport.objects.filter(enhet__sokvag__startswith=org.n1.sokvag, rapporterad__year=AR)
    assert (
        d["lexsarah"]
        == {
            "rapporterade": lex.count(),
            "bedomda": lex.filter(beslutad__isnull=False).count(),
            "anmalda_ivo": lex.filter(ivo_skickad__isnull=False).count(),
        }
        == {"rapporterade": 3, "bedomda": 2, "anmalda_ivo": 1}
    )
    assert d["ej_verkstallda"]["antal"] == 2
    arenden = Uppfoljningsarende.objects.filter(nod__sokvag__startswith=org.n1.sokvag, skapad__year=AR)
    assert d["uppfoljning"]["berorda"] == arenden.count() == 2
    assert d["uppfoljning"]["kontaktade"] == arenden.filter(forsta_kontakt__isnull=False).count() == 1
    assert d["uppfoljning"]["andelar"]["kontaktade"] == 50.0
    html = svar.content.decode()
    # Länkarna till listorna bakom siffrorna (samordnaren får se listorna).
    assert (
        f'href="{reverse("avvikelser:index")}?kategori={data["fall"].pk}&amp;fran={AR}-01-01&amp;till={AR}-12-31"'
        in html
    )
    assert reverse("uppfoljning:tackning_brist", args=["ej_kontaktade"]) in html
    assert "Avvikelser per kategori" in html and "Klagomål och synpunkter per tema" in html


def test_a_date_range_within_the_year_narrows_every_count(org, cast, data, logga_in):
    svar = logga_in(cast.kim).get(
        URL, {"nod": org.n1.pk, "ar": AR, "fran": f"{AR}-02-01", "till": f"{AR}-05-31"}
    )
    assert svar.status_code == 200
    d = svar.context["d"]
    assert d["avvikelser"]["antal"] == 3  # februari (2) och maj (1)
    assert d["klagomal"]["antal"] == 4  # april


def test_signals_in_the_period_are_listed_with_their_months(org, cast, logga_in):
    """c-diagram (ingen volym): en avvikelse i månaden förra året ger c̄ = 1 och övre gräns 4; 20 i oktober
    i år ligger utanför."""
    kat = KategoriFactory(namn="Fall")
    for m in range(1, 13):
        AvvikelseFactory(
            enhet=org.e1, kategori=kat, rapporterad_av=cast.pia,
            handelsetid=timezone.make_aware(datetime.datetime(AR - 1, m, 10, 12)),
        )  # fmt: skip
    for _ in range(20):
        AvvikelseFactory(enhet=org.e1, kategori=kat, rapporterad_av=cast.pia, handelsetid=_tid(10))
    d = logga_in(cast.erik).get(URL, {"nod": org.e1.pk, "ar": AR}).context["d"]
    rad = next(s for s in d["signaler"] if s["nod_id"] == org.e1.pk)
    assert "Utanför styrgränserna" in rad["regler"] and f"okt {AR}" in rad["manader"]
    assert d["styrdiagram"]["typ"] == "c" and d["styrdiagram"]["medel"] == 1.0
    # Förra året: inga signaler (basperioden ligger i sin helhet där och är jämn).
    d = logga_in(cast.erik).get(URL, {"nod": org.e1.pk, "ar": AR - 1}).context["d"]
    assert all("Utanför styrgränserna" not in s["regler"] for s in d["signaler"])


def test_access_per_role(org, cast, data, brukare, logga_in):
    for user in (cast.pia, cast.hanna, cast.utan):
        assert logga_in(user).get(URL).status_code == 403
    # Samordnaren: bara den egna nämnden; en annan nämnds id ger felet vid fältet, ingen siffra därifrån.
    svar = logga_in(cast.kim).get(URL, {"nod": org.n2.pk, "ar": AR})
    assert svar.status_code == 400 and svar.context["nod"] == org.n1
    assert "Välj en del av organisationen i listan." in svar.content.decode()
    assert org.n2 not in svar.context["noder"]
    # Enhetschefen: bara sina enheter; uppföljningen och besluten är inte hens.
    svar = logga_in(cast.erik).get(URL)
    assert [n.pk for n in svar.context["noder"]] == [org.e1.pk]
    d = svar.context["d"]
    assert d["avvikelser"]["antal"] == 2 + 1  # E1 i år (januari, februari ×2)
    assert d["ej_verkstallda"] is None and d["uppfoljning"] is None
    assert "Ingår inte i ditt ansvar" in svar.content.decode()
    # Ledningen: sammanställningar för hela kommunen, länkar bara till sammanställningar, inga namn.
    svar = logga_in(cast.lars).get(URL, {"nod": org.k.pk, "ar": AR})
    assert svar.status_code == 200
    html = svar.content.decode()
    assert svar.context["d"]["avvikelser"]["antal"] == 6
    assert not svar.context["lankar"]["avvikelser"] and reverse("avvikelser:index") + "?" not in html
    for b in (brukare.b1, brukare.b4, brukare.skyddad):
        assert b.efternamn not in html and b.personnummer not in html
    assert svar.context["textform"] is None  # läser, skriver inte
    # Admin: ingen sammanställning, bara texten.
    svar = logga_in(cast.ada).get(URL, {"nod": org.n1.pk, "ar": AR})
    assert svar.status_code == 200 and svar.context["d"] is None and svar.context["textform"] is not None


def test_query_count_is_bounded(org, cast, data, logga_in, django_assert_max_num_queries):
    klient = logga_in(cast.kim)
    klient.get(URL, {"nod": org.n1.pk, "ar": AR})
    with django_assert_max_num_queries(30):
        assert klient.get(URL, {"nod": org.n1.pk, "ar": AR}).status_code == 200


@pytest.mark.parametrize(
    "urval, fel",
    [
        ({"ar": "tjugo"}, "Ange året med fyra siffror."),
        ({"ar": "1700"}, "Året kan inte vara före 2000."),
        ({"fran": f"{AR}-01-01"}, "Ange både från- och tilldatum"),
        ({"fran": f"{AR}-05-01", "till": f"{AR}-04-01"}, "Tilldatumet kan inte ligga före fråndatumet."),
        ({"fran": f"{AR - 1}-05-01", "till": f"{AR}-04-01"}, "ska ligga inom det valda året"),
        ({"fran": "0001-01-01", "till": f"{AR}-04-01"}, "1900"),
    ],
)
def test_bad_selection_gives_a_swedish_message_not_a_500(org, cast, logga_in, urval, fel):
    svar = logga_in(cast.kim).get(URL, {"nod": org.n1.pk, "ar": AR, **urval})
    assert svar.status_code == 400
    assert fel in svar.content.decode()


def _spara(klient, nod, text, version):
    return klient.post(TEXT_URL, {"nod": nod.pk, "ar": AR, "text": text, "version": version})


def test_the_text_round_trips_into_the_report_preview_and_the_pdf(org, cast, data, logga_in, pdftotext):
    klient = logga_in(cast.kim)
    svar = _spara(
        klient, org.n1, "<h3>Fallen ökar</h3><p>Fler fall under våren; vi ser över nattbemanningen.</p>", 0
    )
    assert svar.status_code == 302 and svar.url.endswith(f"?nod={org.n1.pk}&ar={AR}#analys")
    a = SamladAnalys.objects.get(nod=org.n1, ar=AR)
    assert a.version == 1 and a.andrad_av == cast.kim
    assert "Fler fall under våren" in klient.get(svar.url).content.decode()
    # Förhandsgranskningen av berättelsen: avsnittet, texten och länken till sidan.
    b = KvalitetsberattelseFactory(nod=org.n1, ar=AR, skapad_av=cast.kim)
    html = klient.get(reverse("rapporter:detalj", args=[b.pk])).content.decode()
    assert 'id="avsnitt-samlad_analys"' in html and "<h3>Fallen ökar</h3>" in html
    assert f"{URL}?nod={org.n1.pk}&amp;ar={AR}#analys" in html
    assert 'id="tabell-samlad-analys"' in html
    # PDF:en: rubriken, texten och diagrammen (pdftotext).
    data_ = rapport_queries.samla(cast.kim, org.n1, AR)
    assert data_["samlad_analys"]["text"].startswith("<h3>Fallen ökar</h3>")
    pdf = rapport_pdf.pdf(b, data_, {})
    text = subprocess.run([pdftotext, "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Samlad analys" in text and "Fallen ökar" in text
    assert "nattbemanningen" in text
    assert "Samlad bild" in text and f"Avvikelser per kategori {AR}-01-01–{AR}-12-31 (Pareto)" in text


def test_script_in_the_text_is_refused_and_other_markup_is_cleaned(org, cast, logga_in):
    klient = logga_in(cast.kim)
    for farlig in (
        "<p>Bra</p><script>alert(1)</script>",
        '<p onmouseover="alert(1)">x</p>',
        "<p>javascript:alert(1)</p>",
    ):
        svar = _spara(klient, org.n1, farlig, 0)
        assert svar.status_code == 400
        assert "Texten får inte innehålla skript" in svar.content.decode()
    assert not SamladAnalys.objects.exists()
    svar = _spara(
        klient,
        org.n1,
        '<p>Hej <a href="http://example.org">länk</a><img src="x"><span style="color:red">röd</span></p>',
        0,
    )
    assert svar.status_code == 302
    assert SamladAnalys.objects.get(nod=org.n1, ar=AR).text == "<p>Hej länkröd</p>"
    # Tjänsten rensar också det som inte går genom formuläret.
    services.samlad_analys_spara(
        nod=org.n1, ar=AR, text="<p>ok</p><script>alert(1)</script>", av=cast.kim, version=1
    )
    assert SamladAnalys.objects.get(nod=org.n1, ar=AR).text == "<p>ok</p>"


def test_concurrent_edit_is_a_conflict_and_nothing_is_overwritten(org, cast, logga_in):
    klient = logga_in(cast.kim)
    assert _spara(klient, org.n1, "<p>Första</p>", 0).status_code == 302
    svar = _spara(klient, org.n1, "<p>Andra, från en gammal flik</p>", 0)
    assert svar.status_code == 409
    html = svar.content.decode()
    assert "har ändrats av dig" in html and "Dina ändringar är inte sparade" in html
    assert "Andra, från en gammal flik" in html  # det inskrivna står kvar
    assert 'id="sparat-av-annan"' in html and "Första" in html
    a = SamladAnalys.objects.get(nod=org.n1, ar=AR)
    assert a.text == "<p>Första</p>" and a.version == 1
    # Med den nya versionen går det att spara.
    assert _spara(klient, org.n1, "<p>Andra</p>", 1).status_code == 302
    assert SamladAnalys.objects.get(nod=org.n1, ar=AR).text == "<p>Andra</p>"


def test_only_the_committees_coordinator_writes_the_text(org, cast, logga_in):
    for user, nod in (
        (cast.erik, org.e1),
        (cast.lars, org.n1),
        (cast.vera, org.a1),
        (cast.kim, org.n2),
        (cast.pia, org.e1),
    ):
        assert _spara(logga_in(user), nod, "<p>x</p>", 0).status_code == 404
    assert not SamladAnalys.objects.exists()
    # Samordnaren i N2 ser inte N1:s text; chefen i N1 läser den men får inget formulär.
    _spara(logga_in(cast.kim), org.n1, "<p>Nämndens analys</p>", 0)
    assert logga_in(cast.sofia).get(URL, {"nod": org.n1.pk, "ar": AR}).status_code == 400
    svar = logga_in(cast.vera).get(URL, {"nod": org.a1.pk, "ar": AR})
    assert svar.context["textform"] is None
    # Admin rättar texten.
    assert _spara(logga_in(cast.ada), org.n1, "<p>Rättad</p>", 1).status_code == 302
    assert SamladAnalys.objects.get(nod=org.n1, ar=AR).text == "<p>Rättad</p>"


def _blad(svar) -> dict[str, list[list]]:
    import io

    from openpyxl import load_workbook

    bok = load_workbook(io.BytesIO(b"".join(svar.streaming_content)), read_only=True)
    return {ark.title: [list(r) for r in ark.iter_rows(values_only=True)] for ark in bok.worksheets}


def test_the_tables_go_to_excel_with_the_pages_numbers(org, cast, data, logga_in):
    klient = logga_in(cast.kim)
    sida = klient.get(URL, {"nod": org.n1.pk, "ar": AR})
    assert 'id="samlad-excel"' in sida.content.decode()
    d = sida.context["d"]
    svar = klient.get(URL, {"nod": org.n1.pk, "ar": AR, "format": "xlsx"})
    assert svar.status_code == 200 and svar["Content-Type"].startswith("application/vnd.openxmlformats")
    blad = _blad(svar)
    bild = next(v for k, v in blad.items() if k.startswith("Samlad bild"))
    assert dict(bild[1:])["Avvikelser"] == d["avvikelser"]["antal"] == 5
    assert dict(bild[1:])["Lex Sarah: anmälda till IVO"] == 1
    assert {r[0]: r[1] for r in blad["Avvikelser per kategori"][1:]} == {
        r["kategori"]: r["antal"] for r in d["avvikelser"]["per_kategori"]
    }
    assert {r[0]: r[1] for r in blad["Uppföljning"][1:]}["Kontaktade"] == d["uppfoljning"]["kontaktade"]
    # Chefen får sina enheters tabeller men inga blad för uppföljningen (inte hens ansvar).
    chef = _blad(logga_in(cast.erik).get(URL, {"format": "xlsx"}))
    assert "Uppföljning" not in chef and "Ej verkställda beslut" not in chef
    # Den som inte får sidan får ingen fil, och ett ogiltigt urval ger sidan med felet, ingen fil.
    assert logga_in(cast.pia).get(URL, {"format": "xlsx"}).status_code == 403
    fel = logga_in(cast.kim).get(URL, {"nod": org.n2.pk, "ar": AR, "format": "xlsx"})
    assert fel.status_code == 400 and "Välj en del av organisationen i listan." in fel.content.decode()
