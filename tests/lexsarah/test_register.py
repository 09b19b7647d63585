import datetime

from django.utils import timezone

from kvalitet.uppgifter import mina_uppgifter
from lexsarah import queries, services
from lexsarah.models import Beslut, Rapport, Status
from tests.lexsarah.factories import AtgardFactory, RapportFactory


def _rapport(enhet, av, ar, **kw):
    r = RapportFactory(enhet=enhet, rapporterad_av=av, **kw)
    # auto_now_add: flytta rapporteringsdatum till rätt år i efterhand
    Rapport.objects.filter(pk=r.pk).update(rapporterad=timezone.make_aware(datetime.datetime(ar, 6, 1, 12)))
    return r


def test_register_equals_independent_counts_and_contains_no_personal_data(cast, org, brukare):
    nu = timezone.now()
    _rapport(
        org.e1,
        cast.pia,
        2025,
        brukare=brukare.b1,
        beslut=Beslut.MISSFORHALLANDE,
        allvarligt=True,
        beslutad=nu,
        ivo_skickad=datetime.date(2025, 6, 3),
        rapportor_chef=False,
    )
    _rapport(
        org.e2,
        cast.erik,
        2025,
        beslut=Beslut.EJ_MISSFORHALLANDE,
        allvarligt=False,
        beslutad=nu,
        rapportor_chef=True,
    )
    _rapport(org.e3, cast.elsa, 2025, rapportor_chef=True)
    _rapport(org.e4, cast.hugo, 2025)  # annan nämnd
    _rapport(org.e1, cast.pia, 2024)  # annat år
    rader = queries.register(cast.kim, org.n1, 2025)
    assert len(rader) == 3 == queries.antal_per_ar(cast.kim, org.n1, 2025)
    assert {r["verksamhet"] for r in rader} == {"Enhet E1", "Enhet E2", "Enhet E3"}
    assert set(rader[0]) == {
        "referensnummer",
        "verksamhet",
        "handelse",
        "bedomning",
        "allvarligt",
        "anmald_ivo",
    }
    assert [r["anmald_ivo"] for r in rader].count(True) == 1
    assert {r["bedomning"] for r in rader} == {
        "Missförhållande",
        "Inte ett missförhållande",
        "Ej bedömd ännu",
    }
    assert "Greta" not in str(rader) and "pia" not in str(rader)
    assert queries.antal_per_ar(cast.kim, org.a1, 2025) == 2
    assert queries.antal_per_ar(cast.kim, org.k, 2024) == 1
    assert queries.antal_per_ar(cast.erik, org.n1, 2025) == 1  # chefen ser sin enhet
    stat = queries.statistik(cast.kim, org.n1, 2025)
    assert (stat["antal"], stat["fran_chef"], stat["fran_personal"], stat["anmalda_ivo"]) == (3, 2, 1, 1)
    n1 = [r for r in Rapport.objects.filter(enhet__sokvag__startswith=org.n1.sokvag, rapporterad__year=2025)]
    assert stat["andel_personal"] == round(100 * sum(not r.rapportor_chef for r in n1) / len(n1)) == 33
    assert queries.statistik(cast.kim, org.n1, 2023)["andel_personal"] is None  # inga rapporter
    assert {o["omrade"]: o["antal"] for o in stat["per_omrade"]} == {"Område A1": 2, "Område A2": 1}


def test_time_from_report_to_decision_is_measured(cast, org):
    r = RapportFactory(enhet=org.e1, rapporterad_av=cast.pia)
    Rapport.objects.filter(pk=r.pk).update(beslutad=r.rapporterad + datetime.timedelta(days=10))
    assert queries.statistik(cast.kim, org.n1, r.rapporterad.year)["dagar_till_bedomning"] == 10.0


def test_my_tasks_show_due_assessment_for_investigators_and_actions_for_owner(cast, org):
    rapport = services.rapport_lamna(rapport=RapportFactory.build(enhet=org.e1), av=cast.pia)
    uppgifter = [u for u in mina_uppgifter(cast.kim) if u.kalla == "lexsarah"]
    assert len(uppgifter) == 1 and uppgifter[0].forfaller == rapport.bedomning_senast
    assert [u for u in mina_uppgifter(cast.pia) if u.kalla == "lexsarah"] == []
    assert [u for u in mina_uppgifter(cast.sofia) if u.kalla == "lexsarah"] == []
    AtgardFactory(rapport=rapport, ansvarig=cast.erik, klar_senast=datetime.date(2026, 1, 1))
    assert [u.forfaller for u in mina_uppgifter(cast.erik) if u.kalla == "lexsarah"] == [
        datetime.date(2026, 1, 1)
    ]
    services.markera_allvarligt_preliminart(rapport=rapport, av=cast.kim, motivering="Fraktur.")
    assert "anmäl till IVO" in [u for u in mina_uppgifter(cast.kim) if u.kalla == "lexsarah"][0].rubrik
    rapport.refresh_from_db()
    assert rapport.status == Status.UTREDNING


def test_register_export_has_the_register_columns_and_no_personal_data(cast, org, brukare, logga_in):
    import io

    from django.urls import reverse
    from openpyxl import load_workbook

    r = RapportFactory(enhet=org.e1, rapporterad_av=cast.pia, brukare=brukare.b1, beskrivning="Greta föll")
    r4 = RapportFactory(enhet=org.e4, rapporterad_av=cast.hugo)
    svar = logga_in(cast.lars).get(reverse("lexsarah:register_export") + f"?ar={r.rapporterad.year}")
    assert svar.status_code == 200
    rader = list(load_workbook(io.BytesIO(svar.content)).active.values)
    assert rader[0][:3] == ("Referensnummer", "Verksamhet", "Händelse")
    assert {rad[0] for rad in rader[1:]} == {r.referensnummer, r4.referensnummer}  # ledning: hela kommunen
    assert "Greta" not in str(rader) and "pia" not in str(rader)
    assert logga_in(cast.pia).get(reverse("lexsarah:register_export")).status_code == 403
