"""Avsnitten som bygger på riskanalys, uppföljning och lex Sarah, med riktiga poster (inga låtsade
källor): oberoende räkningar, förra året inom parentes, och samma tal som apparnas statistiksidor."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from rapporter import pdf as rapport_pdf
from rapporter import queries
from riskanalys.models import AnalysStatus
from tests.avvikelser.factories import AvvikelseFactory, KategoriFactory, KlagomalFactory
from tests.factories import BrukareFactory, InsatsFactory, insatstyp
from tests.rapporter.factories import KvalitetsberattelseFactory
from tests.riskanalys.factories import RiskanalysFactory
from tests.uppfoljning.factories import ForandringFactory, arende
from uppfoljning.models import EjVerkstalltBeslut, Uppfoljningsarende

AR = 2025
D = datetime.date


def _tid(ar, manad=6, dag=15):
    return timezone.make_aware(datetime.datetime(ar, manad, dag, 12, 0))


def _beslut(org, fran, typ, namnd=None, **kw):
    b = BrukareFactory(namnd=namnd or org.n1)
    enhet = org.e4 if namnd == org.n2 else org.e1
    insats = InsatsFactory(brukare=b, enhet=enhet, beslutsdatum=fran, startdatum=None, typ=typ)
    return EjVerkstalltBeslut.objects.create(
        insats=insats, fran=fran, brukare=b, namnd=b.namnd, lag=insats.lag, pseudonym="19500101-A101", **kw
    )


@pytest.fixture
def register(org, cast, brukare):
    # Riskanalyser på tre nivåer i år, två förra året; en i N2 och en ersatt version räknas aldrig.
    analyser = [
        (org.e1, AR, AnalysStatus.UTKAST),
        (org.e3, AR, AnalysStatus.FASTSTALLD),
        (org.a1, AR, AnalysStatus.UPPFOLJD),
        (org.n1, AR, AnalysStatus.FASTSTALLD),
        (org.e1, AR - 1, AnalysStatus.UPPFOLJD),
        (org.n1, AR - 1, AnalysStatus.UTKAST),
    ]
    for nod, ar, status in analyser:
        RiskanalysFactory(nod=nod, datum=D(ar, 4, 1), status=status, skapad_av=cast.kim)
    RiskanalysFactory(nod=org.e4, datum=D(AR, 4, 1), status=AnalysStatus.FASTSTALLD, skapad_av=cast.sofia)
    RiskanalysFactory(nod=org.e2, datum=D(AR, 5, 1), aktuell=False, skapad_av=cast.kim)

    # Ej verkställda beslut: per lag och insatstyp, i år och förra året.
    hemtjanst = insatstyp("Hemtjänst", "SoL")
    boende = insatstyp("Bostad med särskild service för vuxna", "LSS")
    _beslut(org, D(AR, 1, 10), hemtjanst)
    _beslut(org, D(AR, 2, 10), hemtjanst)
    _beslut(org, D(AR - 1, 3, 10), boende, verkstallt=D(AR - 1, 9, 1))  # bara förra året
    _beslut(org, D(AR - 2, 12, 1), hemtjanst)  # öppet sedan förra året: räknas båda åren
    _beslut(org, D(AR, 1, 10), hemtjanst, namnd=org.n2)  # annan nämnd

    # Individuell uppföljning: en förändring i N1 (utan riskanalys) med tre berörda, en i N2.
    f1 = ForandringFactory(nod=org.n1, skapad_av=cast.hanna, giltig_fran=D(AR, 3, 1))
    f1.enheter.set([org.e1])
    f2 = ForandringFactory(nod=org.n2, skapad_av=cast.hugo, giltig_fran=D(AR, 3, 1))
    f2.enheter.set([org.e4])
    arende(brukare.b1, forandring=f1, nod=org.e1, forsta_kontakt=D(AR, 3, 2), behov_bedomt=D(AR, 3, 3),
           atgarder_behovs=False, uppfoljning_gjord=D(AR, 4, 1), utfall="ja")  # fmt: skip
    arende(brukare.b3, forandring=f1, nod=org.e3, forsta_kontakt=D(AR, 3, 2))
    arende(BrukareFactory(namnd=org.n1, handlaggare=cast.hanna), forandring=f1, nod=org.e1)
    arende(brukare.b4, forandring=f2, nod=org.e4, forsta_kontakt=D(AR, 3, 2))
    Uppfoljningsarende.objects.update(skapad=_tid(AR, 3, 1))

    # Avvikelser och klagomål för jämförelsen med statistiksidan.
    fall = KategoriFactory(namn="Fall")
    for i in range(4):
        AvvikelseFactory(rapporterad_av=cast.pia, enhet=org.e1, handelsetid=_tid(AR, 1 + i), kategori=fall)
    AvvikelseFactory(rapporterad_av=cast.pia, enhet=org.e3, handelsetid=_tid(AR - 1))
    KlagomalFactory(enhet=org.e1)
    return analyser


def test_risk_analyses_by_level_this_year_and_last_year_equal_independent_counts(org, cast, register):
    r = queries.samla(cast.kim, org.n1, AR)["riskanalyser"]

    def oberoende(ar):
        inom = [(n, s) for n, a, s in register if a == ar]
        return {
            "antal": len(inom),
            "per_niva": {
                t: sum(n.typ == t for n, _ in inom) for t in ("enhet", "verksamhetsomrade", "namnd")
            },
            "faststallda": sum(s != AnalysStatus.UTKAST for _, s in inom),
            "uppfoljda": sum(s == AnalysStatus.UPPFOLJD for _, s in inom),
        }

    assert r["ar"] == oberoende(AR)
    assert r["forra"] == oberoende(AR - 1)
    assert (r["ar"]["antal"], r["forra"]["antal"]) == (4, 2)


def test_decisions_not_enforced_per_law_and_type_with_last_year(org, cast, register):
    rader = queries.samla(cast.kim, org.n1, AR)["ej_verkstallda"]

    def oberoende(ar):
        borjan, slut = D(ar, 1, 1), D(ar, 12, 31)
        grans = D(ar, 9, 30)  # tre månader före årets slut
        antal = {}
        for e in EjVerkstalltBeslut.objects.filter(namnd=org.n1).select_related("insats__typ"):
            if e.fran < grans and (e.verkstallt is None or e.verkstallt >= borjan) and e.fran <= slut:
                nyckel = (e.lag, e.insats.typ.namn)
                antal[nyckel] = antal.get(nyckel, 0) + 1
        return antal

    nu, forra = oberoende(AR), oberoende(AR - 1)
    assert {(r["lag"], r["insatstyp"]): (r["antal"], r["antal_forra_aret"]) for r in rader} == {
        k: (nu.get(k, 0), forra.get(k, 0)) for k in set(nu) | set(forra)
    }
    assert {(r["lag"], r["insatstyp"]): (r["antal"], r["antal_forra_aret"]) for r in rader} == {
        ("SoL", "Hemtjänst"): (3, 1),
        ("LSS", "Bostad med särskild service för vuxna"): (0, 1),
    }


def test_coverage_figures_equal_independent_counts(org, cast, register):
    u = queries.samla(cast.kim, org.n1, AR)["uppfoljning"]
    n1 = [a for a in Uppfoljningsarende.objects.all() if a.namnd_id == org.n1.pk]
    assert u["berorda"] == len(n1) == 3
    assert u["kontaktade"] == sum(a.kontaktad for a in n1) == 2
    assert u["behov_bedomda"] == sum(a.behov_bedomt is not None for a in n1) == 1
    assert u["uppfoljda"] == sum(a.uppfoljd for a in n1) == 1
    assert u["kompletta"] == sum(a.komplett for a in n1) == 1
    assert (u["forandringar"], u["forandringar_utan_riskanalys"]) == (1, 1)
    # Förra året: inga ärenden.
    assert queries.samla(cast.kim, org.n1, AR - 1)["uppfoljning"]["berorda"] == 0


def test_sections_render_real_figures_with_last_year_in_parentheses(org, cast, register):
    data = queries.samla(cast.kim, org.n1, AR)
    b = KvalitetsberattelseFactory(nod=org.n1, ar=AR, skapad_av=cast.kim)
    html = " ".join(rapport_pdf.html(b, data, {}).split())
    assert 'Genomförda riskanalyser</td><td class="tal">4 (2)' in html
    assert 'På nämndnivå</td><td class="tal">1 (1)' in html
    assert 'Uppföljda</td><td class="tal">1 (1)' in html
    assert 'Hemtjänst</td><td class="tal">3 (1)' in html
    assert 'Bostad med särskild service för vuxna</td><td class="tal">0 (1)' in html
    assert 'Kontaktade direkt (den enskilde, närstående eller företrädare)</td><td class="tal">2' in html
    assert 'Berörda enskilda</td><td class="tal">3' in html


def test_report_numbers_equal_what_the_statistics_pages_show(org, cast, register, logga_in):
    from lexsarah.models import Rapport
    from tests.lexsarah.factories import RapportFactory

    for enhet in (org.e1, org.e3, org.e4):
        RapportFactory(enhet=enhet, rapporterad_av=cast.pia)
    Rapport.objects.update(rapporterad=_tid(AR))
    data = queries.samla(cast.kim, org.n1, AR)
    klient = logga_in(cast.kim)

    # Avvikelsernas statistiksida för samma nod och period.
    stat = klient.get(
        reverse("avvikelser:statistik"), {"nod": org.n1.pk, "fran": f"{AR}-01-01", "till": f"{AR}-12-31"}
    ).context
    a = data["avvikelser"]
    assert stat["totalt"] == a["antal"] == 4
    assert [(r["kategori__namn"], r["antal"], r["andel"]) for r in stat["per_kategori"]] == [
        (r["kategori"], r["antal"], r["andel"]) for r in a["per_kategori"]
    ]
    assert stat["ar_lista"] == a["ar_lista"]
    assert [sum(r["ar"][ar] for r in stat["fyra_ar"]) for ar in stat["ar_lista"]] == a["oversikt"][0]["ar"]

    # Täckningssidan (individuell uppföljning) för samma nod och period.
    summa = klient.get(
        reverse("uppfoljning:tackning"), {"nod": org.n1.pk, "fran": f"{AR}-01-01", "till": f"{AR}-12-31"}
    ).context["summa"]
    assert {k: summa[k] for k in data["uppfoljning"]} == data["uppfoljning"]

    # Lex Sarah-registret (samordnarens scope är N1).
    sida = klient.get(reverse("lexsarah:register"), {"ar": AR}).context
    assert sida["statistik"]["antal"] == a["oversikt"][2]["ar"][-1] == len(data["lexsarah"]) == 2
    assert [r["referensnummer"] for r in sida["rader"]] == [r["referensnummer"] for r in data["lexsarah"]]


def test_organisation_section_lists_areas_units_and_who_is_responsible(org, cast):
    from kvalitet.models import Roll, Rolltilldelning

    o = queries.samla(cast.kim, org.n1, AR)["organisation"]
    assert o["omraden"] == [
        {"namn": "Område A1", "enheter": ["Enhet E1", "Enhet E2"]},
        {"namn": "Område A2", "enheter": ["Enhet E3"]},
    ]
    ansvar = Rolltilldelning.objects.filter(
        roll__in=(Roll.KVALITETSSAMORDNARE, Roll.VERKSAMHETSCHEF, Roll.ENHETSCHEF)
    ).select_related("anvandare", "nod")
    oberoende = {
        (r.get_roll_display(), r.nod.namn, r.anvandare.get_full_name() or r.anvandare.username)
        for r in ansvar
        if r.nod.sokvag.startswith(org.n1.sokvag)
    }
    assert {(r["roll"], r["nod"], r["person"]) for r in o["roller"]} == oberoende
    assert len(oberoende) == 4  # erik, elsa, vera, kim; inte sofia i N2


def test_deviation_chart_is_an_svg_with_one_bar_per_month_scaled_to_the_counts(org, cast, register):
    import re
    import xml.etree.ElementTree as ET

    data = queries.samla(cast.kim, org.n1, AR)
    b = KvalitetsberattelseFactory(nod=org.n1, ar=AR, skapad_av=cast.kim)
    html = rapport_pdf.html(b, data, {})
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
    rot = ET.fromstring(svg)  # noqa: S314 (vår egen SVG); giltig XML
    assert 'role="img"' in svg and f"Avvikelser per månad {AR}" in svg
    staplar = list(rot.iter("{http://www.w3.org/2000/svg}rect"))
    assert len(staplar) == 12
    # Fyra avvikelser i N1, januari–april, en per månad; övriga månader noll.
    assert [s.find("{http://www.w3.org/2000/svg}title").text for s in staplar][:5] == [
        "jan: 1", "feb: 1", "mar: 1", "apr: 1", "maj: 0"
    ]  # fmt: skip
    hojder = [float(s.attrib["height"]) for s in staplar]
    assert hojder[:4] == [hojder[0]] * 4 and hojder[0] > 0 and hojder[4:] == [0] * 8
    # Koordinaterna med punkt (med decimalkomma försvann staplarna i förhandsvisningen och PDF:en).
    for s in staplar:
        for attr in ("x", "y", "width", "height"):
            assert re.fullmatch(r"-?\d+(\.\d+)?", s.attrib[attr]), s.attrib
    assert "januari: 1" in svg and "maj: 0" in svg
    # Siffrorna som tabell bredvid diagrammet.
    assert '<th scope="row">jan</th><td class="tal">1</td>' in html
