"""Organisation, brukare och insatser: varje roll ser sin del, skrivningar valideras som formulären."""

import pytest

from kvalitet.models import Atkomstlogg, Brukare, Insats
from tests.factories import giltigt_personnummer, insatstyp

pytestmark = pytest.mark.django_db


def _ids(svar):
    assert svar.status_code == 200, svar.content
    return {r["id"] for r in svar.json()["results"]}


@pytest.mark.parametrize(
    ("vem", "synliga"),
    [
        ("hanna", {"b1", "b3", "skyddad", "skyddad_annan"}),
        ("hugo", {"b4"}),
        ("kim", {"b1", "b3", "skyddad", "skyddad_annan"}),
        ("sofia", {"b4"}),
        ("erik", {"b1", "skyddad", "skyddad_annan"}),
        ("elsa", {"b3"}),
        ("vera", {"b1", "skyddad", "skyddad_annan"}),
        ("pia", set()),
        ("lars", set()),
        ("ada", set()),
        ("utan", set()),
    ],
)
def test_each_role_sees_exactly_its_brukare(api, cast, brukare, vem, synliga):
    svar = api(getattr(cast, vem)).get("/api/v1/brukare/")
    assert _ids(svar) == {getattr(brukare, n).pk for n in synliga}


def test_protected_identity_is_masked_for_others(api, cast, brukare):
    rader = {r["id"]: r for r in api(cast.kim).get("/api/v1/brukare/").json()["results"]}
    assert rader[brukare.skyddad.pk]["namn"].startswith("Skyddad identitet")
    assert rader[brukare.skyddad.pk]["personnummer"] == "************"
    assert rader[brukare.b1.pk]["namn"] == "Greta Gran"
    egen = api(cast.hanna).get(f"/api/v1/brukare/{brukare.skyddad.pk}/").json()
    assert egen["namn"] == "Hemlig Person"


def test_other_councils_brukare_is_404(api, cast, brukare):
    assert api(cast.hanna).get(f"/api/v1/brukare/{brukare.b4.pk}/").status_code == 404
    assert api(cast.hanna).get("/api/v1/brukare/999999999/").status_code == 404


def test_listing_brukare_is_audit_logged(api, cast, brukare):
    api(cast.hugo).get("/api/v1/brukare/")
    logg = Atkomstlogg.objects.filter(anvandare=cast.hugo)
    assert set(logg.values_list("brukare_id", flat=True)) == {brukare.b4.pk}
    assert logg.first().sokvag.startswith("/api/v1/brukare/")


def test_insatser_scoped_per_role_and_logged(api, cast, brukare):
    elsa = _ids(api(cast.elsa).get("/api/v1/insatser/"))
    assert elsa == set(Insats.objects.filter(enhet__kod="E3").values_list("pk", flat=True))
    assert Atkomstlogg.objects.filter(anvandare=cast.elsa, brukare=brukare.b3).exists()
    assert _ids(api(cast.lars).get("/api/v1/insatser/")) == set()


def test_filters_and_bad_filter_values(api, cast, brukare, org):
    klient = api(cast.kim)
    assert _ids(klient.get(f"/api/v1/insatser/?nod={org.a2.pk}")) == set(
        Insats.objects.filter(enhet=org.e3).values_list("pk", flat=True)
    )
    assert _ids(klient.get(f"/api/v1/brukare/?enhet={org.e3.pk}")) == {brukare.b3.pk}
    for dalig in ("nod=abc", "nod=1.5", "fran=igar", "lag=XYZ", "sida=999"):
        svar = klient.get(f"/api/v1/insatser/?{dalig}")
        assert svar.status_code in (400, 404), dalig
    assert _ids(klient.get("/api/v1/insatser/?nod=99999999999")) == set()


def test_organisation_tree_is_readable_by_everyone(api, cast, org):
    svar = api(cast.pia).get("/api/v1/organisation/?typ=enhet")
    assert {r["kod"] for r in svar.json()["results"]} == {"E1", "E2", "E3", "E4"}


def test_list_query_count_is_constant(api, cast, brukare, django_assert_max_num_queries):
    klient = api(cast.kim)
    with django_assert_max_num_queries(10):
        klient.get("/api/v1/brukare/")
    with django_assert_max_num_queries(10):
        klient.get("/api/v1/insatser/")


# --- skrivningar ------------------------------------------------------------------------------------


def test_handlaggare_creates_brukare_with_history(api, cast, org):
    nummer = giltigt_personnummer()
    svar = api(cast.hanna).post(
        "/api/v1/brukare/",
        {
            "personnummer": nummer,
            "fornamn": "Ny",
            "efternamn": "Person",
            "namnd": org.n1.pk,
            "externt_id": "T-1",
        },
        format="json",
    )
    assert svar.status_code == 201, svar.content
    b = Brukare.objects.get(externt_id="T-1")
    assert b.personnummer == nummer and b.history.first().history_user == cast.hanna


def test_brukare_write_uses_the_forms_swedish_messages(api, cast, org, brukare):
    svar = api(cast.hanna).post(
        "/api/v1/brukare/",
        {"personnummer": "19500517-0000", "fornamn": "", "efternamn": "X", "namnd": org.n2.pk},
        format="json",
    )
    assert svar.status_code == 400
    fel = svar.json()
    assert "Kontrollsiffran stämmer inte" in fel["personnummer"][0]
    assert "namnd" in fel and "fornamn" in fel
    dubblett = api(cast.hanna).post(
        "/api/v1/brukare/",
        {"personnummer": brukare.b3.personnummer, "fornamn": "A", "efternamn": "B", "namnd": org.n1.pk},
        format="json",
    )
    assert dubblett.json()["personnummer"] == ["Det finns redan en brukare med det numret."]


def test_unit_manager_cannot_write_brukare(api, cast, brukare, org):
    klient = api(cast.erik)
    assert (
        klient.patch(f"/api/v1/brukare/{brukare.b1.pk}/", {"fornamn": "X"}, format="json").status_code == 404
    )
    svar = klient.post(
        "/api/v1/brukare/",
        {"personnummer": giltigt_personnummer(), "fornamn": "A", "efternamn": "B", "namnd": org.n1.pk},
        format="json",
    )
    assert svar.status_code == 400
    assert not Brukare.objects.filter(fornamn="A", efternamn="B").exists()


def test_patch_brukare_keeps_other_fields(api, cast, brukare):
    svar = api(cast.hanna).patch(f"/api/v1/brukare/{brukare.b1.pk}/", {"fornamn": "Gunnel"}, format="json")
    assert svar.status_code == 200, svar.content
    brukare.b1.refresh_from_db()
    assert (brukare.b1.fornamn, brukare.b1.efternamn) == ("Gunnel", "Gran")


def test_historical_insats_can_be_entered_and_dates_validate(api, cast, brukare, org):
    typ = insatstyp()
    klient = api(cast.hanna)
    svar = klient.post(
        "/api/v1/insatser/",
        {
            "brukare": brukare.b1.pk,
            "typ": typ.pk,
            "enhet": org.e1.pk,
            "beslutsdatum": "2014-03-01",
            "startdatum": "2014-03-10",
            "slutdatum": "2016-12-31",
            "externt_id": "I-1",
        },
        format="json",
    )
    assert svar.status_code == 201, svar.content
    assert Insats.objects.get(externt_id="I-1").lag == typ.lag
    fel = klient.post(
        "/api/v1/insatser/",
        {"brukare": brukare.b1.pk, "typ": typ.pk, "beslutsdatum": "2020-03-01", "startdatum": "2020-01-01"},
        format="json",
    )
    assert fel.status_code == 400
    assert fel.json()["startdatum"] == ["Verkställighetsdatum kan inte ligga före beslutsdatum."]


def test_insats_for_other_councils_brukare_is_refused(api, cast, brukare):
    svar = api(cast.hanna).post(
        "/api/v1/insatser/",
        {"brukare": brukare.b4.pk, "typ": insatstyp().pk, "beslutsdatum": "2020-03-01"},
        format="json",
    )
    assert svar.status_code == 400
    assert "brukare" in svar.json()


def test_delete_is_not_allowed(api, cast, brukare):
    assert api(cast.hanna).delete(f"/api/v1/brukare/{brukare.b1.pk}/").status_code == 405
