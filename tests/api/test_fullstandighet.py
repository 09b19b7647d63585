"""Det som gäller alla resurser: klagomål per roll, sidindelning och dokumentationens filer från static/."""

import re

import pytest
from django.contrib.staticfiles import finders

from tests.avvikelser.factories import KlagomalFactory

pytestmark = pytest.mark.django_db


def _ids(svar):
    assert svar.status_code == 200, svar.content
    return {r["id"] for r in svar.json()["results"]}


@pytest.mark.parametrize(
    ("vem", "synliga"),
    [
        ("pia", {"pias"}),  # personal: bara det hen själv registrerat
        ("erik", {"e1", "pias"}),
        ("elsa", {"e3"}),
        ("vera", {"e1", "pias"}),
        ("kim", {"e1", "e3", "pias"}),
        ("sofia", {"e4"}),
        ("hanna", set()),
        ("lars", set()),  # ledning: inga personuppgifter (avsändarens namn och kontakt)
        ("ada", set()),
        ("utan", set()),
    ],
)
def test_each_role_sees_exactly_its_klagomal(api, org, cast, vem, synliga):
    k = {
        "e1": KlagomalFactory(enhet=org.e1),
        "e3": KlagomalFactory(enhet=org.e3),
        "e4": KlagomalFactory(enhet=org.e4),
        "pias": KlagomalFactory(enhet=org.e1, registrerad_av=cast.pia),
    }
    assert _ids(api(getattr(cast, vem)).get("/api/v1/klagomal/")) == {k[n].pk for n in synliga}
    for namn, obj in k.items():
        vantat = 200 if namn in synliga else 404
        assert api(getattr(cast, vem)).get(f"/api/v1/klagomal/{obj.pk}/").status_code == vantat


def test_lists_are_paginated_with_count_and_links(api, org, cast):
    alla = [KlagomalFactory(enhet=org.e1) for _ in range(5)]
    klient = api(cast.kim)
    forsta = klient.get("/api/v1/klagomal/?per_sida=2").json()
    assert forsta["count"] == 5 and len(forsta["results"]) == 2 and forsta["previous"] is None
    assert "sida=2" in forsta["next"]
    sista = klient.get("/api/v1/klagomal/?per_sida=2&sida=3").json()
    assert len(sista["results"]) == 1 and sista["next"] is None
    sett = {
        r["id"]
        for s in (1, 2, 3)
        for r in klient.get(f"/api/v1/klagomal/?per_sida=2&sida={s}").json()["results"]
    }
    assert sett == {k.pk for k in alla}
    assert klient.get("/api/v1/klagomal/?per_sida=2&sida=4").status_code == 404


def test_docs_load_every_asset_from_static(logga_in, cast, settings):
    klient = logga_in(cast.kim)
    html = klient.get("/api/docs/").content.decode()
    adresser = re.findall(r'(?:src|href)="([^"]+)"', html)
    filer = [a for a in adresser if a.endswith((".js", ".css", ".png"))]
    assert any("swagger-ui" in a for a in filer)
    for a in filer:
        assert a.startswith(settings.STATIC_URL), a  # ingen CDN, ingen extern adress
        assert finders.find(a[len(settings.STATIC_URL) :]), a
    skript = klient.get("/api/docs/?script").content.decode()
    assert "/api/schema/" in skript
