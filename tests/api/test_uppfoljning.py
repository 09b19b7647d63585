"""Förändringar, uppföljningsärenden, kontakter och ej verkställda beslut i API:t: handläggare och
kvalitetssamordnare ser sin nämnds, chefer bara förändringarna vid sina enheter, ledning och admin inget."""

import datetime

import pytest

from kvalitet.models import Atkomstlogg, Insats, Insatstyp
from tests.api.factories import token_klient
from uppfoljning.models import EjVerkstalltBeslut, Forandring, Kontakt, Uppfoljningsarende

pytestmark = pytest.mark.django_db

DAG = datetime.date(2026, 2, 1)


@pytest.fixture
def data(org, cast, brukare):
    typ = Insatstyp.objects.order_by("pk").first() or Insats.objects.first().typ
    f1 = Forandring.objects.create(
        nod=org.n1,
        rubrik="Dagverksamheten stängs i juli",
        typ="installd",
        insatstyp=typ,
        giltig_fran=DAG,
        orsak="Renovering",
        beslutad_av="Nämnden",
        skapad_av=cast.kim,
    )
    f1.enheter.add(org.e1)
    f2 = Forandring.objects.create(
        nod=org.n2,
        rubrik="Larm blir digitala",
        typ="digital_form",
        insatstyp=typ,
        giltig_fran=DAG,
        orsak="Ny teknik",
        beslutad_av="Nämnden",
        skapad_av=cast.sofia,
    )
    a1 = Uppfoljningsarende.objects.create(
        forandring=f1, brukare=brukare.b1, namnd=org.n1, nod=org.e1, handlaggare=cast.hanna
    )
    a3 = Uppfoljningsarende.objects.create(forandring=f1, brukare=brukare.b3, namnd=org.n1, nod=org.e3)
    a4 = Uppfoljningsarende.objects.create(
        forandring=f2, brukare=brukare.b4, namnd=org.n2, nod=org.e4, handlaggare=cast.hugo
    )
    k1 = Kontakt.objects.create(
        arende=a1, datum=DAG, kanal="telefon", med_vem="enskild", gjord_av=cast.hanna, vad_sades="Orolig"
    )

    def beslut(b, namnd):
        insats = Insats.objects.filter(brukare=b).first()
        return EjVerkstalltBeslut.objects.create(
            insats=insats, fran=DAG, brukare=b, namnd=namnd, lag=insats.lag, pseudonym="19000101-0000"
        )

    return {
        "f1": f1,
        "f2": f2,
        "a1": a1,
        "a3": a3,
        "a4": a4,
        "k1": k1,
        "b1": beslut(brukare.b1, org.n1),
        "b4": beslut(brukare.b4, org.n2),
    }


def _ids(svar):
    assert svar.status_code == 200, svar.content
    return {r["id"] for r in svar.json()["results"]}


@pytest.mark.parametrize(
    ("vem", "forandringar", "arenden", "beslut"),
    [
        ("pia", set(), set(), set()),
        ("erik", {"f1"}, set(), set()),  # chefen ser förändringen vid sin enhet, inte de enskilda
        ("elsa", set(), set(), set()),
        ("vera", {"f1"}, set(), set()),
        ("hanna", {"f1"}, {"a1", "a3"}, {"b1"}),
        ("hugo", {"f2"}, {"a4"}, {"b4"}),
        ("kim", {"f1"}, {"a1", "a3"}, {"b1"}),
        ("sofia", {"f2"}, {"a4"}, {"b4"}),
        ("lars", set(), set(), set()),
        ("ada", set(), set(), set()),
    ],
)
def test_each_role_sees_exactly_its_part_of_follow_up(cast, data, vem, forandringar, arenden, beslut):
    klient = token_klient(getattr(cast, vem))
    assert _ids(klient.get("/api/v1/forandringar/")) == {data[n].pk for n in forandringar}
    assert _ids(klient.get("/api/v1/uppfoljningsarenden/")) == {data[n].pk for n in arenden}
    assert _ids(klient.get("/api/v1/ej-verkstallda-beslut/")) == {data[n].pk for n in beslut}


def test_case_detail_has_contacts_and_missing_steps_and_is_logged(cast, data, brukare):
    svar = token_klient(cast.hanna).get(f"/api/v1/uppfoljningsarenden/{data['a1'].pk}/")
    assert svar.status_code == 200
    arende = svar.json()
    assert [k["vad_sades"] for k in arende["kontakter"]] == ["Orolig"]
    assert arende["saknas"][0] == "kontakt"
    assert Atkomstlogg.objects.filter(anvandare=cast.hanna, brukare=brukare.b1).exists()
    assert token_klient(cast.hugo).get(f"/api/v1/uppfoljningsarenden/{data['a1'].pk}/").status_code == 404


def test_contacts_are_scoped_and_logged(cast, data, brukare):
    assert _ids(token_klient(cast.kim).get("/api/v1/uppfoljningskontakter/")) == {data["k1"].pk}
    assert Atkomstlogg.objects.filter(anvandare=cast.kim, brukare=brukare.b1).exists()
    assert _ids(token_klient(cast.erik).get("/api/v1/uppfoljningskontakter/")) == set()
    assert _ids(token_klient(cast.sofia).get("/api/v1/uppfoljningskontakter/")) == set()


def test_follow_up_filters(cast, data, org):
    klient = token_klient(cast.kim)
    assert _ids(klient.get(f"/api/v1/uppfoljningsarenden/?nod={org.a2.pk}")) == {data["a3"].pk}
    assert _ids(klient.get(f"/api/v1/uppfoljningsarenden/?handlaggare={cast.hanna.pk}")) == {data["a1"].pk}
    assert _ids(klient.get("/api/v1/ej-verkstallda-beslut/?oppna=true")) == {data["b1"].pk}
    assert _ids(klient.get("/api/v1/ej-verkstallda-beslut/?oppna=false")) == set()
    assert _ids(klient.get("/api/v1/forandringar/?typ=digital_form")) == set()
    assert klient.get("/api/v1/forandringar/?typ=ingen").status_code == 400
    assert klient.get("/api/v1/uppfoljningsarenden/?fran=31-12-2026").status_code == 400


def test_follow_up_is_read_only(cast, data):
    klient = token_klient(cast.hanna)
    assert klient.post("/api/v1/uppfoljningsarenden/", {}, format="json").status_code == 405
    assert klient.patch(f"/api/v1/uppfoljningsarenden/{data['a1'].pk}/", {}, format="json").status_code == 405


def test_case_list_query_count(cast, data, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert token_klient(cast.kim).get("/api/v1/uppfoljningsarenden/").status_code == 200


def test_coverage_counts_for_management_without_personal_data(cast, data, org):
    svar = token_klient(cast.lars).get("/api/v1/uppfoljning-tackning/")
    assert svar.status_code == 200
    siffror = svar.json()
    assert (siffror["forandringar"], siffror["berorda"]) == (2, 3)
    assert "brukare" not in siffror
    n1 = token_klient(cast.lars).get(f"/api/v1/uppfoljning-tackning/?nod={org.n1.pk}").json()
    assert (n1["forandringar"], n1["berorda"]) == (1, 2)
    assert token_klient(cast.hugo).get("/api/v1/uppfoljning-tackning/").json()["berorda"] == 1
    assert token_klient(cast.erik).get("/api/v1/uppfoljning-tackning/").json()["berorda"] == 0


@pytest.mark.parametrize("fraga", ["nod=0", "nod=999999", "fran=igår", "fran=2026-05-01&till=2026-01-01"])
def test_coverage_rejects_bad_query_values(cast, fraga):
    assert token_klient(cast.lars).get(f"/api/v1/uppfoljning-tackning/?{fraga}").status_code == 400
