"""Versionslåset (kvalitet.samtidighet) på brukare och insatser, i webben och i API:t: en inaktuell
sparning efter någon annans sparas inte, det inskrivna står kvar, en sparning utan version vägras och en
aktuell går igenom."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from kvalitet import services
from kvalitet.import_brukare import importera_brukare
from kvalitet.models import Brukare, Insats
from tests.api.factories import token_klient
from tests.factories import RollFactory, UserFactory

MEDDELANDE = "Dina ändringar är inte sparade"


def _klient(user) -> Client:
    klient = Client()
    klient.force_login(user)
    return klient


def _version(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html).group(1)


def _formdata(b: Brukare, **andrat) -> dict:
    data = {
        "personnummer": b.personnummer,
        "fornamn": b.fornamn,
        "efternamn": b.efternamn,
        "namnd": b.namnd_id,
        "handlaggare": b.handlaggare_id or "",
    }
    return data | andrat


# --- webben: /brukare/N/andra/ -------------------------------------------------------------------------


def test_stale_brukare_edit_after_someone_elses_save_is_refused_and_keeps_the_typed_name(cast, brukare):
    b = brukare.b1
    url = reverse("kvalitet:brukare_andra", args=[b.pk])
    hanna, kim = _klient(cast.hanna), _klient(cast.kim)
    v_hanna, v_kim = _version(hanna.get(url).content.decode()), _version(kim.get(url).content.decode())
    assert v_hanna == v_kim == "0"

    assert hanna.post(url, _formdata(b, fornamn="Hannasnamn", version=v_hanna)).status_code == 302
    svar = kim.post(url, _formdata(b, fornamn="Kimsnamn", version=v_kim))
    html = svar.content.decode()
    assert svar.status_code == 400
    assert "Brukaren har ändrats av Hanna" in html and MEDDELANDE in html
    assert 'value="Kimsnamn"' in html  # det han skrev står kvar i fältet
    assert "Hannasnamn" in html  # och det sparade visas bredvid
    b.refresh_from_db()
    assert (b.fornamn, b.version) == ("Hannasnamn", 1)
    # Formuläret bär nu den sparade versionen: nästa spara är ett medvetet val och går igenom.
    assert _version(html) == "1"
    assert kim.post(url, _formdata(b, fornamn="Kimsnamn", version="1")).status_code == 302
    b.refresh_from_db()
    assert (b.fornamn, b.version) == ("Kimsnamn", 2)


def test_brukare_edit_without_version_saves_nothing_and_keeps_the_typed_name(cast, brukare):
    b = brukare.b1
    svar = _klient(cast.hanna).post(
        reverse("kvalitet:brukare_andra", args=[b.pk]), _formdata(b, fornamn="Utanversion")
    )
    html = svar.content.decode()
    assert svar.status_code == 400 and MEDDELANDE in html
    assert 'value="Utanversion"' in html
    b.refresh_from_db()
    assert (b.fornamn, b.version) == ("Greta", 0)


def test_fresh_brukare_edit_is_saved_and_counts_the_version_up(cast, brukare):
    b = brukare.b1
    url = reverse("kvalitet:brukare_andra", args=[b.pk])
    klient = _klient(cast.hanna)
    svar = klient.post(
        url, _formdata(b, efternamn="Granlund", version=_version(klient.get(url).content.decode()))
    )
    assert svar.status_code == 302
    b.refresh_from_db()
    assert (b.efternamn, b.version) == ("Granlund", 1)


def test_conflict_on_protected_person_shows_no_identity_to_another_officer(cast, org, brukare):
    """Kim (samordnaren) ser inte identiteten: krocken visar varken det sparade namnet eller numret."""
    s = brukare.skyddad
    url = reverse("kvalitet:brukare_andra", args=[s.pk])
    kim = _klient(cast.kim)
    v_kim = _version(kim.get(url).content.decode())
    assert _klient(cast.hanna).post(url, _formdata(s, fornamn="Nyttnamn", version="0")).status_code == 302
    svar = kim.post(url, {"namnd": org.n1.pk, "version": v_kim})
    html = svar.content.decode()
    assert svar.status_code == 400 and "Brukaren har ändrats av Hanna" in html
    for markor in ("Nyttnamn", "Person", s.personnummer[:8], s.personnummer[8:]):
        assert markor not in html, markor


def test_handover_action_counts_the_version_so_an_open_edit_form_conflicts(cast, brukare):
    s = brukare.skyddad
    url = reverse("kvalitet:brukare_andra", args=[s.pk])
    hanna = _klient(cast.hanna)
    v = _version(hanna.get(url).content.decode())
    services.brukare_hav_skydd(brukare=s, motivering="Hotet är borta", av=cast.kim, version=0)
    svar = hanna.post(url, _formdata(s, fornamn="Senare", version=v))
    assert svar.status_code == 400 and "Brukaren har ändrats av Kim" in svar.content.decode()
    s.refresh_from_db()
    assert s.fornamn == "Hemlig" and s.version == 1


# --- API: PUT/PATCH /api/v1/brukare/<id>/ ----------------------------------------------------------------


def test_api_brukare_patch_with_stale_version_is_409_with_the_swedish_message(cast, brukare):
    b = brukare.b1
    url = f"/api/v1/brukare/{b.pk}/"
    assert token_klient(cast.hanna).get(url).json()["version"] == 0
    assert (
        token_klient(cast.hanna).patch(url, {"fornamn": "Hanna1", "version": 0}, format="json").status_code
        == 200
    )
    svar = token_klient(cast.kim).patch(url, {"fornamn": "Kim1", "version": 0}, format="json")
    assert svar.status_code == 409
    assert svar.json() == {
        "detail": svar.json()["detail"],
        "version": 1,
    }
    assert "Brukaren har ändrats av Hanna" in svar.json()["detail"] and MEDDELANDE in svar.json()["detail"]
    b.refresh_from_db()
    assert (b.fornamn, b.version) == ("Hanna1", 1)


@pytest.mark.parametrize("metod", ["patch", "put"])
def test_api_brukare_write_without_version_is_refused(cast, brukare, metod):
    b = brukare.b1
    data = _formdata(b, fornamn="Utan")
    svar = getattr(token_klient(cast.hanna), metod)(f"/api/v1/brukare/{b.pk}/", data, format="json")
    assert svar.status_code == 409, svar.content
    assert "Det gick inte att se vilken version" in svar.json()["detail"]
    b.refresh_from_db()
    assert (b.fornamn, b.version) == ("Greta", 0)


def test_api_brukare_put_with_current_version_is_saved_and_answers_with_the_new_version(cast, brukare):
    b = brukare.b1
    svar = token_klient(cast.hanna).put(
        f"/api/v1/brukare/{b.pk}/", _formdata(b, fornamn="Gunnel", version=0), format="json"
    )
    assert svar.status_code == 200, svar.content
    assert svar.json()["version"] == 1 and svar.json()["namn"] == "Gunnel Gran"


# --- insatser: API PUT/PATCH /api/v1/insatser/<id>/ (webben har bara "ny insats") ---------------------------


def test_api_insats_stale_patch_is_409_and_changes_nothing(cast, brukare):
    insats = Insats.objects.get(brukare=brukare.b1)
    url = f"/api/v1/insatser/{insats.pk}/"
    assert token_klient(cast.hanna).get(url).json()["version"] == 0
    assert (
        token_klient(cast.hanna)
        .patch(url, {"slutdatum": "2026-06-30", "version": 0}, format="json")
        .status_code
        == 200
    )
    svar = token_klient(cast.kim).patch(url, {"slutdatum": "2026-07-31", "version": 0}, format="json")
    assert svar.status_code == 409
    assert "Insatsen har ändrats av Hanna" in svar.json()["detail"] and svar.json()["version"] == 1
    insats.refresh_from_db()
    assert (str(insats.slutdatum), insats.version) == ("2026-06-30", 1)


def test_api_insats_patch_without_version_is_refused_and_fresh_one_saved(cast, brukare):
    insats = Insats.objects.get(brukare=brukare.b1)
    url = f"/api/v1/insatser/{insats.pk}/"
    klient = token_klient(cast.hanna)
    svar = klient.patch(url, {"slutdatum": "2026-06-30"}, format="json")
    assert svar.status_code == 409 and "Det gick inte att se vilken version" in svar.json()["detail"]
    insats.refresh_from_db()
    assert insats.slutdatum is None and insats.version == 0
    svar = klient.patch(url, {"slutdatum": "2026-06-30", "version": 0}, format="json")
    assert svar.status_code == 200 and svar.json()["version"] == 1


def test_insats_service_refuses_a_stale_version(cast, brukare):
    from kvalitet.samtidighet import Krock

    insats = Insats.objects.get(brukare=brukare.b1)
    gammal = Insats.objects.get(pk=insats.pk)
    services.insats_spara(insats=insats, av=cast.hanna, version=0)
    gammal.enhet = None
    with pytest.raises(Krock):
        services.insats_spara(insats=gammal, av=cast.kim, version=0)


# --- importen: en ändrad rad räknar upp versionen (ett öppet formulär krockar) ------------------------------


def test_import_of_a_changed_row_counts_the_version_up(cast, org):
    b = Brukare.objects.create(
        externt_id="X1", personnummer="193509093278", fornamn="Ada", efternamn="Ask", namnd=org.n1
    )
    text = "externt_id;personnummer;fornamn;efternamn;namnd_kod\nX1;19350909-3278;Ada;Asp;N1\n"
    resultat = importera_brukare(text)
    assert resultat.andrade == 1, resultat.fel
    b.refresh_from_db()
    assert (b.efternamn, b.version) == ("Asp", 1)


# --- överlämning och hävt skydd: samma version krävs --------------------------------------------------------


def test_second_handover_from_a_stale_page_is_refused_and_keeps_the_reason(cast, org, brukare):
    henrik = UserFactory(username="henrik", first_name="Henrik")
    RollFactory(anvandare=henrik, roll="handlaggare", nod=org.n1)
    s = brukare.skyddad
    url = reverse("kvalitet:brukare_overlamna", args=[s.pk])
    flik1, flik2 = _klient(cast.hanna), _klient(cast.hanna)
    v1, v2 = _version(flik1.get(url).content.decode()), _version(flik2.get(url).content.decode())
    assert (
        flik1.post(url, {"handlaggare": henrik.pk, "motivering": "Första", "version": v1}).status_code == 302
    )
    # Hanna har inte längre ärendet: den andra fliken får inte lämna över (403), ingenting ändras.
    assert (
        flik2.post(url, {"handlaggare": henrik.pk, "motivering": "Andra", "version": v2}).status_code == 403
    )
    s.refresh_from_db()
    assert s.handlaggare == henrik and s.version == 1


def test_lifting_protection_from_a_stale_page_or_without_version_is_refused(cast, brukare):
    s = brukare.skyddad
    url = reverse("kvalitet:brukare_hav_skydd", args=[s.pk])
    kim = _klient(cast.kim)
    v = _version(kim.get(url).content.decode())
    services.brukare_spara(brukare=Brukare.objects.get(pk=s.pk), av=cast.hanna, version=0)  # Hanna sparar
    svar = kim.post(url, {"motivering": "Skyddet har upphört", "version": v})
    html = svar.content.decode()
    assert svar.status_code == 400 and "Brukaren har ändrats av Hanna" in html
    assert "Skyddet har upphört" in html  # motiveringen står kvar
    svar = kim.post(url, {"motivering": "Skyddet har upphört"})
    assert svar.status_code == 400 and "Det gick inte att se vilken version" in svar.content.decode()
    s.refresh_from_db()
    assert s.skyddad_identitet and s.version == 1
    assert kim.post(url, {"motivering": "Skyddet har upphört", "version": "1"}).status_code == 302
    s.refresh_from_db()
    assert not s.skyddad_identitet and s.version == 2


def test_api_handover_without_or_with_stale_version_is_409(cast, org, brukare):
    henrik = UserFactory(username="henrik", first_name="Henrik")
    RollFactory(anvandare=henrik, roll="handlaggare", nod=org.n1)
    s = brukare.skyddad
    url = f"/api/v1/brukare/{s.pk}/overlamna/"
    klient = token_klient(cast.hanna)
    utan = klient.post(url, {"handlaggare": henrik.pk, "motivering": "Byter"}, format="json")
    assert utan.status_code == 409 and "Det gick inte att se vilken version" in utan.json()["detail"]
    gammal = klient.post(url, {"handlaggare": henrik.pk, "motivering": "Byter", "version": 5}, format="json")
    assert gammal.status_code == 409 and gammal.json()["version"] == 0
    s.refresh_from_db()
    assert s.handlaggare == cast.hanna
    ok = klient.post(url, {"handlaggare": henrik.pk, "motivering": "Byter", "version": 0}, format="json")
    assert ok.status_code == 200 and ok.json()["version"] == 1
