"""Tokens återkallas i admin: en superanvändare ser och raderar dem där."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from tests.api.factories import token_klient

pytestmark = pytest.mark.django_db


def test_superuser_revokes_a_token_in_the_admin(client, cast, brukare):
    klient = token_klient(cast.hanna)
    token = Token.objects.get(user=cast.hanna)
    superanvandare = get_user_model().objects.create_superuser("root", "root@example.se", "x")
    client.force_login(superanvandare)
    lista = client.get("/admin/authtoken/tokenproxy/")
    assert lista.status_code == 200
    assert b"hanna" in lista.content
    svar = client.post(f"/admin/authtoken/tokenproxy/{token.user_id}/delete/", {"post": "yes"})
    assert svar.status_code == 302 and svar.url.endswith("/admin/authtoken/tokenproxy/")
    assert not Token.objects.filter(user=cast.hanna).exists()
    assert klient.get("/api/v1/brukare/").status_code == 401
