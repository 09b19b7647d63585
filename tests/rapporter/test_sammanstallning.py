"""Varje avsnitts siffror mot oberoende räkningar på seedade data."""

import datetime

import pytest
from django.utils import timezone

from rapporter import queries
from tests.avvikelser.factories import AvvikelseFactory, KategoriFactory, KlagomalFactory
from tests.rapporter.factories import (
    ForbattringsatgardFactory,
    IndikatorvardeFactory,
    KontrollpunktFactory,
    MalindikatorFactory,
)

AR = 2024


def tid(ar, manad=6, dag=15):
    return timezone.make_aware(datetime.datetime(ar, manad, dag, 12, 0))


@pytest.fixture
def register(org, cast):
    """Avvikelser och klagomål i N1 under fyra år, och brus i N2 som aldrig får räknas i N1."""
    omsorg = KategoriFactory(namn="Omsorg")
    utebliven = KategoriFactory(namn="Utebliven insats")
    antal = {2021: 2, 2022: 3, 2023: 4, 2024: 5}
    for ar, n in antal.items():
        for i in range(n):
            AvvikelseFactory(
                rapporterad_av=cast.pia, enhet=org.e1, handelsetid=tid(ar, 1 + i), kategori=omsorg
            )
    for _ in range(3):
        AvvikelseFactory(rapporterad_av=cast.pia, enhet=org.e3, handelsetid=tid(AR, 3), kategori=utebliven)
    AvvikelseFactory(rapporterad_av=cast.pia, enhet=org.e4, handelsetid=tid(AR), kategori=utebliven)  # N2
    # Gränsfall: nyårsafton 2023 räknas till 2023, nyårsdagen till 2024.
    AvvikelseFactory(
        rapporterad_av=cast.pia,
        enhet=org.e1,
        handelsetid=timezone.make_aware(datetime.datetime(2023, 12, 31, 23, 30)),
    )
    AvvikelseFactory(
        rapporterad_av=cast.pia,
        enhet=org.e1,
        handelsetid=timezone.make_aware(datetime.datetime(2024, 1, 1, 0, 30)),
    )
    k = [KlagomalFactory(enhet=org.e1) for _ in range(4)]
    k[0].anonym = True
    k[1].aterkoppling_datum = datetime.date(AR, 5, 1)
    for kl in k:
        kl.save()
    KlagomalFactory(enhet=org.e4)
    from avvikelser.models import Klagomal

    Klagomal.objects.update(inkommet=tid(AR))
    return {"avvikelser": antal}


def test_four_year_overview_counts_each_year_independently(org, cast, register):
    from avvikelser.models import Avvikelse, Klagomal

    data = queries.samla(cast.kim, org.n1, AR)
    a = data["avvikelser"]
    assert a["ar_lista"] == [2021, 2022, 2023, 2024]
    forvantat = [
        Avvikelse.objects.filter(enhet__in=[org.e1, org.e2, org.e3], handelsetid__year=ar).count()
        for ar in a["ar_lista"]
    ]
    assert forvantat == [2, 3, 5, 9]
    assert a["oversikt"][0]["ar"] == forvantat
    assert a["oversikt"][1]["ar"] == [
        0,
        0,
        0,
        Klagomal.objects.filter(enhet__in=[org.e1, org.e2, org.e3]).count(),
    ]
    assert a["oversikt"][1]["ar"][-1] == 4
    # lex Sarah saknas ännu: visas som saknad och räknas inte in.
    assert a["totalt"] == [2, 3, 5, 13]


def test_deviations_by_category_have_shares_and_exclude_other_committees(org, cast, register):
    a = queries.samla(cast.kim, org.n1, AR)["avvikelser"]
    assert a["antal"] == 9
    rader = {r["kategori"]: (r["antal"], r["andel"]) for r in a["per_kategori"]}
    assert rader == {"Omsorg": (6, 66.7), "Utebliven insats": (3, 33.3)}
    assert {r["omrade"]: r["antal"] for r in a["per_omrade"]} == {"Område A1": 6, "Område A2": 3}
    assert sum(r["antal"] for r in a["per_manad"]) == 9


def test_report_numbers_equal_the_statistics_page_numbers(org, cast, register):
    from avvikelser.queries import antal_per_kategori

    a = queries.samla(cast.kim, org.n1, AR)["avvikelser"]
    stat = antal_per_kategori(cast.kim, org.n1, datetime.date(AR, 1, 1), datetime.date(AR, 12, 31))
    assert [(r["kategori__namn"], r["antal"]) for r in stat] == [
        (r["kategori"], r["antal"]) for r in a["per_kategori"]
    ]


def test_complaints_summary_counts_feedback_owed_and_given(org, cast, register):
    k = queries.samla(cast.kim, org.n1, AR)["klagomal"]
    assert k["antal"] == 4
    assert k["anonyma"] == 1
    assert k["aterkoppling_lamnad"] == 1
    assert k["aterkoppling_saknas"] == 2


def test_unit_manager_only_gets_own_units_numbers(org, cast, register):
    a = queries.samla(cast.elsa, org.n1, AR)["avvikelser"]
    assert a["antal"] == 3
    # Ledningen (hela kommunen) får nämndens antal, samma som nämndens kvalitetssamordnare.
    kim = queries.samla(cast.kim, org.n1, AR)["avvikelser"]
    assert queries.samla(cast.lars, org.n1, AR)["avvikelser"]["antal"] == kim["antal"] > a["antal"]


def test_goals_show_target_result_last_year_and_whether_met(org, cast, register):
    ind = MalindikatorFactory(mal__nod=org.n1, mal__ar=AR, malvarde=90)
    IndikatorvardeFactory(indikator=ind, ar=AR, varde=92)
    IndikatorvardeFactory(indikator=ind, ar=AR - 1, varde=85)
    lag = MalindikatorFactory(
        mal=ind.mal, namn="Andel utebliven insats", malvarde=20, riktning="lagre", kalla="beraknad",
        berakning="andel_utebliven_insats",
    )  # fmt: skip
    MalindikatorFactory(mal__nod=org.n2, mal__ar=AR, namn="N2:s mål")
    mal = queries.samla(cast.kim, org.n1, AR)["mal"]
    assert len(mal) == 1
    rader = {i["namn"]: i for i in mal[0]["indikatorer"]}
    assert set(rader) == {ind.namn, lag.namn}
    assert (rader[ind.namn]["varde"], rader[ind.namn]["forra"], rader[ind.namn]["uppfyllt"]) == (
        92.0,
        85.0,
        True,
    )
    # 3 av 9 avvikelser i N1 2024 är utebliven insats: 33,3 % > målet högst 20 %.
    assert rader[lag.namn]["varde"] == 33.3
    assert rader[lag.namn]["uppfyllt"] is False


def test_internal_control_plan_and_improvement_plan_are_listed(org, cast):
    KontrollpunktFactory(plan__nod=org.n1, plan__ar=AR)
    KontrollpunktFactory(plan__nod=org.n2, plan__ar=AR, aktivitet="N2")
    ForbattringsatgardFactory(nod=org.n1, ar=AR + 1)
    ForbattringsatgardFactory(nod=org.n1, ar=AR, omrade="Förra årets")
    data = queries.samla(cast.kim, org.n1, AR)
    assert [k["aktivitet"] for k in data["egenkontroll"]] == ["Stickprov av genomförandeplaner"]
    assert [f["omrade"] for f in data["forbattringsplan"]] == ["Avvikelsehantering"]


def test_every_source_is_called_directly_and_none_is_missing(org, cast):
    """Inga reservvägar: varje avsnitt kommer ur sin apps queries (ett skrivfel är ett fel, inte "Uppgifter
    saknas" i berättelsen till nämnden)."""
    data = queries.samla(cast.kim, org.n1, AR)
    for avsnitt in ("lexsarah", "riskanalyser", "uppfoljning", "ej_verkstallda"):
        assert data[avsnitt] is not None, avsnitt
    assert data["avvikelser"]["lexsarah_saknas"] is False
    assert not hasattr(queries, "hamta_kalla")
    assert data["organisation"]["omraden"][0]["namn"] == "Område A1"


def test_lex_sarah_table_and_four_year_row_come_from_the_lex_sarah_register(org, cast, register):
    pytest.importorskip("tests.lexsarah.factories")
    from lexsarah.models import Beslut, Rapport
    from tests.lexsarah.factories import RapportFactory

    anmald = RapportFactory(enhet=org.e1, rapporterad_av=cast.pia, sammanfattning="Fall från duschstol")
    ej = RapportFactory(enhet=org.e3, rapporterad_av=cast.pia, sammanfattning="Brister i handläggning")
    forra = RapportFactory(enhet=org.e1, rapporterad_av=cast.pia)
    RapportFactory(enhet=org.e4, rapporterad_av=cast.hugo)  # N2
    Rapport.objects.filter(pk__in=[anmald.pk, ej.pk]).update(rapporterad=tid(AR))
    Rapport.objects.filter(pk=forra.pk).update(rapporterad=tid(AR - 1))
    Rapport.objects.filter(pk=anmald.pk).update(
        beslut=Beslut.values[0], beslutad=tid(AR, 7), allvarligt=True, ivo_skickad=datetime.date(AR, 7, 2)
    )
    data = queries.samla(cast.kim, org.n1, AR)
    oberoende = [
        Rapport.objects.filter(enhet__in=[org.e1, org.e2, org.e3], rapporterad__year=a).count()
        for a in data["avvikelser"]["ar_lista"]
    ]
    assert oberoende == [0, 0, 1, 2]
    assert data["avvikelser"]["oversikt"][2]["ar"] == oberoende
    assert data["avvikelser"]["totalt"] == [2, 3, 5 + 1, 13 + 2]
    assert data["avvikelser"]["lexsarah_saknas"] is False
    tabell = {r["referensnummer"]: r for r in data["lexsarah"]}
    assert set(tabell) == {anmald.referensnummer, ej.referensnummer}
    assert tabell[anmald.referensnummer]["anmald_ivo"] is True
    assert tabell[ej.referensnummer]["anmald_ivo"] is False
    assert tabell[anmald.referensnummer]["verksamhet"] == "Enhet E1"
