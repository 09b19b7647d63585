"""Berättelsens layout: en tom källa ger en rad ("Inga … under året."), inte en tom rubrik eller en tom
sida; bara de stora kapitlen börjar på en ny sida; årets riskanalyser listas med namn, nivå och status."""

import datetime
import subprocess

import pytest

from rapporter import pdf as rapport_pdf
from rapporter import queries
from rapporter.demo import demoar
from rapporter.models import AVSNITT
from riskanalys.models import AnalysStatus
from tests.rapporter.factories import KvalitetsberattelseFactory
from tests.riskanalys.factories import RiskanalysFactory, RiskFactory

pytestmark = pytest.mark.django_db

TOMMA_RADER = [
    "Inga risk- och konsekvensanalyser under året.",
    "Ingen intern kontrollplan under året.",
    "Inga avvikelser under året.",
    "Inga klagomål eller synpunkter under året.",
    "Inga lex Sarah-rapporter under året.",
    "Inga förändrade insatser att följa upp under året.",
    "Inga ej verkställda beslut rapporterades till IVO under året.",
    "Ingen förbättringsplan för 2021.",
    "Inga nationella jämförelser (Kolada) importerade för året.",
]


def _sidor(pdf_bytes, tmp_path) -> list[str]:
    fil = tmp_path / "b.pdf"
    fil.write_bytes(pdf_bytes)
    ut = subprocess.run(["pdftotext", "-layout", str(fil), "-"], capture_output=True, check=True)
    return [s for s in ut.stdout.decode().split("\f") if s.strip()]


def test_empty_sources_give_one_line_each_and_no_blank_pages(org, cast, tmp_path, pdftotext):
    b = KvalitetsberattelseFactory(nod=org.n1, ar=2020, skapad_av=cast.kim)
    data = queries.samla(cast.kim, org.n1, 2020)
    html = rapport_pdf.html(b, data, {})
    for rad in TOMMA_RADER:
        assert html.count(rad) == 1, rad
    # Inga tomma tabeller i stället för raden.
    for id_ in (
        "tabell-lexsarah",
        "tabell-klagomal-tema",
        "tabell-riskanalyser",
        "tabell-ejverkstallda-omrade",
    ):
        assert f'id="{id_}"' not in html
    # Textavsnitt utan text: en rad under rubriken.
    assert html.count("Ingen text skriven för avsnittet.") == 3

    sidor = _sidor(rapport_pdf.pdf(b, data, {}), tmp_path)
    # Omslag, innehåll och fyra sidor (organisation, avvikelser och externa granskningar börjar på ny sida);
    # tidigare en sida per avsnitt (16).
    assert len(sidor) <= 6, len(sidor)
    rubriker = [f"{i}. {rubrik}" for i, (_, rubrik) in enumerate(AVSNITT, start=1)]
    for sida in sidor[2:]:
        # Varje sida har mer än sidhuvud, sidfot och en rubrik.
        innehall = [
            r
            for r in sida.splitlines()
            if r.strip() and "Sida " not in r and "Kvalitetsberättelse 2020" not in r
        ]
        assert len(innehall) > 1 and not all(r.strip() in rubriker for r in innehall), sida
    text = "\n".join(sidor)
    assert all(r in text for r in rubriker[2:])


def test_big_chapters_start_a_new_page_the_short_ones_follow(org, cast):
    b = KvalitetsberattelseFactory(nod=org.n1, ar=2020, skapad_av=cast.kim)
    html = rapport_pdf.html(b, queries.samla(cast.kim, org.n1, 2020), {})
    ny_sida = {nyckel for nyckel, _ in AVSNITT if f'class="avsnitt ny-sida" id="avsnitt-{nyckel}"' in html}
    assert ny_sida == set(rapport_pdf.NY_SIDA)
    assert 'class="avsnitt" id="avsnitt-lexsarah"' in html


def test_risk_analyses_of_the_year_are_listed_by_name_level_and_status(org, cast, tmp_path, pdftotext):
    hog = RiskanalysFactory(nod=org.e1, titel="Nattbemanning", datum=datetime.date(2020, 3, 1))
    RiskFactory(analys=hog, konsekvens=4, sannolikhet=3, konsekvens_efter=2, sannolikhet_efter=2)
    RiskFactory(analys=hog, konsekvens=1, sannolikhet=1)
    lag = RiskanalysFactory(
        nod=org.a1, titel="Larmsystem", datum=datetime.date(2020, 9, 1), status=AnalysStatus.FASTSTALLD
    )
    RiskFactory(analys=lag, konsekvens=1, sannolikhet=2)
    RiskanalysFactory(nod=org.e1, titel="Fjolanalys", datum=datetime.date(2019, 5, 1))
    RiskanalysFactory(nod=org.e4, titel="Grannanalys", datum=datetime.date(2020, 5, 1))

    data = queries.samla(cast.kim, org.n1, 2020)
    lista = data["riskanalyser"]["lista"]
    assert [(r["titel"], r["nod"], r["riskniva"], r["riskniva_efter"], r["status"]) for r in lista] == [
        ("Nattbemanning", "Enhet E1", "Mycket hög", "Måttlig", "Utkast"),
        ("Larmsystem", "Område A1", "Låg", "", "Fastställd"),
    ]
    assert len(lista) == data["riskanalyser"]["ar"]["antal"]
    b = KvalitetsberattelseFactory(nod=org.n1, ar=2020, skapad_av=cast.kim)
    text = "\n".join(_sidor(rapport_pdf.pdf(b, data, {}), tmp_path))
    assert "Nattbemanning" in text and "Larmsystem" in text
    assert "Fjolanalys" not in text and "Grannanalys" not in text
    assert "Inga risk- och konsekvensanalyser under året." not in text


def test_demo_report_covers_the_year_of_the_demo_activity():
    # Demons händelser ligger de tolv månaderna före idag.
    assert demoar(datetime.date(2026, 12, 1)) == 2026
    assert demoar(datetime.date(2026, 7, 1)) == 2026
    assert demoar(datetime.date(2027, 2, 15)) == 2026
