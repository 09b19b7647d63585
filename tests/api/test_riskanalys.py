"""Riskanalyser i API:t: varje roll ser sin del; den ansvariga för en åtgärd ser bara sina åtgärder."""

import pytest

from kvalitet.models import Atkomstlogg
from tests.api.factories import token_klient
from tests.riskanalys.factories import AtgardFactory, MallRiskFactory, RiskanalysFactory, RiskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyser(org, cast, brukare):
    e1 = RiskanalysFactory(nod=org.e1, skapad_av=cast.erik, titel="Sommarstängning E1")
    e1.brukare.add(brukare.b1, brukare.b4)
    risk = RiskFactory(analys=e1, konsekvens=4, sannolikhet=4, konsekvens_efter=2, sannolikhet_efter=2)
    pias = AtgardFactory(risk=risk, ansvarig=cast.pia, text="Pias åtgärd")
    eriks = AtgardFactory(risk=risk, ansvarig=cast.erik, text="Eriks åtgärd")
    return {
        "e1": e1,
        "a2": RiskanalysFactory(nod=org.a2, skapad_av=cast.kim, status="faststalld"),
        "n2": RiskanalysFactory(nod=org.n2, skapad_av=cast.sofia),
        "pias": pias,
        "eriks": eriks,
    }


def _ids(svar):
    assert svar.status_code == 200, svar.content
    return {r["id"] for r in svar.json()["results"]}


@pytest.mark.parametrize(
    ("vem", "synliga"),
    [
        ("pia", {"e1"}),  # ansvarig för en åtgärd i analysen
        ("erik", {"e1"}),
        ("elsa", set()),  # analysen på området ovanför hennes enhet är inte hennes
        ("vera", {"e1"}),
        ("kim", {"e1", "a2"}),
        ("sofia", {"n2"}),
        ("hanna", set()),
        ("lars", set()),
        ("ada", set()),
    ],
)
def test_each_role_sees_exactly_its_riskanalyser(cast, analyser, vem, synliga):
    svar = token_klient(getattr(cast, vem)).get("/api/v1/riskanalyser/")
    assert _ids(svar) == {analyser[n].pk for n in synliga}


def test_responsible_staff_sees_only_own_actions_and_no_unseen_individuals(cast, analyser, brukare):
    data = token_klient(cast.pia).get(f"/api/v1/riskanalyser/{analyser['e1'].pk}/").json()
    assert [a["text"] for a in data["risker"][0]["atgarder"]] == ["Pias åtgärd"]
    assert brukare.b4.pk not in data["brukare"]
    assert _ids(token_klient(cast.pia).get("/api/v1/riskanalys-atgarder/")) == {analyser["pias"].pk}


def test_riskanalys_detail_has_risk_values_and_logs_individuals(cast, analyser, brukare):
    svar = token_klient(cast.erik).get(f"/api/v1/riskanalyser/{analyser['e1'].pk}/")
    assert svar.status_code == 200
    risk = svar.json()["risker"][0]
    assert (risk["riskvarde"], risk["riskniva"], risk["riskvarde_efter"]) == (16, "mycket_hog", 4)
    assert {a["text"] for a in risk["atgarder"]} == {"Pias åtgärd", "Eriks åtgärd"}
    assert svar.json()["brukare"] == [brukare.b1.pk]  # b4 (N2) är inte Eriks
    assert Atkomstlogg.objects.filter(anvandare=cast.erik, brukare=brukare.b1).exists()
    assert token_klient(cast.sofia).get(f"/api/v1/riskanalyser/{analyser['e1'].pk}/").status_code == 404


def test_riskanalys_filters(cast, analyser, org):
    klient = token_klient(cast.kim)
    assert _ids(klient.get("/api/v1/riskanalyser/?status=faststalld")) == {analyser["a2"].pk}
    assert _ids(klient.get(f"/api/v1/riskanalyser/?nod={org.a1.pk}")) == {analyser["e1"].pk}
    assert _ids(klient.get("/api/v1/riskanalyser/?fran=2027-01-01")) == set()
    assert klient.get("/api/v1/riskanalyser/?fran=igår").status_code == 400
    assert klient.get("/api/v1/riskanalyser/?status=klar").status_code == 400


def test_templates_only_for_managers_and_coordinators(cast, org):
    mall = MallRiskFactory(mall__nod=org.n1, mall__skapad_av=cast.kim).mall
    data = token_klient(cast.sofia).get("/api/v1/riskanalysmallar/").json()["results"]
    assert [m["id"] for m in data] == [mall.pk]  # mallarna delas i hela kommunen
    assert len(data[0]["risker"]) == 1
    for vem in ("pia", "hanna", "lars", "ada"):
        assert _ids(token_klient(getattr(cast, vem)).get("/api/v1/riskanalysmallar/")) == set()


def test_riskanalys_list_query_count(cast, analyser, django_assert_max_num_queries):
    klient = token_klient(cast.kim)
    with django_assert_max_num_queries(14):
        assert klient.get("/api/v1/riskanalyser/").status_code == 200


def test_statistics_counts_for_management_without_personal_data(cast, analyser, org):
    data = token_klient(cast.lars).get("/api/v1/riskanalys-statistik/?ar=2026").json()
    assert data["antal"] == 3
    assert data["per_niva"] == {"enhet": 1, "verksamhetsomrade": 1, "namnd": 1}
    assert data["faststallda"] == 1
    assert (
        token_klient(cast.lars).get(f"/api/v1/riskanalys-statistik/?ar=2026&nod={org.n1.pk}").json()["antal"]
        == 2
    )
    assert token_klient(cast.erik).get("/api/v1/riskanalys-statistik/?ar=2026").json()["antal"] == 1
    assert token_klient(cast.hanna).get("/api/v1/riskanalys-statistik/?ar=2026").json()["antal"] == 0


@pytest.mark.parametrize("fraga", ["ar=abc", "ar=99999", "nod=0", "nod=999999", "nod=x"])
def test_statistics_rejects_bad_query_values(cast, fraga):
    assert token_klient(cast.lars).get(f"/api/v1/riskanalys-statistik/?{fraga}").status_code == 400
