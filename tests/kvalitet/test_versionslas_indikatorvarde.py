"""Målindikatorns värde per år: två samordnare som skriver samma år skriver inte över varandra.

Ett nytt år sparas direkt; ett år som redan har ett värde ersätts bara mot versionen man utgick från
(länken "Ändra" eller krockens version), i webben och i API:t. Kolada-importen räknar upp versionen när den
ändrar ett värde, så att ett formulär som öppnades före importen krockar."""

import json

import pytest
from django.urls import reverse

from kvalitet.kolada import kolada_importera
from kvalitet.models.kvalitetsarbete import Indikatorkalla, Indikatorvarde
from tests.api.factories import token_klient
from tests.rapporter.factories import IndikatorvardeFactory, MalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def varde(org):
    return IndikatorvardeFactory(
        indikator__mal=MalFactory(nod=org.n1, ar=2025), indikator__namn="Andel nöjda", ar=2024, varde=88
    )


def _sida(varde):
    return reverse("kvalitetsarbete:indikator", args=[varde.indikator_id])


def test_a_new_year_is_saved_without_a_version(cast, varde, logga_in):
    svar = logga_in(cast.kim).post(_sida(varde), {"ar": "2023", "varde": "80,5"})
    assert svar.status_code == 302
    assert Indikatorvarde.objects.get(indikator=varde.indikator, ar=2023).varde == 80.5


def test_an_existing_year_is_not_overwritten_without_the_version_and_the_typed_value_stays(
    cast, varde, logga_in
):
    svar = logga_in(cast.kim).post(_sida(varde), {"ar": "2024", "varde": "91,25"})
    html = svar.content.decode()
    assert svar.status_code == 400
    assert "Det finns redan ett värde för 2024" in html and "inte sparat" in html
    assert 'value="91,25"' in html
    varde.refresh_from_db()
    assert (varde.varde, varde.version) == (88, 0)


def test_saving_again_after_the_conflict_replaces_the_value(cast, varde, logga_in):
    klient = logga_in(cast.kim)
    html = klient.post(_sida(varde), {"ar": "2024", "varde": "91,25"}).content.decode()
    assert 'name="version" value="0"' in html  # krocken bär den sparade versionen
    assert klient.post(_sida(varde), {"ar": "2024", "varde": "91,25", "version": "0"}).status_code == 302
    varde.refresh_from_db()
    assert (float(varde.varde), varde.version) == (91.25, 1)


def test_the_change_link_prefills_the_year_value_and_version(cast, varde, logga_in):
    html = logga_in(cast.kim).get(_sida(varde) + "?ar=2024").content.decode()
    assert "Ändra värdet för 2024" in html
    assert 'name="version" value="0"' in html and 'value="2024"' in html


def test_a_stale_version_is_refused_after_someone_else_saved(cast, varde, logga_in, annan_samordnare):
    from django.test import Client

    kim, annan = logga_in(cast.kim), Client()
    annan.force_login(annan_samordnare)
    assert annan.post(_sida(varde), {"ar": "2024", "varde": "70", "version": "0"}).status_code == 302
    svar = kim.post(_sida(varde), {"ar": "2024", "varde": "99", "version": "0"})
    html = svar.content.decode()
    assert svar.status_code == 400 and "har ändrats" in html and 'value="99"' in html
    varde.refresh_from_db()
    assert (varde.varde, varde.version) == (70, 1)


@pytest.fixture
def annan_samordnare(cast, org):
    from tests.conftest import _person

    return _person("karl", "kvalitetssamordnare", org.n1)


def test_api_refuses_an_existing_year_without_or_with_a_stale_version(cast, varde):
    klient = token_klient(cast.kim)
    url = f"/api/v1/malindikatorer/{varde.indikator_id}/varden/"
    svar = klient.post(url, {"ar": 2024, "varde": 1}, format="json")
    assert svar.status_code == 409 and svar.json()["version"] == 0
    assert "Det finns redan ett värde för 2024" in svar.json()["detail"]
    assert klient.post(url, {"ar": 2024, "varde": 2, "version": 0}, format="json").status_code == 201
    svar = klient.post(url, {"ar": 2024, "varde": 3, "version": 0}, format="json")
    assert svar.status_code == 409 and svar.json()["version"] == 1
    varde.refresh_from_db()
    assert (varde.varde, varde.version) == (2, 1)


def test_kolada_import_bumps_the_version_only_when_it_changes_a_value(cast, varde, settings):
    ind = varde.indikator
    ind.kalla, ind.kolada_kpi = Indikatorkalla.KOLADA, "U21468"
    ind.save()
    fil = json.dumps(
        {
            "values": [
                {
                    "kpi": "U21468",
                    "municipality": settings.KOLADA_KOMMUNKOD,
                    "period": 2024,
                    "values": [{"gender": "T", "value": 77.0}],
                }
            ]
        }
    )
    kolada_importera(innehall=fil, av=cast.kim)
    varde.refresh_from_db()
    assert (varde.varde, varde.kalla, varde.version) == (77, Indikatorkalla.KOLADA, 1)
    kolada_importera(innehall=fil, av=cast.kim)  # samma fil igen: inget ändras
    varde.refresh_from_db()
    assert varde.version == 1
