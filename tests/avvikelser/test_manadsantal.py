"""Statistikens månadssammanställning: triggrarna håller den lika med avvikelserna vid varje sorts skrivning,
månaden räknas i svensk tid, kontrollen och ombyggnaden hittar och rättar fel, och statistiken (som läser
hela månader därifrån och kanterna ur avvikelserna) är lika med en oberoende räkning för alla slags perioder."""

import datetime
import random
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from avvikelser import queries, sammanstallning
from avvikelser.models import Avvikelse, Manadsantal
from kvalitet import access
from tests.avvikelser.factories import AvvikelseFactory, KategoriFactory

SE = ZoneInfo("Europe/Stockholm")


def _tid(ar, manad, dag, timme=12, minut=0):
    return datetime.datetime(ar, manad, dag, timme, minut, tzinfo=SE)


def _sammanstallning() -> dict:
    return {(m.enhet_id, m.kategori_id, m.manad): m.antal for m in Manadsantal.objects.filter(antal__gt=0)}


def _raknat() -> dict:
    """Oberoende räkning i Python: månaden ur händelsetiden i svensk tid."""
    return dict(
        Counter(
            (a.enhet_id, a.kategori_id, a.handelsetid.astimezone(SE).date().replace(day=1))
            for a in Avvikelse.objects.all()
        )
    )


@pytest.fixture
def omsorg(db):
    return KategoriFactory(namn="Omsorg")


@pytest.fixture
def bemotande(db):
    return KategoriFactory(namn="Bemötande")


def test_insert_counts_in_the_month_of_the_event_in_swedish_time(org, cast, omsorg):
    # 23:30 den 31 januari i UTC är 00:30 den 1 februari i Sverige: februari.
    AvvikelseFactory(
        enhet=org.e1,
        rapporterad_av=cast.pia,
        kategori=omsorg,
        handelsetid=datetime.datetime(2026, 1, 31, 23, 30, tzinfo=datetime.UTC),
    )
    AvvikelseFactory(
        enhet=org.e1, rapporterad_av=cast.pia, kategori=omsorg, handelsetid=_tid(2026, 1, 31, 23, 59)
    )
    AvvikelseFactory(enhet=org.e1, rapporterad_av=cast.pia, kategori=omsorg, handelsetid=_tid(2026, 1, 2))
    assert _sammanstallning() == {
        (org.e1.pk, omsorg.pk, datetime.date(2026, 1, 1)): 2,
        (org.e1.pk, omsorg.pk, datetime.date(2026, 2, 1)): 1,
    }


def test_update_moves_the_count_and_a_status_change_writes_nothing(org, cast, omsorg, bemotande):
    a = AvvikelseFactory(enhet=org.e1, rapporterad_av=cast.pia, kategori=omsorg, handelsetid=_tid(2026, 3, 5))
    AvvikelseFactory(enhet=org.e1, rapporterad_av=cast.pia, kategori=omsorg, handelsetid=_tid(2026, 3, 6))
    rad = Manadsantal.objects.get(enhet=org.e1, kategori=omsorg, manad=datetime.date(2026, 3, 1))
    assert rad.antal == 2

    a.status = "under_utredning"
    a.save()
    Avvikelse.objects.filter(pk=a.pk).update(status="avslutad")
    rad.refresh_from_db()
    assert rad.antal == 2
    assert Manadsantal.objects.count() == 1

    a.kategori, a.enhet, a.handelsetid = bemotande, org.e3, _tid(2026, 4, 1, 0, 5)
    a.save()
    assert _sammanstallning() == {
        (org.e1.pk, omsorg.pk, datetime.date(2026, 3, 1)): 1,
        (org.e3.pk, bemotande.pk, datetime.date(2026, 4, 1)): 1,
    }


def test_delete_subtracts(org, cast, omsorg):
    a, b = (
        AvvikelseFactory(
            enhet=org.e2, rapporterad_av=cast.pia, kategori=omsorg, handelsetid=_tid(2025, 12, d)
        )
        for d in (1, 31)
    )
    a.delete()
    assert _sammanstallning() == {(org.e2.pk, omsorg.pk, datetime.date(2025, 12, 1)): 1}
    Avvikelse.objects.filter(pk=b.pk).delete()
    assert _sammanstallning() == {}


def test_random_writes_of_every_kind_keep_it_equal_to_the_deviations(org, cast, omsorg, bemotande):
    slump = random.Random(20261130)  # fast frö: ett fel går att återskapa
    enheter = [org.e1, org.e2, org.e3, org.e4]
    kategorier = [omsorg, bemotande]

    def tid():
        # Nära månadsskiften, där en tidszonsmiss syns.
        return datetime.datetime(2026, slump.randint(1, 12), 1, tzinfo=datetime.UTC) + datetime.timedelta(
            hours=slump.randint(-30, 30)
        )

    for _ in range(60):
        AvvikelseFactory(
            enhet=slump.choice(enheter),
            rapporterad_av=cast.pia,
            kategori=slump.choice(kategorier),
            handelsetid=tid(),
        )
    Avvikelse.objects.bulk_create(
        AvvikelseFactory.build(
            enhet=slump.choice(enheter),
            rapporterad_av=cast.pia,
            kategori=slump.choice(kategorier),
            handelsetid=tid(),
        )
        for _ in range(40)
    )
    alla = list(Avvikelse.objects.order_by("pk"))
    for a in slump.sample(alla, 30):
        a.kategori, a.handelsetid = slump.choice(kategorier), tid()
        a.save()
    Avvikelse.objects.filter(pk__in=[a.pk for a in slump.sample(alla, 20)]).update(enhet=org.e4)
    Avvikelse.objects.filter(pk__in=[a.pk for a in slump.sample(alla, 15)]).delete()

    assert Avvikelse.objects.count() == 85
    assert _sammanstallning() == _raknat()
    assert sammanstallning.avvikande_nycklar(connection) == []


def test_check_command_finds_a_mismatch_and_rebuild_repairs_it(org, cast, omsorg, capsys):
    for d in (3, 4, 5):
        AvvikelseFactory(enhet=org.e1, rapporterad_av=cast.pia, kategori=omsorg, handelsetid=_tid(2026, 5, d))
    call_command("manadsantal")
    assert "stämmer" in capsys.readouterr().out

    Manadsantal.objects.update(antal=7)  # t.ex. en handpåläggning i databasen
    with pytest.raises(CommandError, match="1 nycklar stämmer inte"):
        call_command("manadsantal")
    assert "7 sparat, 3 räknat" in capsys.readouterr().out

    call_command("manadsantal", "--bygg-om")
    assert _sammanstallning() == _raknat() == {(org.e1.pk, omsorg.pk, datetime.date(2026, 5, 1)): 3}
    # Triggrarna finns kvar efter ombyggnaden.
    AvvikelseFactory(enhet=org.e1, rapporterad_av=cast.pia, kategori=omsorg, handelsetid=_tid(2026, 5, 6))
    assert _sammanstallning()[org.e1.pk, omsorg.pk, datetime.date(2026, 5, 1)] == 4


def test_an_invalid_time_zone_is_refused_before_any_sql(db):
    with pytest.raises(Exception, match="No time zone found"):
        sammanstallning.installera(connection, "Europe/Stockholm'; DROP TABLE x; --")


def test_each_role_reads_exactly_its_part(org, cast, omsorg):
    for enhet in (org.e1, org.e2, org.e3, org.e4):
        AvvikelseFactory(enhet=enhet, rapporterad_av=cast.pia, kategori=omsorg, handelsetid=_tid(2026, 6, 1))

    def enheter(user, atgard=access.STATISTIK):
        return sorted(access.scope(user, Manadsantal, atgard).values_list("enhet__kod", flat=True))

    assert enheter(cast.erik) == ["E1"]
    assert enheter(cast.elsa) == ["E3"]
    assert enheter(cast.vera) == ["E1", "E2"]
    assert enheter(cast.kim) == ["E1", "E2", "E3"]
    assert enheter(cast.sofia) == ["E4"]
    assert enheter(cast.lars) == ["E1", "E2", "E3", "E4"]  # ledningen: antal för hela kommunen
    for user in (cast.pia, cast.hanna, cast.ada, cast.utan):
        assert enheter(user) == []
    # Sammanställningen skrivs bara av databasen och läses bara som statistik.
    for atgard in (access.LASA, access.ANDRA):
        assert enheter(cast.kim, atgard) == []


@pytest.mark.parametrize(
    ("fran", "till"),
    [
        (datetime.date(2025, 11, 14), datetime.date(2026, 11, 13)),  # två halva månader och elva hela
        (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),  # bara hela månader
        (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)),  # en hel månad
        (datetime.date(2026, 3, 10), datetime.date(2026, 3, 20)),  # inom en månad
        (datetime.date(2026, 2, 28), datetime.date(2026, 3, 1)),  # över ett månadsskifte, ingen hel månad
        (datetime.date(2026, 4, 1), datetime.date(2026, 5, 15)),  # hel först, halv sist
    ],
)
def test_statistics_equal_an_independent_count_for_any_period(org, cast, omsorg, bemotande, fran, till):
    slump = random.Random(f"{fran}{till}")
    start = datetime.datetime(2025, 10, 1, tzinfo=SE)
    for _ in range(300):
        AvvikelseFactory(
            enhet=slump.choice([org.e1, org.e2, org.e3, org.e4]),
            rapporterad_av=cast.pia,
            kategori=slump.choice([omsorg, bemotande]),
            handelsetid=start + datetime.timedelta(minutes=slump.randint(0, 60 * 24 * 450)),
        )
    # Precis innanför och precis utanför periodens gränser (svensk tid), vid två enheter.
    for enhet, kategori in ((org.e1, omsorg), (org.e3, bemotande)):
        for tidpunkt in (
            datetime.datetime.combine(fran, datetime.time.min, SE),
            datetime.datetime.combine(till, datetime.time(23, 59, 59), SE),
            datetime.datetime.combine(fran, datetime.time.min, SE) - datetime.timedelta(seconds=1),
            datetime.datetime.combine(till + datetime.timedelta(days=1), datetime.time.min, SE),
        ):
            AvvikelseFactory(enhet=enhet, rapporterad_av=cast.pia, kategori=kategori, handelsetid=tidpunkt)
    i_perioden = [
        a
        for a in Avvikelse.objects.filter(enhet__in=[org.e1, org.e2, org.e3])
        if fran <= a.handelsetid.astimezone(SE).date() <= till
    ]
    stat = queries.periodstatistik(cast.kim, org.n1, fran, till)
    assert stat.totalt == len(i_perioden) > 0
    assert {r["kategori__namn"]: r["antal"] for r in stat.per_kategori} == dict(
        Counter(a.kategori.namn for a in i_perioden)
    )
    assert {r["enhet_id"]: r["antal"] for r in stat.per_enhet} == dict(
        Counter(a.enhet_id for a in i_perioden)
    )
    assert [(r["manad"], r["antal"]) for r in stat.per_manad] == sorted(
        Counter(a.handelsetid.astimezone(SE).date().replace(day=1) for a in i_perioden).items()
    )

    fyra = queries.fyra_ar_per_kategori(cast.kim, org.n1, 2026)
    n1 = [a for a in Avvikelse.objects.filter(enhet__in=[org.e1, org.e2, org.e3])]
    assert {r["kategori"]: r["ar"] for r in fyra} == {
        k.namn: {
            ar: sum(1 for a in n1 if a.kategori_id == k.pk and a.handelsetid.astimezone(SE).year == ar)
            for ar in (2023, 2024, 2025, 2026)
        }
        for k in (omsorg, bemotande)
    }


@pytest.mark.parametrize(
    ("fran", "till", "forsta", "efter"),
    [
        ((2026, 1, 1), (2026, 12, 31), (2026, 1, 1), (2027, 1, 1)),
        ((2025, 11, 14), (2026, 11, 13), (2025, 12, 1), (2026, 11, 1)),
        ((2026, 3, 10), (2026, 3, 20), (2026, 4, 1), (2026, 3, 1)),
        ((2024, 1, 31), (2024, 2, 29), (2024, 2, 1), (2024, 3, 1)),
    ],
)
def test_whole_months_in_a_period(fran, till, forsta, efter):
    assert queries._manadsgranser(datetime.date(*fran), datetime.date(*till)) == (
        datetime.date(*forsta),
        datetime.date(*efter),
    )
