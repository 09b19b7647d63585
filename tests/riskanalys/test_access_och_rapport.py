import datetime

import pytest
from django.urls import reverse

from kvalitet import access
from kvalitet.uppgifter import mina_uppgifter
from riskanalys import queries, services
from riskanalys.models import AnalysStatus, Mall, Riskanalys
from tests.riskanalys.factories import MallFactory, RiskanalysFactory, RiskFactory


@pytest.fixture
def analyser(org, cast):
    return {
        "e1": RiskanalysFactory(nod=org.e1, skapad_av=cast.erik),
        "e3": RiskanalysFactory(nod=org.e3, skapad_av=cast.elsa),
        "a1": RiskanalysFactory(nod=org.a1, skapad_av=cast.vera),
        "n1": RiskanalysFactory(nod=org.n1, skapad_av=cast.kim),
        "e4": RiskanalysFactory(nod=org.e4, skapad_av=cast.sofia),
    }


def _synliga(user, atgard=access.LASA):
    return set(access.scope(user, Riskanalys, atgard).values_list("titel", flat=True))


@pytest.mark.parametrize(
    ("person", "ser"),
    [
        ("erik", {"e1"}),
        ("elsa", {"e3"}),
        ("vera", {"e1", "a1"}),
        ("kim", {"e1", "e3", "a1", "n1"}),
        ("sofia", {"e4"}),
        ("pia", set()),
        ("hanna", set()),
        ("lars", set()),
        ("ada", set()),
        ("utan", set()),
    ],
)
def test_each_role_sees_exactly_analyses_at_or_below_its_level(cast, analyser, person, ser):
    assert _synliga(getattr(cast, person)) == {analyser[k].titel for k in ser}


def test_management_only_counts_and_never_reads(cast, analyser):
    assert _synliga(cast.lars) == set()
    assert len(_synliga(cast.lars, access.RISKANALYS_STATISTIK)) == 5


def test_unit_manager_cannot_see_risks_of_other_units(cast, analyser):
    RiskFactory(analys=analyser["e1"])
    RiskFactory(analys=analyser["e3"])
    assert {r.analys_id for r in queries.alla_risker(cast.elsa)} == {analyser["e3"].pk}


def test_templates_are_shared_across_committees_but_changed_only_by_owner_or_coordinator(org, cast):
    mall = MallFactory(nod=org.n2, skapad_av=cast.sofia)
    assert list(access.scope(cast.erik, Mall)) == [mall]
    assert list(access.scope(cast.kim, Mall)) == [mall]
    assert list(access.scope(cast.pia, Mall)) == []
    assert list(access.scope(cast.erik, Mall, access.ANDRA)) == []
    assert list(access.scope(cast.kim, Mall, access.ANDRA)) == []
    assert list(access.scope(cast.sofia, Mall, access.ANDRA)) == [mall]


def test_valbara_are_latest_versions_the_user_may_change(org, cast):
    gammal = RiskanalysFactory(nod=org.e1)
    RiskFactory(analys=gammal)
    services.analys_faststall(analys=gammal, av=cast.erik)
    ny = services.analys_ny_version(analys=gammal, av=cast.erik)
    RiskanalysFactory(nod=org.e3)
    assert list(queries.valbara(cast.erik)) == [ny]


def test_annual_counts_equal_independent_count(org, cast):
    d = datetime.date
    skapa = [
        (org.e1, d(2025, 2, 1), AnalysStatus.UTKAST),
        (org.e2, d(2025, 3, 1), AnalysStatus.FASTSTALLD),
        (org.e3, d(2025, 12, 31), AnalysStatus.UPPFOLJD),
        (org.a1, d(2025, 6, 1), AnalysStatus.UPPFOLJD),
        (org.n1, d(2025, 1, 1), AnalysStatus.FASTSTALLD),
        (org.e1, d(2024, 12, 31), AnalysStatus.UPPFOLJD),  # fel år
        (org.e4, d(2025, 5, 1), AnalysStatus.UPPFOLJD),  # annan nämnd
    ]
    for nod, datum, status in skapa:
        RiskanalysFactory(nod=nod, datum=datum, status=status)
    # En ersatt version räknas inte.
    RiskanalysFactory(nod=org.e2, datum=d(2025, 4, 1), status=AnalysStatus.FASTSTALLD, aktuell=False)

    resultat = queries.arssammanstallning(cast.kim, org.n1, 2025)

    inom = [(n, dt, s) for n, dt, s in skapa if dt.year == 2025 and n.sokvag.startswith(org.n1.sokvag)]
    assert resultat == {
        "antal": len(inom),
        "per_niva": {
            "enhet": sum(n.typ == "enhet" for n, _, _ in inom),
            "verksamhetsomrade": sum(n.typ == "verksamhetsomrade" for n, _, _ in inom),
            "namnd": sum(n.typ == "namnd" for n, _, _ in inom),
        },
        "faststallda": sum(s != AnalysStatus.UTKAST for _, _, s in inom),
        "uppfoljda": sum(s == AnalysStatus.UPPFOLJD for _, _, s in inom),
    }
    assert resultat["antal"] == 5
    assert queries.arssammanstallning(cast.lars, org.n1, 2025)["antal"] == 5
    assert queries.arssammanstallning(cast.erik, org.n1, 2025)["antal"] == 1
    assert queries.arssammanstallning(cast.pia, org.n1, 2025)["antal"] == 0


def test_my_tasks_list_overdue_actions_and_analyses_due_for_follow_up(org, cast):
    from tests.riskanalys.factories import AtgardFactory

    idag = datetime.date.today()
    analys = RiskanalysFactory(nod=org.e1, uppfoljning_senast=idag + datetime.timedelta(days=3))
    AtgardFactory(risk=RiskFactory(analys=analys), ansvarig=cast.pia, klar_senast=idag, text="Ny rutin")
    services.analys_faststall(analys=analys, av=cast.erik)
    RiskanalysFactory(
        nod=org.e1, uppfoljning_senast=idag + datetime.timedelta(days=60), status=AnalysStatus.FASTSTALLD
    )
    # Åtgärderna kommer ur åtgärdsregistret (kvalitet.uppgifter), analyserna ur riskanalys.queries.
    pia = [u for u in mina_uppgifter(cast.pia) if u.kalla == "riskanalys"]
    assert [u.rubrik for u in pia] == ["Genomför åtgärd: Ny rutin"]
    erik = [u for u in mina_uppgifter(cast.erik) if u.kalla == "riskanalys"]
    assert [u.forfaller for u in erik] == [analys.uppfoljning_senast]
    assert [u for u in mina_uppgifter(cast.elsa) if u.kalla == "riskanalys"] == []


def test_unowned_action_shows_in_my_tasks_for_the_one_who_approved(org, cast):
    from tests.riskanalys.factories import AtgardFactory

    analys = RiskanalysFactory(nod=org.e1)
    atgard = AtgardFactory(
        risk=RiskFactory(analys=analys),
        klar_senast=datetime.date(2026, 1, 1),
        text="Utan ägare",
        ansvarig=cast.erik,
    )
    services.analys_faststall(analys=analys, av=cast.vera)
    # En äldre fastställd analys (före kravet på ansvarig, issue 18) kan ha en åtgärd utan ägare.
    type(atgard).objects.filter(pk=atgard.pk).update(ansvarig=None)
    assert [u.rubrik for u in mina_uppgifter(cast.vera) if u.kalla == "riskanalys"] == [
        "Genomför åtgärd: Utan ägare"
    ]
    assert [u for u in mina_uppgifter(cast.erik) if u.kalla == "riskanalys"] == []


def test_all_risks_are_sorted_by_value_and_the_matrix_counts_each_cell(org, cast):
    analys = RiskanalysFactory(nod=org.e1)
    for k, s, ke, se in [(2, 2, None, None), (4, 4, 2, 1), (3, 1, None, None), (4, 4, 1, 1), (1, 2, 1, 1)]:
        RiskFactory(analys=analys, konsekvens=k, sannolikhet=s, konsekvens_efter=ke, sannolikhet_efter=se)
    riskerna = list(queries.alla_risker(cast.erik))
    assert [r.riskvarde for r in riskerna] == [16, 16, 4, 3, 2]
    assert [r.riskvarde for r in queries.alla_risker(cast.erik, niva="mycket_hog")] == [16, 16]

    m = queries.matris(riskerna)

    def celler(rader):
        return {(c["k"], c["s"]): c["antal"] for rad in rader for c in rad["celler"] if c["antal"]}

    assert celler(m["fore"]) == {(4, 4): 2, (2, 2): 1, (3, 1): 1, (1, 2): 1}
    assert celler(m["efter"]) == {(2, 1): 1, (1, 1): 2}
    assert [rad["konsekvens"] for rad in m["fore"]] == [4, 3, 2, 1]
    assert m["fore"][0]["celler"][3]["niva"].kod == "mycket_hog"
    # Samma matris när urvalet räknas i SQL (risklistan skickar sitt QuerySet).
    sql = queries.matris(queries.alla_risker(cast.erik))
    assert celler(sql["fore"]) == celler(m["fore"]) and celler(sql["efter"]) == celler(m["efter"])


def test_risk_list_matrix_counts_every_risk_in_scope_not_a_sample(org, cast, logga_in):
    from riskanalys.models import Risk

    analys = RiskanalysFactory(nod=org.e1)
    Risk.objects.bulk_create(
        [Risk(analys=analys, beskrivning=f"Risk {i}", konsekvens=3, sannolikhet=2) for i in range(2_100)]
    )
    RiskFactory(analys=RiskanalysFactory(nod=org.e4), konsekvens=3, sannolikhet=2)  # annan nämnd
    antal = Risk.objects.filter(analys=analys).count()
    assert antal == 2_100
    svar = logga_in(cast.erik).get(reverse("riskanalys:risker"))
    cell = next(
        c for rad in svar.context["matris"]["fore"] for c in rad["celler"] if (c["k"], c["s"]) == (3, 2)
    )
    assert cell["antal"] == antal
