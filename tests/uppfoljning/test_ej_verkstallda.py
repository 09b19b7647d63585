import datetime

import pytest

from kvalitet.models import Notifikation
from tests.factories import BrukareFactory, InsatsFactory, aktuell_version, giltigt_personnummer, insatstyp
from uppfoljning import queries, services
from uppfoljning.models import BeslutTyp, EjVerkstalltBeslut, Huvudrapportor, Individrapport

D = datetime.date


@pytest.mark.parametrize(
    ("beslut", "grans"),
    [
        (D(2026, 1, 31), D(2026, 4, 30)),  # månadsslut: 31 jan + 3 mån = 30 apr
        (D(2023, 11, 30), D(2024, 2, 29)),  # skottår
        (D(2024, 11, 30), D(2025, 2, 28)),  # inte skottår
        (D(2025, 11, 29), D(2026, 2, 28)),
        (D(2026, 3, 15), D(2026, 6, 15)),
        (D(2025, 12, 31), D(2026, 3, 31)),
    ],
)
def test_three_month_limit_uses_calendar_months(beslut, grans):
    assert services.tremanadersgrans(beslut) == grans


def test_decision_is_reportable_the_day_after_the_limit_not_on_it():
    beslut = D(2026, 1, 31)
    assert not services.ar_ej_verkstallt(beslut, None, D(2026, 4, 30))
    assert services.ar_ej_verkstallt(beslut, None, D(2026, 5, 1))
    # Verkställd på gränsdagen: i tid. Dagen efter: för sent (rapporteras med datum).
    assert not services.ar_ej_verkstallt(beslut, D(2026, 4, 30), D(2026, 6, 1))
    assert services.ar_ej_verkstallt(beslut, D(2026, 5, 1), D(2026, 6, 1))


def test_leap_year_limit_on_29_february():
    assert not services.ar_ej_verkstallt(D(2023, 11, 30), None, D(2024, 2, 29))
    assert services.ar_ej_verkstallt(D(2023, 11, 30), None, D(2024, 3, 1))


def test_derivation_creates_one_record_per_late_decision_and_is_idempotent(org, cast):
    b = BrukareFactory(namnd=org.n1, handlaggare=cast.hanna)
    sen = InsatsFactory(brukare=b, enhet=org.e1, beslutsdatum=D(2026, 1, 31), startdatum=None)
    i_tid = InsatsFactory(brukare=b, enhet=org.e1, beslutsdatum=D(2026, 2, 1), startdatum=None)
    verkstalld_sent = InsatsFactory(
        brukare=b, enhet=org.e1, beslutsdatum=D(2026, 1, 10), startdatum=D(2026, 4, 20)
    )
    InsatsFactory(brukare=b, enhet=org.e1, beslutsdatum=D(2026, 1, 10), startdatum=D(2026, 2, 1))

    assert services.ej_verkstallda_harled(idag=D(2026, 5, 1))["nya"] == 2
    assert services.ej_verkstallda_harled(idag=D(2026, 5, 1))["nya"] == 0
    beslut = {e.insats_id: e for e in EjVerkstalltBeslut.objects.all()}
    assert set(beslut) == {sen.pk, verkstalld_sent.pk}
    assert beslut[verkstalld_sent.pk].verkstallt == D(2026, 4, 20)
    assert beslut[sen.pk].oppet
    assert i_tid.pk not in beslut
    # Insatsen verkställs: nästa svep sätter datumet.
    sen.startdatum = D(2026, 5, 10)
    sen.save()
    assert services.ej_verkstallda_harled(idag=D(2026, 5, 11))["verkstallda"] == 1
    beslut[sen.pk].refresh_from_db()
    assert beslut[sen.pk].verkstallt == D(2026, 5, 10)


def test_pseudonym_third_character_encodes_sex_and_is_stable(org):
    kvinna = BrukareFactory(namnd=org.n1, personnummer=giltigt_personnummer(D(1948, 3, 2), kvinna=True))
    man = BrukareFactory(namnd=org.n1, personnummer=giltigt_personnummer(D(1951, 12, 24), kvinna=False))
    for lopnr in range(0, 3000, 37):
        k, m = services.pseudonym(kvinna, lopnr), services.pseudonym(man, lopnr)
        assert k.startswith("19480302-") and m.startswith("19511224-")
        assert int(k.split("-")[1][2]) % 2 == 0
        assert int(m.split("-")[1][2]) % 2 == 1
        assert len(k) == 13
    assert services.pseudonym(kvinna, 5) == services.pseudonym(kvinna, 5)


def test_interruption_is_registered_once_and_only_after_start(org, cast):
    b = BrukareFactory(namnd=org.n1)
    insats = InsatsFactory(brukare=b, enhet=org.e1, beslutsdatum=D(2025, 1, 1), startdatum=D(2025, 2, 1))
    avbrott = services.avbrott_registrera(insats=insats, fran=D(2025, 6, 1), av=cast.hanna)
    assert avbrott.typ == BeslutTyp.AVBROTT
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.avbrott_registrera(insats=insats, fran=D(2025, 6, 1), av=cast.hanna)
    with pytest.raises(ValidationError):
        services.avbrott_registrera(insats=insats, fran=D(2025, 1, 15), av=cast.hanna)


def _beslut(org, fran, **kw):
    b = BrukareFactory(namnd=kw.pop("namnd", org.n1))
    typ = kw.pop("typ", insatstyp())
    insats = InsatsFactory(brukare=b, enhet=org.e1, beslutsdatum=fran, startdatum=None, typ=typ)
    return EjVerkstalltBeslut.objects.create(
        insats=insats, fran=fran, brukare=b, namnd=b.namnd, lag=insats.lag, pseudonym="19500101-A101", **kw
    )


def test_individual_reports_repeat_each_quarter_until_enforced(org, cast):
    oppet = _beslut(org, D(2025, 10, 15), orsak="Ingen ledig plats.")
    verkstallt = _beslut(org, D(2025, 10, 20), verkstallt=D(2026, 2, 10))
    for_nytt = _beslut(org, D(2026, 1, 5))  # gränsen 5 april: inget att rapportera för kvartal 1

    # Kvartal 1: det öppna, och det som verkställdes under kvartalet (rapporteras med datum).
    assert services.individrapporter_skapa(user=cast.kim, namnd=org.n1, ar=2026, kvartal=1) == 2
    assert set(Individrapport.objects.values_list("beslut_id", flat=True)) == {oppet.pk, verkstallt.pk}
    # Upprepas: kvartal 2 igen för det öppna, och det som nu nått gränsen.
    assert services.individrapporter_skapa(user=cast.kim, namnd=org.n1, ar=2026, kvartal=2) == 2
    assert set(Individrapport.objects.filter(kvartal=2).values_list("beslut_id", flat=True)) == {
        oppet.pk,
        for_nytt.pk,
    }
    assert services.individrapporter_skapa(user=cast.kim, namnd=org.n1, ar=2026, kvartal=2) == 0
    rapport = Individrapport.objects.get(beslut=oppet, kvartal=1)
    assert rapport.data["pseudonym"] == "19500101-A101"
    assert rapport.data["orsak"] == "Ingen ledig plats."
    assert "fornamn" not in str(rapport.data)
    assert not Individrapport.objects.filter(beslut=verkstallt, kvartal=2).exists()


def test_enforcement_during_the_quarter_is_reported_with_its_date(org, cast):
    b = _beslut(org, D(2025, 10, 15), verkstallt=D(2026, 2, 20))
    assert services.individrapporter_skapa(user=cast.kim, namnd=org.n1, ar=2026, kvartal=1) == 1
    assert Individrapport.objects.get(beslut=b).data["verkstallt"] == "2026-02-20"


def test_other_committees_decisions_are_not_reported_by_this_committee(org, cast):
    _beslut(org, D(2025, 10, 15), namnd=org.n2)
    assert services.individrapporter_skapa(user=cast.kim, namnd=org.n1, ar=2026, kvartal=1) == 0
    assert services.individrapporter_skapa(user=cast.kim, namnd=org.n2, ar=2026, kvartal=1) == 0


def test_summary_per_law_and_type_with_last_year(org, cast):
    hemtjanst = insatstyp("Hemtjänst", "SoL")
    boende = insatstyp("Bostad med särskild service för vuxna", "LSS")
    _beslut(org, D(2026, 1, 10), typ=hemtjanst)
    _beslut(org, D(2026, 2, 10), typ=hemtjanst)
    _beslut(org, D(2025, 3, 10), typ=boende, verkstallt=D(2025, 9, 1))  # bara förra året
    _beslut(org, D(2024, 12, 1), typ=hemtjanst)  # öppet sedan förra året: räknas båda åren
    _beslut(org, D(2026, 1, 10), typ=hemtjanst, namnd=org.n2)  # annan nämnd

    rader = queries.ej_verkstallda_per_lag_och_typ(cast.kim, org.n1, 2026)
    assert rader == [
        {
            "lag": "LSS",
            "insatstyp": "Bostad med särskild service för vuxna",
            "antal": 0,
            "antal_forra_aret": 1,
        },
        {"lag": "SoL", "insatstyp": "Hemtjänst", "antal": 3, "antal_forra_aret": 1},
    ]
    assert queries.ej_verkstallda_per_lag_och_typ(cast.lars, org.k, 2026)[1]["antal"] == 4
    assert queries.ej_verkstallda_per_lag_och_typ(cast.erik, org.k, 2026) == []


def test_waiting_days_per_open_case(org, cast):
    _beslut(org, D(2026, 1, 10))
    rader = queries.vantetider(cast.kim, org.n1, idag=D(2026, 5, 10))
    assert [r["dagar"] for r in rader] == [120]


def test_three_month_warning_goes_out_once_a_month_before(org, cast):
    b = BrukareFactory(namnd=org.n1, handlaggare=cast.hanna)
    insats = InsatsFactory(brukare=b, enhet=org.e1, beslutsdatum=D(2026, 1, 31), startdatum=None)
    nyckel = f"ejverkstallt:{insats.pk}:varning"
    services.svep(nu=_tid(D(2026, 3, 29)))
    assert not Notifikation.objects.filter(nyckel=nyckel).exists()
    services.svep(nu=_tid(D(2026, 3, 31)))
    services.svep(nu=_tid(D(2026, 4, 2)))
    assert Notifikation.objects.filter(nyckel=nyckel, mottagare=cast.hanna).count() == 1


def test_main_reporter_is_reminded_when_the_window_opens(org, cast):
    Huvudrapportor.objects.create(namnd=org.n1, anvandare=cast.kim)
    _beslut(org, D(2025, 10, 15))
    services.svep(nu=_tid(D(2026, 3, 31)))
    assert not Notifikation.objects.filter(mottagare=cast.kim, nyckel__startswith="ivo:").exists()
    services.svep(nu=_tid(D(2026, 4, 1)))
    services.svep(nu=_tid(D(2026, 4, 2)))
    assert Notifikation.objects.filter(mottagare=cast.kim, nyckel=f"ivo:{org.n1.pk}:2026:1").count() == 1


def _tid(dag):
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(dag, datetime.time(12)))


def test_derived_pseudonym_encodes_sex_and_stays_the_same_every_quarter_until_enforced(org, cast):
    kvinna = BrukareFactory(namnd=org.n1, personnummer=giltigt_personnummer(D(1948, 3, 2), kvinna=True))
    man = BrukareFactory(namnd=org.n1, personnummer=giltigt_personnummer(D(1951, 12, 24), kvinna=False))
    for b in (kvinna, man):
        InsatsFactory(brukare=b, enhet=org.e1, beslutsdatum=D(2025, 11, 30), startdatum=None)
    services.ej_verkstallda_harled(idag=D(2026, 3, 1))  # gränsen 28 februari har passerats
    beslut = {b.brukare_id: b for b in EjVerkstalltBeslut.objects.all()}
    assert beslut[kvinna.pk].pseudonym.startswith("19480302-")
    assert beslut[man.pk].pseudonym.startswith("19511224-")
    assert int(beslut[kvinna.pk].pseudonym[11]) % 2 == 0  # tredje tecknet efter bindestrecket
    assert int(beslut[man.pk].pseudonym[11]) % 2 == 1
    fore = {pk: b.pseudonym for pk, b in beslut.items()}

    # Nya svep, fler beslut och dokumentation ändrar inte identiteten; den är densamma varje kvartal.
    InsatsFactory(
        brukare=BrukareFactory(namnd=org.n1), enhet=org.e1, beslutsdatum=D(2025, 10, 1), startdatum=None
    )
    services.ej_verkstallda_harled(idag=D(2026, 6, 1))
    services.beslut_dokumentera(
        beslut=beslut[kvinna.pk],
        version=aktuell_version(beslut[kvinna.pk]),
        av=cast.hanna,
        orsak="Ingen ledig plats.",
    )
    for kvartal in (1, 2):
        services.individrapporter_skapa(user=cast.kim, namnd=org.n1, ar=2026, kvartal=kvartal)
    services.beslut_dokumentera(
        beslut=beslut[man.pk],
        version=aktuell_version(beslut[man.pk]),
        av=cast.hanna,
        verkstallt=D(2026, 8, 3),
    )
    for kvartal in (3, 4):
        services.individrapporter_skapa(user=cast.kim, namnd=org.n1, ar=2026, kvartal=kvartal)
    kvartal_per_brukare = {kvinna.pk: [1, 2, 3, 4], man.pk: [1, 2, 3]}  # mannen: verkställd under Q3
    for brukare_id, pseudonym in fore.items():
        b = EjVerkstalltBeslut.objects.get(brukare_id=brukare_id)
        assert b.pseudonym == pseudonym
        assert {r.data["pseudonym"] for r in b.rapporter.all()} == {pseudonym}
        assert sorted(b.rapporter.values_list("kvartal", flat=True)) == kvartal_per_brukare[brukare_id]
    assert Individrapport.objects.get(beslut__brukare=man, kvartal=3).data["verkstallt"] == "2026-08-03"


def test_interruption_warning_goes_out_once_a_month_before_unless_resumed(org, cast):
    b = BrukareFactory(namnd=org.n1, handlaggare=cast.hanna)
    insats = InsatsFactory(brukare=b, enhet=org.e1, beslutsdatum=D(2025, 1, 1), startdatum=D(2025, 2, 1))
    avbrott = services.avbrott_registrera(insats=insats, fran=D(2026, 1, 31), av=cast.hanna)
    aterupptaget = services.avbrott_registrera(insats=insats, fran=D(2026, 2, 1), av=cast.hanna)
    services.beslut_dokumentera(
        beslut=aterupptaget, version=aktuell_version(aterupptaget), av=cast.hanna, verkstallt=D(2026, 2, 20)
    )
    services.svep(nu=_tid(D(2026, 3, 29)))
    assert not Notifikation.objects.filter(nyckel__startswith="ejverkstallt:avbrott:").exists()
    services.svep(nu=_tid(D(2026, 3, 31)))
    services.svep(nu=_tid(D(2026, 4, 2)))
    n = Notifikation.objects.get(nyckel__startswith="ejverkstallt:avbrott:")
    assert n.nyckel == f"ejverkstallt:avbrott:{avbrott.pk}:varning" and n.mottagare == cast.hanna
    assert "2026-04-30" in n.text
    # Passerad gräns: avbrottet rapporteras för kvartalet, ingen ny varning.
    services.svep(nu=_tid(D(2026, 5, 2)))
    assert Notifikation.objects.filter(nyckel__startswith="ejverkstallt:avbrott:").count() == 1
    assert services.individrapporter_skapa(user=cast.kim, namnd=org.n1, ar=2026, kvartal=2) == 1
    assert Individrapport.objects.get().beslut == avbrott


@pytest.mark.parametrize(
    ("beslut", "sista_dag_i_tid"),
    [
        (D(2023, 11, 29), D(2024, 2, 29)),  # skottår
        (D(2023, 11, 30), D(2024, 2, 29)),
        (D(2024, 11, 30), D(2025, 2, 28)),  # inte skottår
        (D(2025, 1, 31), D(2025, 4, 30)),  # månadsslut
        (D(2025, 12, 31), D(2026, 3, 31)),  # över årsskiftet
    ],
)
def test_the_sweep_derives_decisions_exactly_at_the_boundary(org, beslut, sista_dag_i_tid):
    b = BrukareFactory(namnd=org.n1)
    vantar = InsatsFactory(brukare=b, enhet=org.e1, beslutsdatum=beslut, startdatum=None)
    pa_gransen = InsatsFactory(brukare=b, enhet=org.e1, beslutsdatum=beslut, startdatum=sista_dag_i_tid)
    dagen_efter = sista_dag_i_tid + datetime.timedelta(days=1)
    for_sent = InsatsFactory(brukare=b, enhet=org.e1, beslutsdatum=beslut, startdatum=dagen_efter)

    assert services.ej_verkstallda_harled(idag=sista_dag_i_tid)["nya"] == 0
    assert services.ej_verkstallda_harled(idag=dagen_efter)["nya"] == 2
    harledda = {e.insats_id: e for e in EjVerkstalltBeslut.objects.all()}
    assert set(harledda) == {vantar.pk, for_sent.pk}
    assert pa_gransen.pk not in harledda
    assert harledda[for_sent.pk].verkstallt == dagen_efter and harledda[vantar.pk].oppet
