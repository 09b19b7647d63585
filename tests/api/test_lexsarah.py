"""Lex Sarah i API:t: chefer och kvalitetssamordnare läser sina noders ärenden, ingen annan; rapportören
lämnas aldrig ut och åtkomsten loggas."""

import pytest

from kvalitet.models import Atkomstlogg
from tests.api.factories import token_klient
from tests.lexsarah.factories import AtgardFactory, RapportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rapporter(org, cast, brukare):
    r1 = RapportFactory(
        enhet=org.e1, brukare=brukare.b1, rapporterad_av=cast.pia, konsekvens=4, sannolikhet=3
    )
    AtgardFactory(rapport=r1)
    return {
        "e1": r1,
        "e3": RapportFactory(enhet=org.e3, rapporterad_av=cast.elsa, status="utredning"),
        "e4": RapportFactory(enhet=org.e4, brukare=brukare.b4, rapporterad_av=cast.hugo),
    }


def _ids(svar):
    assert svar.status_code == 200, svar.content
    return {r["id"] for r in svar.json()["results"]}


@pytest.mark.parametrize(
    ("vem", "synliga"),
    [
        ("pia", set()),  # rapportören följer sin rapport i webben, innehållet är utredarnas
        ("erik", {"e1"}),
        ("elsa", {"e3"}),
        ("vera", {"e1"}),
        ("kim", {"e1", "e3"}),
        ("sofia", {"e4"}),
        ("hanna", set()),
        ("lars", set()),
        ("ada", set()),
    ],
)
def test_each_role_sees_exactly_its_lexsarah_reports(cast, rapporter, vem, synliga):
    svar = token_klient(getattr(cast, vem)).get("/api/v1/lexsarah/")
    assert _ids(svar) == {rapporter[n].pk for n in synliga}


def test_lexsarah_detail_hides_reporter_and_is_logged(cast, rapporter, brukare):
    r1 = rapporter["e1"]
    assert token_klient(cast.sofia).get(f"/api/v1/lexsarah/{r1.pk}/").status_code == 404
    svar = token_klient(cast.kim).get(f"/api/v1/lexsarah/{r1.pk}/")
    assert svar.status_code == 200
    data = svar.json()
    assert "rapporterad_av" not in data
    assert data["riskvarde"] == 12
    assert [a["text"] for a in data["atgarder"]] == ["Ny rutin för nattillsyn"]
    assert Atkomstlogg.objects.filter(anvandare=cast.kim, brukare=brukare.b1).exists()


def test_lexsarah_filters_and_bad_values(cast, rapporter, org):
    klient = token_klient(cast.kim)
    assert _ids(klient.get("/api/v1/lexsarah/?status=utredning")) == {rapporter["e3"].pk}
    assert _ids(klient.get(f"/api/v1/lexsarah/?nod={org.a1.pk}")) == {rapporter["e1"].pk}
    assert klient.get("/api/v1/lexsarah/?status=hittepa").status_code == 400
    assert klient.get("/api/v1/lexsarah/?nod=abc").status_code == 400


def test_lexsarah_actions_are_scoped_like_reports(cast, rapporter):
    assert len(_ids(token_klient(cast.erik).get("/api/v1/lexsarah-atgarder/"))) == 1
    assert _ids(token_klient(cast.sofia).get("/api/v1/lexsarah-atgarder/")) == set()
    assert _ids(token_klient(cast.pia).get("/api/v1/lexsarah-atgarder/")) == set()


def test_lexsarah_is_read_only(cast, rapporter):
    klient = token_klient(cast.kim)
    assert klient.post("/api/v1/lexsarah/", {}, format="json").status_code == 405
    assert klient.delete(f"/api/v1/lexsarah/{rapporter['e1'].pk}/").status_code == 405


def test_lexsarah_list_query_count(cast, rapporter, django_assert_max_num_queries):
    klient = token_klient(cast.kim)
    with django_assert_max_num_queries(12):
        assert klient.get("/api/v1/lexsarah/").status_code == 200


def test_register_gives_management_counts_without_personal_data(cast, rapporter, org):
    ar = rapporter["e1"].rapporterad.year
    data = token_klient(cast.lars).get(f"/api/v1/lexsarah-register/?ar={ar}").json()
    assert data["antal"] == 3
    assert {r["referensnummer"] for r in data["rader"]} == {r.referensnummer for r in rapporter.values()}
    assert "beskrivning" not in data["rader"][0] and "brukare" not in data["rader"][0]
    n1 = token_klient(cast.lars).get(f"/api/v1/lexsarah-register/?ar={ar}&nod={org.n1.pk}").json()
    assert n1["antal"] == 2
    assert token_klient(cast.erik).get(f"/api/v1/lexsarah-register/?ar={ar}").json()["antal"] == 1
    assert token_klient(cast.hanna).get(f"/api/v1/lexsarah-register/?ar={ar}").json()["antal"] == 0


@pytest.mark.parametrize("fraga", ["ar=abc", "ar=1700", "nod=0", "nod=999999", "nod=x"])
def test_register_rejects_bad_query_values(cast, fraga):
    svar = token_klient(cast.lars).get(f"/api/v1/lexsarah-register/?{fraga}")
    assert svar.status_code == 400


def test_reporter_follows_own_reports_status_only(cast, rapporter):
    data = token_klient(cast.pia).get("/api/v1/lexsarah/mina/").json()
    assert data == [
        {
            "id": rapporter["e1"].pk,
            "referensnummer": rapporter["e1"].referensnummer,
            "status": "rapport",
            "rapporterad": data[0]["rapporterad"],
        }
    ]
    assert token_klient(cast.kim).get("/api/v1/lexsarah/mina/").json() == []
