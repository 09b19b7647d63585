"""Avvikelser och klagomål i API:t: samma urval som i webben, och åtkomsten loggas."""

import datetime

import pytest

from kvalitet.models import Atkomstlogg
from tests.avvikelser.factories import AvvikelseFactory, KlagomalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def avv(org, cast, brukare):
    return {
        "e1": AvvikelseFactory(
            enhet=org.e1, brukare=brukare.b1, rapporterad_av=cast.pia, konsekvens=3, sannolikhet=4
        ),
        "e3": AvvikelseFactory(enhet=org.e3, brukare=brukare.b3, rapporterad_av=cast.elsa),
        "e4": AvvikelseFactory(enhet=org.e4, rapporterad_av=cast.hugo),
        "e1_annan": AvvikelseFactory(enhet=org.e1, rapporterad_av=cast.erik, status="avslutad"),
    }


def _ids(svar):
    assert svar.status_code == 200, svar.content
    return {r["id"] for r in svar.json()["results"]}


@pytest.mark.parametrize(
    ("vem", "synliga"),
    [
        ("pia", {"e1"}),
        ("erik", {"e1", "e1_annan"}),
        ("elsa", {"e3"}),
        ("vera", {"e1", "e1_annan"}),
        ("kim", {"e1", "e3", "e1_annan"}),
        ("sofia", {"e4"}),
        ("hanna", set()),
        ("lars", set()),
        ("ada", set()),
    ],
)
def test_each_role_sees_exactly_its_avvikelser(api, cast, avv, vem, synliga):
    assert _ids(api(getattr(cast, vem)).get("/api/v1/avvikelser/")) == {avv[n].pk for n in synliga}


def test_avvikelse_detail_outside_scope_is_404_and_view_is_logged(api, cast, avv, brukare):
    assert api(cast.elsa).get(f"/api/v1/avvikelser/{avv['e1'].pk}/").status_code == 404
    svar = api(cast.erik).get(f"/api/v1/avvikelser/{avv['e1'].pk}/")
    assert svar.status_code == 200
    data = svar.json()
    assert data["riskvarde"] == 12 and data["riskniva"]
    assert "rapporterad_av" not in data
    assert Atkomstlogg.objects.filter(anvandare=cast.erik, brukare=brukare.b1).exists()


def test_avvikelse_filters(api, cast, avv, org):
    klient = api(cast.kim)
    assert _ids(klient.get(f"/api/v1/avvikelser/?nod={org.a1.pk}")) == {avv["e1"].pk, avv["e1_annan"].pk}
    assert _ids(klient.get("/api/v1/avvikelser/?status=avslutad")) == {avv["e1_annan"].pk}
    idag = datetime.date.today()
    assert _ids(klient.get(f"/api/v1/avvikelser/?fran={idag + datetime.timedelta(days=2)}")) == set()
    assert klient.get("/api/v1/avvikelser/?status=nej").status_code == 400
    assert klient.get("/api/v1/avvikelser/?kategori=x").status_code == 400


def test_klagomal_scoped(api, cast, org):
    k1 = KlagomalFactory(enhet=org.e1)
    k4 = KlagomalFactory(enhet=org.e4)
    assert _ids(api(cast.erik).get("/api/v1/klagomal/")) == {k1.pk}
    assert _ids(api(cast.sofia).get("/api/v1/klagomal/")) == {k4.pk}
    assert _ids(api(cast.lars).get("/api/v1/klagomal/")) == set()


def test_avvikelse_list_query_count(api, cast, avv, django_assert_max_num_queries):
    klient = api(cast.kim)
    with django_assert_max_num_queries(10):
        klient.get("/api/v1/avvikelser/")


def test_api_writes_avvikelser_only_by_post(api, cast, avv):
    # POST rapporterar (se test_historik.py); ändra eller radera går inte via API:t.
    klient = api(cast.erik)
    antal = len(avv)
    assert klient.post("/api/v1/avvikelser/", {}, format="json").status_code == 400
    for metod in (klient.put, klient.patch, klient.delete):
        assert metod(f"/api/v1/avvikelser/{avv['e1'].pk}/", {}, format="json").status_code == 405
    from avvikelser.models import Avvikelse

    assert Avvikelse.objects.count() == antal
