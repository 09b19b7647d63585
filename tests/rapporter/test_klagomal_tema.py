"""Kvalitetsberättelsens avsnitt om klagomål och synpunkter: teman, mot en oberoende räkning."""

import datetime
from collections import Counter

import pytest
from django.utils import timezone

from avvikelser.models import Klagomal
from rapporter import pdf as rapport_pdf
from rapporter import queries, services
from tests.avvikelser.factories import KategoriFactory, KlagomalFactory
from tests.rapporter.factories import KvalitetsberattelseFactory

AR = 2024


def _tid(ar, manad=6, dag=15):
    return timezone.make_aware(datetime.datetime(ar, manad, dag, 12, 0))


@pytest.fixture
def klagomal(org, cast):
    """Klagomål i N1 med teman (ett pensionerat efteråt, några utan tema), förra året och brus i N2."""
    bemotande = KategoriFactory(namn="Bemötande")
    information = KategoriFactory(namn="Information")
    gammalt = KategoriFactory(namn="Måltider")
    plan = [
        (org.e1, bemotande, AR),
        (org.e1, bemotande, AR),
        (org.e3, bemotande, AR),
        (org.e1, information, AR),
        (org.e1, gammalt, AR),
        (org.e3, gammalt, AR),
        (org.e1, None, AR),
        (org.e1, information, AR - 1),  # förra året
        (org.e4, bemotande, AR),  # N2
    ]
    for enhet, tema, ar in plan:
        KlagomalFactory(enhet=enhet, tema=tema, inkommet=_tid(ar))
    # Gränsfall: nyårsnatten i lokal tid hör till det nya året.
    KlagomalFactory(
        enhet=org.e1, tema=information, inkommet=timezone.make_aware(datetime.datetime(AR, 1, 1, 0, 30))
    )
    gammalt.aktiv = False
    gammalt.save()
    return {"gammalt": gammalt}


def _oberoende(org):
    n1 = [org.e1.pk, org.e2.pk, org.e3.pk]
    raknat = Counter()
    for k in Klagomal.objects.select_related("tema"):
        if k.enhet_id in n1 and timezone.localtime(k.inkommet).year == AR:
            raknat[k.tema.namn if k.tema else "Ej angivet"] += 1
    return raknat


def test_themes_in_the_report_equal_an_independent_count(org, cast, klagomal):
    k = queries.samla(cast.kim, org.n1, AR)["klagomal"]
    forvantat = _oberoende(org)
    assert {r["tema"]: r["antal"] for r in k["per_tema"]} == dict(forvantat)
    assert forvantat == {"Bemötande": 3, "Information": 2, "Måltider": 2, "Ej angivet": 1}
    assert sum(r["antal"] for r in k["per_tema"]) == k["antal"]
    assert [r["tema"] for r in k["per_tema"]] == ["Bemötande", "Information", "Måltider", "Ej angivet"]
    assert {r["tema"]: r["andel"] for r in k["per_tema"]}["Bemötande"] == 37.5


def test_unit_manager_gets_only_own_units_themes(org, cast, klagomal):
    k = queries.samla(cast.elsa, org.n1, AR)["klagomal"]
    assert {r["tema"]: r["antal"] for r in k["per_tema"]} == {"Bemötande": 1, "Måltider": 1}


def test_report_section_shows_the_theme_table_and_publishing_freezes_it(org, cast, klagomal):
    b = KvalitetsberattelseFactory(nod=org.n1, ar=AR, skapad_av=cast.kim, texter={})
    data = queries.samla(cast.kim, org.n1, AR)
    html = rapport_pdf.html(b, data, {})
    assert 'id="tabell-klagomal-tema"' in html
    for namn in ("Bemötande", "Information", "Måltider", "Ej angivet"):
        assert namn in html
    v1 = services.berattelse_publicera(berattelse=b, av=cast.kim)
    fore = v1.siffror["klagomal"]["per_tema"]
    KlagomalFactory(enhet=org.e1, tema=None, inkommet=_tid(AR, 11))
    v1.refresh_from_db()
    assert v1.siffror["klagomal"]["per_tema"] == fore
    assert {r["tema"]: r["antal"] for r in fore}["Ej angivet"] == 1


def test_old_published_version_without_themes_still_renders(org, cast, klagomal):
    b = KvalitetsberattelseFactory(nod=org.n1, ar=AR, skapad_av=cast.kim, texter={})
    data = queries.samla(cast.kim, org.n1, AR)
    del data["klagomal"]["per_tema"]
    html = rapport_pdf.html(b, data, {})
    assert "Inkomna totalt" in html and 'id="tabell-klagomal-tema"' not in html
