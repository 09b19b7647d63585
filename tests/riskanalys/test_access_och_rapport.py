import datetime

import pytest

from kvalitet import access
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
    pia = queries.mina_uppgifter(cast.pia)
    assert [u.rubrik for u in pia] == ["Genomför åtgärd: Ny rutin"]
    erik = queries.mina_uppgifter(cast.erik)
    assert [u.forfaller for u in erik] == [analys.uppfoljning_senast]
    assert queries.mina_uppgifter(cast.elsa) == []
