"""Mål, målindikatorer och värden, kontrollplaner och förbättringsplan i API:t: chefer och samordnare
läser sina noders och nodernas ovanför; övriga ingenting."""

import pytest

from tests.api.factories import token_klient
from tests.rapporter.factories import (
    ForbattringsatgardFactory,
    IndikatorvardeFactory,
    KontrollpunktFactory,
    MalFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mal(org):
    n1 = MalFactory(nod=org.n1, ar=2024, rubrik="Nöjda brukare")
    IndikatorvardeFactory(indikator__mal=n1, indikator__namn="Andel nöjda", ar=2024, varde=88)
    return {"n1": n1, "e1": MalFactory(nod=org.e1, ar=2025), "n2": MalFactory(nod=org.n2, ar=2024)}


def _ids(svar):
    assert svar.status_code == 200, svar.content
    return {r["id"] for r in svar.json()["results"]}


@pytest.mark.parametrize(
    ("vem", "synliga"),
    [
        ("pia", set()),
        ("erik", {"n1", "e1"}),  # nämndens mål gäller också enheten
        ("elsa", {"n1"}),
        ("kim", {"n1", "e1"}),
        ("sofia", {"n2"}),
        ("hanna", set()),
        ("lars", set()),
        ("ada", set()),
    ],
)
def test_each_role_sees_exactly_its_goals(cast, mal, vem, synliga):
    assert _ids(token_klient(getattr(cast, vem)).get("/api/v1/mal/")) == {mal[n].pk for n in synliga}


def test_goal_has_indicators_with_values_per_year(cast, mal):
    data = token_klient(cast.kim).get(f"/api/v1/mal/{mal['n1'].pk}/").json()
    indikator = data["indikatorer"][0]
    assert indikator["namn"] == "Andel nöjda"
    assert indikator["varden"] == [{"ar": 2024, "varde": "88.00", "kalla": "manuell", "version": 0}]
    assert token_klient(cast.sofia).get(f"/api/v1/mal/{mal['n1'].pk}/").status_code == 404


def test_goal_filters(cast, mal, org):
    klient = token_klient(cast.kim)
    assert _ids(klient.get("/api/v1/mal/?ar=2025")) == {mal["e1"].pk}
    assert _ids(klient.get(f"/api/v1/mal/?nod={org.a1.pk}")) == {mal["e1"].pk}
    assert klient.get("/api/v1/mal/?ar=tjugo").status_code == 400


def test_control_plans_and_improvement_plan_are_scoped(cast, org):
    punkt = KontrollpunktFactory(plan__nod=org.n1)
    atgard = ForbattringsatgardFactory(nod=org.n2)
    data = token_klient(cast.erik).get("/api/v1/kontrollplaner/").json()["results"]
    assert [p["id"] for p in data] == [punkt.plan_id]
    assert data[0]["kontrollpunkter"][0]["aktivitet"] == punkt.aktivitet
    assert _ids(token_klient(cast.sofia).get("/api/v1/kontrollplaner/")) == set()
    assert _ids(token_klient(cast.sofia).get("/api/v1/forbattringsatgarder/")) == {atgard.pk}
    assert _ids(token_klient(cast.kim).get("/api/v1/forbattringsatgarder/")) == set()


def test_goal_list_query_count_does_not_grow_with_rows(cast, mal, org, django_assert_max_num_queries):
    for _ in range(5):
        IndikatorvardeFactory(indikator__mal=MalFactory(nod=org.n1))
    with django_assert_max_num_queries(12):
        assert token_klient(cast.kim).get("/api/v1/mal/").status_code == 200


def test_indicators_list_is_scoped(cast, mal):
    indikator = mal["n1"].indikatorer.get()
    assert _ids(token_klient(cast.erik).get("/api/v1/malindikatorer/")) == {indikator.pk}
    assert _ids(token_klient(cast.sofia).get("/api/v1/malindikatorer/")) == set()


def test_coordinator_enters_historical_indicator_values(cast, mal):
    indikator = mal["n1"].indikatorer.get()
    klient = token_klient(cast.kim)
    svar = klient.post(
        f"/api/v1/malindikatorer/{indikator.pk}/varden/", {"ar": 2019, "varde": 81.5}, format="json"
    )
    assert svar.status_code == 201, svar.content
    assert svar.json() == {"ar": 2019, "varde": "81.50", "kalla": "manuell", "version": 0}
    # Samma år igen ersätter värdet, mot den version man läste (kvalitet.samtidighet).
    svar = klient.post(
        f"/api/v1/malindikatorer/{indikator.pk}/varden/",
        {"ar": 2019, "varde": "82,5", "version": 0},
        format="json",
    )
    assert svar.status_code == 201 and svar.json()["version"] == 1
    varden = {v.ar: str(v.varde) for v in indikator.varden.all()}
    assert varden == {2019: "82.50", 2024: "88.00"}
    assert indikator.varden.get(ar=2019).history.first().history_user == cast.kim


@pytest.mark.parametrize(
    ("data", "falt", "meddelande"),
    [
        ({"ar": 1999, "varde": 1}, "ar", "Ange ett år mellan 2000 och 2100."),
        ({"ar": "nu", "varde": 1}, "ar", "Ange året med fyra siffror."),
        ({"ar": 2020, "varde": "mycket"}, "varde", "Ange ett tal, t.ex. 87,5."),
    ],
)
def test_indicator_values_are_validated_like_the_form(cast, mal, data, falt, meddelande):
    indikator = mal["n1"].indikatorer.get()
    svar = token_klient(cast.kim).post(f"/api/v1/malindikatorer/{indikator.pk}/varden/", data, format="json")
    assert svar.status_code == 400
    assert meddelande in svar.json()[falt]
    assert indikator.varden.count() == 1


def test_only_the_coordinator_enters_indicator_values(cast, mal):
    indikator = mal["n1"].indikatorer.get()
    for vem in ("erik", "sofia", "lars"):
        svar = token_klient(getattr(cast, vem)).post(
            f"/api/v1/malindikatorer/{indikator.pk}/varden/", {"ar": 2020, "varde": 1}, format="json"
        )
        assert svar.status_code == 404
    assert indikator.varden.count() == 1
