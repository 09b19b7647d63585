"""Ej verkställda beslut i kvalitetsberättelsen som Herrljunga redovisar dem (seed 003, 6.1.1): område →
insatstyp, personer och beslut, föregående år inom parentes, delsummor och total, väntetid. Siffrorna
jämförs med räkningar direkt ur ORM:en, och insatstypens namn är unikt per lag (Kontaktperson SoL/LSS)."""

import datetime
import re

import pytest
from django.db import IntegrityError, transaction

from kvalitet.import_brukare import importera_insatser
from kvalitet.models import Insatstyp
from rapporter import pdf as rapport_pdf
from rapporter import queries as rapport_queries
from tests.factories import BrukareFactory, InsatsFactory, insatstyp
from tests.rapporter.factories import KvalitetsberattelseFactory
from uppfoljning import queries
from uppfoljning.models import EjVerkstalltBeslut

D = datetime.date
IDAG = D(2026, 12, 1)
pytestmark = pytest.mark.django_db


def _beslut(org, brukare, typ, fran, **kw):
    insats = InsatsFactory(brukare=brukare, enhet=org.e1, beslutsdatum=fran, startdatum=None, typ=typ)
    return EjVerkstalltBeslut.objects.create(
        insats=insats, fran=fran, brukare=brukare, namnd=brukare.namnd, lag=typ.lag,
        pseudonym=f"19500101-A{insats.pk % 1000:03d}", **kw,
    )  # fmt: skip


@pytest.fixture
def beslut(org):
    hemtjanst, boende = insatstyp("Hemtjänst", "SoL"), insatstyp("Särskilt boende", "SoL")
    kp_sol, kp_lss = insatstyp("Kontaktperson", "SoL"), insatstyp("Kontaktperson", "LSS")
    daglig = insatstyp("Daglig verksamhet", "LSS")
    a, b, c, d, e = (BrukareFactory(namnd=org.n1) for _ in range(5))
    _beslut(org, a, hemtjanst, D(2026, 1, 10))
    _beslut(org, a, boende, D(2025, 12, 1))  # gränsen passeras 2026: bara i år
    _beslut(org, b, hemtjanst, D(2026, 2, 1))  # två beslut, en person
    _beslut(org, b, hemtjanst, D(2026, 3, 1))
    _beslut(org, c, kp_sol, D(2025, 5, 1), verkstallt=D(2026, 2, 1))  # båda åren
    _beslut(org, d, kp_lss, D(2026, 4, 1))
    _beslut(org, e, daglig, D(2025, 1, 10), verkstallt=D(2025, 6, 1))  # bara förra året
    _beslut(org, BrukareFactory(namnd=org.n2), hemtjanst, D(2026, 1, 10))  # annan nämnd
    _beslut(org, BrukareFactory(namnd=org.n1), hemtjanst, D(2026, 11, 1))  # inte vid gränsen än
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def _orm_personer(nod, ar, **filter):
    """Oberoende räkning: beslut i nämnden som passerat tre månader senast årets slut och var öppna någon
    dag under året, som antal personer och beslut."""
    slut, borjan = D(ar, 12, 31), D(ar, 1, 1)
    qs = EjVerkstalltBeslut.objects.filter(
        namnd__sokvag__startswith=nod.sokvag, fran__lt=D(ar, 9, 30), **filter
    )
    qs = qs.exclude(verkstallt__lt=borjan).exclude(avslutat__lt=borjan).exclude(fran__gt=slut)
    return qs.values("brukare").distinct().count(), qs.count()


def test_groups_rows_subtotals_and_total_match_independent_counts(org, cast, beslut):
    svar = queries.ej_verkstallda_per_omrade(cast.kim, org.n1, 2026, idag=IDAG)
    grupper = {g["grupp"]: g for g in svar["grupper"]}
    assert list(grupper) == [
        "aldreomsorg",
        "funktionshinder",
        "ifo",
        "lss",
    ]  # "område ej angivet" bara vid behov

    ao = grupper["aldreomsorg"]
    assert [(r["insatstyp"], r["personer"], r["beslut"], r["personer_forra"]) for r in ao["rader"]] == [
        ("Hemtjänst", 2, 3, 0),
        ("Särskilt boende", 1, 1, 0),
    ]
    # Delsumman räknar personen med två insatstyper en gång.
    assert (ao["personer"], ao["beslut"], ao["personer_forra"]) == (2, 4, 0)
    assert grupper["funktionshinder"]["rader"] == [] and grupper["funktionshinder"]["personer"] == 0
    assert [(r["insatstyp"], r["personer"], r["personer_forra"]) for r in grupper["ifo"]["rader"]] == [
        ("Kontaktperson", 1, 1)
    ]
    lss = grupper["lss"]
    assert [(r["insatstyp"], r["personer"], r["personer_forra"]) for r in lss["rader"]] == [
        ("Daglig verksamhet", 0, 1),
        ("Kontaktperson", 1, 0),
    ]
    assert (lss["personer"], lss["personer_forra"]) == (1, 1)

    t = svar["totalt"]
    assert (t["personer"], t["beslut"]) == _orm_personer(org.n1, 2026) == (4, 6)
    assert (t["personer_forra"], t["beslut_forra"]) == _orm_personer(org.n1, 2025) == (2, 2)
    for grupp, filter in [
        ("aldreomsorg", {"lag": "SoL", "insats__typ__verksamhet": "aldreomsorg"}),
        ("ifo", {"lag": "SoL", "insats__typ__verksamhet": "ifo"}),
        ("lss", {"lag": "LSS"}),
    ]:
        g = grupper[grupp]
        assert (g["personer"], g["beslut"]) == _orm_personer(org.n1, 2026, **filter)
        assert (g["personer_forra"], g["beslut_forra"]) == _orm_personer(org.n1, 2025, **filter)
    # Summan av grupperna är totalen när ingen person finns i två grupper (som här).
    assert sum(g["personer"] for g in svar["grupper"]) == t["personer"]


def test_waiting_time_median_and_longest_in_days(org, cast, beslut):
    svar = queries.ej_verkstallda_per_omrade(cast.kim, org.n1, 2026, idag=IDAG)
    rad = next(r for g in svar["grupper"] for r in g["rader"] if r["insatstyp"] == "Hemtjänst")
    vantan = sorted((IDAG - d).days for d in (D(2026, 1, 10), D(2026, 2, 1), D(2026, 3, 1)))
    assert (rad["median_dagar"], rad["langst_dagar"]) == (vantan[1], vantan[-1])
    ifo = next(g for g in svar["grupper"] if g["grupp"] == "ifo")
    # Verkställt: väntan till verkställigheten, inte till idag.
    assert ifo["langst_dagar"] == (D(2026, 2, 1) - D(2025, 5, 1)).days
    assert svar["totalt"]["langst_dagar"] == (IDAG - D(2025, 12, 1)).days


def test_scope_other_committee_and_unit_manager_see_nothing_of_others(org, cast, beslut):
    assert queries.ej_verkstallda_per_omrade(cast.sofia, org.n2, 2026, idag=IDAG)["totalt"]["personer"] == 1
    # Samordnaren i N2 räknar inte N1:s beslut ens om noden är kommunen.
    assert queries.ej_verkstallda_per_omrade(cast.sofia, org.k, 2026, idag=IDAG)["totalt"]["personer"] == 1


def test_report_table_shows_groups_persons_decisions_and_previous_year(org, cast, beslut):
    b = KvalitetsberattelseFactory(nod=org.n1, ar=2026, skapad_av=cast.kim)
    data = rapport_queries.samla(cast.kim, org.n1, 2026)
    html = rapport_pdf.html(b, data, {})
    tabell = html[html.index('id="tabell-ejverkstallda-omrade"') :]
    tabell = tabell[: tabell.index("</table>")]
    rader = re.findall(r"<tr[^>]*>(.*?)</tr>", tabell, re.S)[1:]  # utan rubrikraden
    celler = [[c.strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)] for r in rader]
    assert "antal personer per område och insatstyp (2025 inom parentes)" in tabell
    assert "Beslut anges där de är fler än personerna" in html
    assert celler[0][:3] == ["Enligt SoL – äldreomsorg", "2 (0)", "4 (0)"]
    assert celler[1][:3] == ["Hemtjänst", "2 (0)", "3 (0)"]
    assert celler[2][:2] == ["Särskilt boende", "1 (0)"] and celler[2][2] == ""  # samma som personerna
    assert celler[3][:2] == ["Enligt SoL – funktionshinder/handikappomsorg", "0 (0)"]
    assert celler[4][:2] == ["Enligt SoL – individ- och familjeomsorg", "1 (1)"]
    assert celler[5][:2] == ["Kontaktperson", "1 (1)"]
    assert celler[6][:2] == ["Enligt LSS", "1 (1)"]
    assert [c[:2] for c in celler[7:9]] == [["Daglig verksamhet", "0 (1)"], ["Kontaktperson", "1 (0)"]]
    assert celler[-1][:3] == ["Totalt", "4 (2)", "6 (2)"]
    assert "Under 2026 omfattades 4 (2) personer" in html


def test_same_type_name_under_both_laws_but_not_twice_under_one():
    assert Insatstyp.objects.filter(namn="Kontaktperson").count() == 2
    assert set(Insatstyp.objects.filter(namn="Kontaktperson").values_list("lag", flat=True)) == {"SoL", "LSS"}
    with pytest.raises(IntegrityError), transaction.atomic():
        Insatstyp.objects.create(namn="Kontaktperson", lag="LSS")


def test_import_resolves_a_name_under_both_laws_only_with_the_law(org, cast):
    BrukareFactory(namnd=org.n1, externt_id="B1")
    rubrik = "externt_id;brukare_externt_id;insatstyp;lag;beslutsdatum\n"
    tvetydig = importera_insatser(rubrik + "I1;B1;Kontaktperson;;2026-01-10\n")
    assert [f.orsak for f in tvetydig.fel if f.falt == "insatstyp"] == [
        "insatstypen finns under flera lagar: skriv 'Kontaktperson (LSS)' eller 'Kontaktperson (SoL)'"
    ]
    r = importera_insatser(
        rubrik + "I1;B1;Kontaktperson (LSS);;2026-01-10\nI2;B1;Kontaktperson;SoL;2026-01-12\n"
    )
    assert not r.fel, r.fel
    from kvalitet.models import Insats

    assert {(i.externt_id, i.typ.lag, i.lag) for i in Insats.objects.filter(externt_id__in=["I1", "I2"])} == {
        ("I1", "LSS", "LSS"),
        ("I2", "SoL", "SoL"),
    }
    fel = importera_insatser(rubrik + "I3;B1;Hemtjänst;LSS;2026-01-12\n")
    assert [f.orsak for f in fel.fel if f.falt == "insatstyp"] == ["insatstypen finns inte under LSS"]
