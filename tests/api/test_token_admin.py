"""Tokens återkallas i admin, men ingen kan läsa en nyckel där (de lagras bara som hash)."""

import pytest
from django.contrib.auth import get_user_model
from knox.models import AuthToken

from tests.api.factories import token_klient

pytestmark = pytest.mark.django_db


@pytest.fixture
def superanvandare(client):
    root = get_user_model().objects.create_superuser("root", "root@example.se", "x")
    client.force_login(root)
    return root


def test_superuser_revokes_a_token_in_the_admin(client, cast, brukare, superanvandare):
    klient = token_klient(cast.hanna)
    token = AuthToken.objects.get(user=cast.hanna)
    lista = client.get("/admin/knox/authtoken/")
    assert lista.status_code == 200
    html = lista.content.decode()
    assert "hanna" in html and token.token_key in html
    svar = client.post(f"/admin/knox/authtoken/{token.pk}/delete/", {"post": "yes"})
    assert svar.status_code == 302
    assert not AuthToken.objects.filter(user=cast.hanna).exists()
    assert klient.get("/api/v1/brukare/").status_code == 401


def test_admin_cannot_read_any_api_token(client, cast, superanvandare):
    nyckel = token_klient(cast.kim)._credentials["HTTP_AUTHORIZATION"].removeprefix("Token ")
    token = AuthToken.objects.get(user=cast.kim)
    sidor = [
        "/admin/knox/authtoken/",
        f"/admin/knox/authtoken/{token.pk}/change/",
        f"/admin/knox/authtoken/{token.pk}/delete/",
        "/admin/knox/authtoken/?q=kim",
    ]
    for sida in sidor:
        html = client.get(sida).content.decode()
        assert nyckel not in html, sida
    # Inte heller databasen har nyckeln, bara dess början (prefixet) och en hash.
    assert nyckel not in {token.digest, token.token_key} and nyckel.startswith(token.token_key)
    # Den gamla DRF-adminen med läsbara nycklar finns inte kvar.
    assert client.get("/admin/authtoken/tokenproxy/").status_code == 404


def test_admin_cannot_create_a_token_for_another_user(client, cast, superanvandare):
    assert client.get("/admin/knox/authtoken/add/").status_code == 403
    svar = client.post("/admin/knox/authtoken/add/", {"user": cast.kim.pk})
    assert svar.status_code == 403
    assert not AuthToken.objects.filter(user=cast.kim).exists()
