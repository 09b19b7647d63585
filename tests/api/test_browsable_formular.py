"""Webbläsarvyn (BrowsableAPIRenderer) visar ett formulär bara där användaren får göra ändringen, och fyller
aldrig i fält som rollen inte får läsa (skyddad identitet)."""

import pytest
from django.test import Client

from avvikelser import services as avvikelser_services
from kvalitet.models import Brukare, Insats
from lexsarah import services as lexsarah_services
from tests.avvikelser.factories import AvvikelseFactory, KategoriFactory
from tests.lexsarah.factories import RapportFactory
from tests.riskanalys.factories import RiskanalysFactory

PUT, PATCH = 'data-method="PUT"', 'data-method="PATCH"'
POST = ('id="post-object-form"', 'id="post-generic-content-form"')


def _sida(user, url: str) -> str:
    klient = Client()
    klient.force_login(user)
    svar = klient.get(url, HTTP_ACCEPT="text/html")
    assert svar.status_code in (200, 405), (url, svar.status_code)
    assert "text/html" in svar["Content-Type"]
    return svar.content.decode()


def _markerad(b: Brukare) -> Brukare:
    """Namn som inte kan förekomma av en slump i sidan (etiketter som "Personnummer")."""
    Brukare.objects.filter(pk=b.pk).update(fornamn="Hemligmarkor", efternamn="Efternamnmarkor")
    return Brukare.objects.get(pk=b.pk)


def _har_andringsformular(html: str) -> bool:
    return PUT in html or PATCH in html


def _har_postformular(html: str) -> bool:
    return any(m in html for m in POST)


# --- brukare ------------------------------------------------------------------------------------------


def test_brukare_detail_has_no_edit_form_for_a_manager_who_may_only_read(cast, brukare):
    html = _sida(cast.erik, f"/api/v1/brukare/{brukare.b1.pk}/")
    assert "Greta" in html  # hen läser posten
    assert not _har_andringsformular(html)


def test_brukare_detail_has_the_edit_form_for_the_officer(cast, brukare):
    html = _sida(cast.hanna, f"/api/v1/brukare/{brukare.b1.pk}/")
    assert PUT in html and PATCH in html
    assert "&quot;version&quot;: 0" in html  # rådataformuläret bär versionen (versionslåset)


def test_protected_person_edit_form_for_the_coordinator_prefills_no_identity(cast, brukare):
    """Samordnaren får ändra brukaren (nämnden) men inte se identiteten: formuläret finns, utan namn och nummer."""
    s = _markerad(brukare.skyddad)
    html = _sida(cast.kim, f"/api/v1/brukare/{s.pk}/")
    assert _har_andringsformular(html)
    for markor in ("Hemligmarkor", "Efternamnmarkor", s.personnummer[:8], s.personnummer[8:]):
        assert markor not in html, markor
    assert "Skyddad identitet" in html


def test_brukare_list_offers_the_create_form_only_to_those_who_may_create(cast, brukare):
    assert not _har_postformular(_sida(cast.erik, "/api/v1/brukare/"))
    assert not _har_postformular(_sida(cast.vera, "/api/v1/brukare/"))
    assert _har_postformular(_sida(cast.hanna, "/api/v1/brukare/"))


# --- insatser -----------------------------------------------------------------------------------------


def test_insats_detail_edit_form_only_for_those_who_may_change_it(cast, brukare):
    insats = Insats.objects.get(brukare=brukare.b1)
    url = f"/api/v1/insatser/{insats.pk}/"
    assert not _har_andringsformular(_sida(cast.erik, url))
    assert not _har_andringsformular(_sida(cast.vera, url))
    assert _har_andringsformular(_sida(cast.hanna, url))
    assert not _har_postformular(_sida(cast.erik, "/api/v1/insatser/"))
    assert _har_postformular(_sida(cast.kim, "/api/v1/insatser/"))


def test_protected_persons_insats_form_prefills_nothing_the_role_may_not_read(cast, brukare):
    s = _markerad(brukare.skyddad)
    insats = Insats.objects.get(brukare=s)
    html = _sida(cast.kim, f"/api/v1/insatser/{insats.pk}/")
    for markor in ("Hemligmarkor", "Efternamnmarkor", s.personnummer[:8]):
        assert markor not in html, markor


# --- avvikelser och klagomål (bara POST), import ------------------------------------------------------


def test_report_forms_only_for_users_with_a_unit(cast, org):
    a = avvikelser_services.avvikelse_rapportera(
        avvikelse=AvvikelseFactory.build(enhet=org.e1, kategori=KategoriFactory(namn="Omsorg")), av=cast.pia
    )
    for url in ("/api/v1/avvikelser/", "/api/v1/klagomal/"):
        assert not _har_postformular(_sida(cast.utan, url)), url
        assert _har_postformular(_sida(cast.erik, url)), url
    # Detaljen ändras inte i API:t: inget formulär, inte ens för chefen.
    assert not _har_andringsformular(_sida(cast.erik, f"/api/v1/avvikelser/{a.pk}/"))


@pytest.mark.parametrize("url", ["/api/v1/import/brukare/", "/api/v1/import/insatser/"])
def test_import_form_only_for_officers_and_coordinators(cast, url):
    assert not _har_postformular(_sida(cast.erik, url))
    assert not _har_postformular(_sida(cast.lars, url))
    assert _har_postformular(_sida(cast.hanna, url))


def test_import_by_someone_who_may_not_import_is_403_in_swedish(cast):
    klient = Client()
    klient.force_login(cast.erik)
    svar = klient.post("/api/v1/import/brukare/", {"csv": "x"}, HTTP_ACCEPT="application/json")
    assert (
        svar.status_code == 403 and svar.json()["detail"] == "Du får inte importera brukare eller insatser."
    )


def test_create_by_someone_who_may_not_create_is_403_in_swedish(cast, brukare):
    klient = Client()
    klient.force_login(cast.erik)
    svar = klient.post("/api/v1/brukare/", {"fornamn": "X"}, HTTP_ACCEPT="application/json")
    assert svar.status_code == 403 and "handläggare och kvalitetssamordnare" in svar.json()["detail"]


# --- läsresurser: lex Sarah, riskanalys ------------------------------------------------------------------


def test_read_only_resources_show_no_forms(cast, org):
    rapport = lexsarah_services.rapport_lamna(rapport=RapportFactory.build(enhet=org.e1), av=cast.pia)
    analys = RiskanalysFactory(nod=org.e1)
    for url in (
        f"/api/v1/lexsarah/{rapport.pk}/",
        "/api/v1/lexsarah/",
        f"/api/v1/riskanalyser/{analys.pk}/",
        "/api/v1/riskanalyser/",
    ):
        html = _sida(cast.kim, url)
        assert not _har_andringsformular(html) and not _har_postformular(html), url


def test_action_on_a_record_shows_its_form_only_to_those_who_may_change_the_record(cast, brukare):
    """GET på en åtgärds adress (405) visar ett POST-formulär bara för den som får ändra posten."""
    url = f"/api/v1/brukare/{brukare.skyddad.pk}/overlamna/"
    assert not _har_postformular(_sida(cast.erik, url))
    assert not _har_postformular(_sida(cast.hugo, url))
    assert _har_postformular(_sida(cast.hanna, url))


def test_quality_work_and_report_actions_show_forms_only_to_the_coordinator(cast, org):
    """Kvalitetsarbetet (värden på en indikator) och kvalitetsberättelsen (bygg PDF): chefen läser, samordnaren
    ändrar; formuläret för åtgärden visas bara för samordnaren."""
    from tests.rapporter.factories import KvalitetsberattelseFactory, MalindikatorFactory

    indikator = MalindikatorFactory(mal__nod=org.n1, mal__ar=2025)
    berattelse = KvalitetsberattelseFactory(nod=org.n1, ar=2025, skapad_av=cast.kim)
    for url in (
        f"/api/v1/malindikatorer/{indikator.pk}/varden/",
        f"/api/v1/kvalitetsberattelser/{berattelse.pk}/bygg/",
    ):
        assert not _har_postformular(_sida(cast.erik, url)), url
        assert _har_postformular(_sida(cast.kim, url)), url
    for url in (f"/api/v1/malindikatorer/{indikator.pk}/", f"/api/v1/kvalitetsberattelser/{berattelse.pk}/"):
        html = _sida(cast.kim, url)
        assert not _har_andringsformular(html), url


def test_follow_up_resources_show_no_forms(cast, brukare):
    from tests.uppfoljning.factories import arende

    a = arende(brukare.b1)
    for url in (
        f"/api/v1/uppfoljningsarenden/{a.pk}/",
        "/api/v1/uppfoljningsarenden/",
        "/api/v1/forandringar/",
    ):
        html = _sida(cast.hanna, url)
        assert not _har_andringsformular(html) and not _har_postformular(html), url
