"""Autentisering: session i webbläsaren, token för integrationer; återkallning; dokumentationen."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_anonymous_request_gets_401_json(client):
    svar = client.get("/api/v1/brukare/")
    assert svar.status_code == 401
    assert svar.json()["detail"]


def test_invalid_token_is_rejected_with_401():
    klient = APIClient()
    klient.credentials(HTTP_AUTHORIZATION="Token finnsinte")
    svar = klient.get("/api/v1/brukare/")
    assert svar.status_code == 401


def test_token_acts_with_its_users_roles(api, brukare, cast):
    svar = api(cast.hugo).get("/api/v1/brukare/")
    assert svar.status_code == 200
    ids = {b["id"] for b in svar.json()["results"]}
    assert ids == {brukare.b4.pk}


def test_revoked_token_stops_working(api, brukare, cast):
    klient = api(cast.hanna)
    assert klient.get("/api/v1/brukare/").status_code == 200
    AuthToken.objects.filter(user=cast.hanna).delete()  # som "radera" i admin
    assert klient.get("/api/v1/brukare/").status_code == 401


def test_token_of_deactivated_user_is_rejected(api, cast):
    klient = api(cast.hanna)
    cast.hanna.is_active = False
    cast.hanna.save()
    assert klient.get("/api/v1/brukare/").status_code == 401


def _skapa_token(*argument) -> str:
    ut = io.StringIO()
    call_command("create_api_token", *argument, stdout=ut, stderr=io.StringIO())
    return ut.getvalue().strip()


def _klient(nyckel: str) -> APIClient:
    klient = APIClient()
    klient.credentials(HTTP_AUTHORIZATION=f"Token {nyckel}")
    return klient


def test_create_api_token_command_prints_a_working_token(cast, brukare):
    nyckel = _skapa_token("hanna")
    assert _klient(nyckel).get("/api/v1/brukare/").status_code == 200
    ny = _skapa_token("hanna", "--ny")
    assert ny != nyckel
    assert _klient(nyckel).get("/api/v1/brukare/").status_code == 401
    assert _klient(ny).get("/api/v1/brukare/").status_code == 200


def test_second_run_without_ny_cannot_show_the_old_key(cast):
    nyckel = _skapa_token("kim")
    with pytest.raises(CommandError, match="kan inte visas igen") as fel:
        _skapa_token("kim")
    assert nyckel not in str(fel.value)
    assert AuthToken.objects.filter(user=cast.kim).count() == 1


def test_token_is_stored_only_as_a_hash(cast):
    nyckel = _skapa_token("kim")
    token = AuthToken.objects.get(user=cast.kim)
    assert nyckel not in (token.digest, token.token_key)
    assert nyckel.startswith("kv_")


def test_token_expires(cast, brukare, settings):
    nyckel = _skapa_token("hanna")
    token = AuthToken.objects.get(user=cast.hanna)
    assert token.expiry is not None
    assert token.expiry - timezone.now() > datetime.timedelta(days=89)
    klient = _klient(nyckel)
    assert klient.get("/api/v1/brukare/").status_code == 200
    AuthToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    assert klient.get("/api/v1/brukare/").status_code == 401


def test_token_that_is_not_utf8_gives_401_not_500(db):
    klient = APIClient()
    klient.credentials(HTTP_AUTHORIZATION="Token kv_\xe5\xe4\xf6")
    assert klient.get("/api/v1/brukare/").status_code == 401


def test_create_api_token_for_unknown_user_fails(db):
    with pytest.raises(CommandError):
        call_command("create_api_token", "ingen")


def test_session_login_works_for_the_browser(logga_in, cast, brukare):
    svar = logga_in(cast.hanna).get("/api/v1/brukare/")
    assert svar.status_code == 200


def test_schema_and_docs_are_served_without_inline_script(logga_in, cast):
    klient = logga_in(cast.kim)
    schema = klient.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/brukare/" in schema.content
    docs = klient.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "<script>" not in html  # init-skriptet hämtas som fil (strikt CSP)
    assert "cdn" not in html.lower()
    skript = klient.get("/api/docs/?script")
    assert skript.status_code == 200
