"""Organisation, brukare och insatser: varje roll ser sin del, skrivningar valideras som formulären."""

import datetime

import pytest

from kvalitet import access
from kvalitet.models import Atkomstlogg, Brukare, Insats
from kvalitet.services import BRUKARE_KAN_INTE_SPARAS
from tests.factories import (
    BrukareFactory,
    InsatsFactory,
    RollFactory,
    UserFactory,
    giltigt_personnummer,
    insatstyp,
)

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
    # Chefen skapar aldrig brukare: 403 med svenskt meddelande (kvalitet.api.behorighet), inte ett fältfel.
    assert svar.status_code == 403 and "handläggare och kvalitetssamordnare" in svar.json()["detail"]
    assert not Brukare.objects.filter(fornamn="A", efternamn="B").exists()


def test_patch_brukare_keeps_other_fields(api, cast, brukare):
    svar = api(cast.hanna).patch(
        f"/api/v1/brukare/{brukare.b1.pk}/", {"fornamn": "Gunnel", "version": 0}, format="json"
    )
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


# --- skyddad identitet i skrivvägarna ----------------------------------------------------------------

MARKOR_FORNAMN, MARKOR_EFTERNAMN = "Zelmamarkor", "Qvistmarkor"


@pytest.fixture
def henrik(org):
    """En andra handläggare i N1, som inte har det skyddade ärendet."""
    return RollFactory(
        anvandare=UserFactory(username="henrik", first_name="Henrik"), roll="handlaggare", nod=org.n1
    ).anvandare


@pytest.fixture
def skyddad(org, cast):
    """Hannas ärende med skyddad identitet, med en insats vid E1; namn och nummer är markörer."""
    b = BrukareFactory(
        namnd=org.n1,
        handlaggare=cast.hanna,
        skyddad_identitet=True,
        fornamn=MARKOR_FORNAMN,
        efternamn=MARKOR_EFTERNAMN,
        personnummer=giltigt_personnummer(datetime.date(1937, 3, 14)),
    )
    InsatsFactory(brukare=b, enhet=org.e1)
    return b


def _utan_identitet(body: str, b) -> None:
    for markor in (
        MARKOR_FORNAMN,
        MARKOR_EFTERNAMN,
        b.personnummer[:8],
        b.personnummer[2:8],
        b.personnummer[8:],
    ):
        assert markor not in body, markor


def _oforandrad(b, handlaggare) -> None:
    b.refresh_from_db()
    assert (b.fornamn, b.efternamn, b.handlaggare, b.skyddad_identitet) == (
        MARKOR_FORNAMN,
        MARKOR_EFTERNAMN,
        handlaggare,
        True,
    )


def test_other_officer_cannot_take_over_protected_case_by_patch(api, cast, skyddad, henrik):
    svar = api(henrik).patch(f"/api/v1/brukare/{skyddad.pk}/", {"handlaggare": henrik.pk}, format="json")
    assert svar.status_code == 403
    assert "overlamna" in svar.json()["detail"]
    _utan_identitet(svar.content.decode(), skyddad)
    _oforandrad(skyddad, cast.hanna)


def test_coordinator_cannot_lift_protection_by_patch(api, cast, skyddad):
    svar = api(cast.kim).patch(f"/api/v1/brukare/{skyddad.pk}/", {"skyddad_identitet": False}, format="json")
    assert svar.status_code == 403 and "hav-skydd" in svar.json()["detail"]
    _utan_identitet(svar.content.decode(), skyddad)
    _oforandrad(skyddad, cast.hanna)


def test_other_officer_cannot_change_identity_fields_of_protected_person(api, cast, skyddad, henrik):
    for user in (cast.kim, henrik):
        for data in ({"fornamn": "Ny"}, {"personnummer": giltigt_personnummer()}):
            svar = api(user).patch(f"/api/v1/brukare/{skyddad.pk}/", data, format="json")
            assert svar.status_code == 403, (user, data)
            assert "ärendets handläggare" in svar.json()["detail"]
            _utan_identitet(svar.content.decode(), skyddad)
    _oforandrad(skyddad, cast.hanna)
    # Utan identitetsfälten går en PUT igenom (handläggare och skydd oförändrade).
    put = api(henrik).put(
        f"/api/v1/brukare/{skyddad.pk}/",
        {"namnd": skyddad.namnd_id, "handlaggare": cast.hanna.pk, "skyddad_identitet": True, "version": 0},
        format="json",
    )
    assert put.status_code == 200, put.content
    _utan_identitet(put.content.decode(), skyddad)
    _oforandrad(skyddad, cast.hanna)


def test_own_officer_changes_name_but_not_officer_or_protection_by_patch(api, cast, skyddad, henrik):
    klient = api(cast.hanna)
    url = f"/api/v1/brukare/{skyddad.pk}/"
    assert klient.patch(url, {"handlaggare": henrik.pk}, format="json").status_code == 403
    assert klient.patch(url, {"skyddad_identitet": False}, format="json").status_code == 403
    assert klient.patch(url, {"fornamn": "Zelma", "version": 0}, format="json").status_code == 200
    skyddad.refresh_from_db()
    assert (skyddad.fornamn, skyddad.handlaggare, skyddad.skyddad_identitet) == ("Zelma", cast.hanna, True)


def test_handover_and_lifting_protection_through_api_actions_are_logged(api, cast, skyddad, henrik):
    fel = api(henrik).post(
        f"/api/v1/brukare/{skyddad.pk}/overlamna/",
        {"handlaggare": henrik.pk, "motivering": "x"},
        format="json",
    )
    assert fel.status_code == 403
    utan_motivering = api(cast.hanna).post(
        f"/api/v1/brukare/{skyddad.pk}/overlamna/", {"handlaggare": henrik.pk, "version": 0}, format="json"
    )
    assert utan_motivering.status_code == 400 and utan_motivering.json()["motivering"] == [
        "Skriv en motivering."
    ]
    svar = api(cast.hanna).post(
        f"/api/v1/brukare/{skyddad.pk}/overlamna/",
        {"handlaggare": henrik.pk, "motivering": "Byter arbetsområde", "version": 0},
        format="json",
    )
    assert svar.status_code == 200, svar.content
    # Svaret går till Hanna, som inte längre har ärendet.
    _utan_identitet(svar.content.decode(), skyddad)
    skyddad.refresh_from_db()
    assert skyddad.handlaggare == henrik
    assert skyddad.history.first().history_change_reason == "Byter arbetsområde"
    hav = api(cast.kim).post(
        f"/api/v1/brukare/{skyddad.pk}/hav-skydd/", {"motivering": "Upphört", "version": 1}, format="json"
    )
    assert hav.status_code == 200, hav.content
    skyddad.refresh_from_db()
    assert not skyddad.skyddad_identitet
    assert set(
        Atkomstlogg.objects.filter(brukare=skyddad, vad__startswith="skyddad identitet").values_list(
            "anvandare__username", flat=True
        )
    ) == {"hanna", "kim"}


def test_number_of_hidden_person_gets_generic_answer_through_api(api, cast, org, brukare, skyddad):
    for user, nummer, namnd in (
        (cast.hugo, brukare.b1.personnummer, org.n2),
        (cast.kim, skyddad.personnummer, org.n1),
    ):
        svar = api(user).post(
            "/api/v1/brukare/",
            {"personnummer": nummer, "fornamn": "A", "efternamn": "B", "namnd": namnd.pk},
            format="json",
        )
        assert svar.status_code == 400
        assert svar.json() == {"non_field_errors": [BRUKARE_KAN_INTE_SPARAS]}
    assert not Brukare.objects.filter(fornamn="A", efternamn="B").exists()


@pytest.mark.parametrize(
    "vem", ["hanna", "henrik", "kim", "erik", "vera", "elsa", "hugo", "sofia", "pia", "lars"]
)
def test_browsable_api_detail_pages_render_for_each_role(api, cast, brukare, skyddad, henrik, vem):
    user = henrik if vem == "henrik" else getattr(cast, vem)
    klient = api(user)
    for b in (brukare.b1, skyddad):
        for url in (f"/api/v1/brukare/{b.pk}/", f"/api/v1/insatser/{b.insatser.first().pk}/"):
            svar = klient.get(url, HTTP_ACCEPT="text/html")
            synlig = access.scope(user, Brukare).filter(pk=b.pk).exists()
            assert svar.status_code == (200 if synlig else 404), url
            assert svar["Content-Type"].startswith("text/html")
            if b == skyddad and user != cast.hanna:
                _utan_identitet(svar.content.decode(), skyddad)
