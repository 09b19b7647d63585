"""Gruppers översättning till roller vid inloggning med kommunens konto (OIDC)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.exceptions import SuspiciousOperation

from kvalitet import access
from kvalitet.models import OidcIdentitet, Rolltilldelning
from kvalitet.oidc import anvandare_for_claims, kontrollera_id_token, roller_fran_grupper, synka_roller

ISS = "https://login.example/tenant-1/v2.0"

MAPPNING = {"g-kval-n1": [["kvalitetssamordnare", "N1"]], "g-hl-n2": [["handlaggare", "N2"], ["okand", "N2"]]}


def test_groups_map_to_roles_and_unknown_are_ignored():
    assert roller_fran_grupper(["g-kval-n1", "g-hl-n2", "annan"], MAPPNING) == {
        ("kvalitetssamordnare", "N1"),
        ("handlaggare", "N2"),
    }


def test_sync_adds_and_removes_only_idp_managed_roles(cast, org):
    synka_roller(cast.erik, ["g-kval-n1", "g-hl-n2"], MAPPNING)
    roller = set(Rolltilldelning.objects.filter(anvandare=cast.erik).values_list("roll", "nod__kod"))
    assert roller == {("enhetschef", "E1"), ("kvalitetssamordnare", "N1"), ("handlaggare", "N2")}
    assert access.har_roll(cast.erik, "kvalitetssamordnare")
    # Användaren har lämnat gruppen: rollen tas bort; den handlagda enhetschefsrollen ligger kvar.
    synka_roller(cast.erik, ["g-hl-n2"], MAPPNING)
    roller = set(Rolltilldelning.objects.filter(anvandare=cast.erik).values_list("roll", "nod__kod"))
    assert roller == {("enhetschef", "E1"), ("handlaggare", "N2")}


def test_oidc_login_is_offered_only_when_configured():
    kod = "import django; django.setup(); from django.urls import reverse; print(reverse('oidc_authentication_init'))"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kvalitet.settings",
        "OIDC_RP_CLIENT_ID": "kvalitet",
        "OIDC_RP_CLIENT_SECRET": "hemligt",
        "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://login.example/auth",
        "OIDC_OP_TOKEN_ENDPOINT": "https://login.example/token",
        "OIDC_OP_USER_ENDPOINT": "https://login.example/userinfo",
        "OIDC_OP_JWKS_ENDPOINT": "https://login.example/jwks",
        "OIDC_OP_ISSUER": ISS,
    }
    rot = Path(__file__).resolve().parents[2]
    med = subprocess.run(
        [sys.executable, "-c", kod], env=env, cwd=rot, capture_output=True, text=True, timeout=60
    )
    assert med.returncode == 0 and med.stdout.strip() == "/oidc/authenticate/", med.stderr
    env.pop("OIDC_RP_CLIENT_ID")
    utan = subprocess.run(
        [sys.executable, "-c", kod], env=env, cwd=rot, capture_output=True, text=True, timeout=60
    )
    assert utan.returncode != 0


@pytest.fixture
def oidc(settings):
    settings.OIDC_OP_ISSUER = ISS
    settings.OIDC_RP_CLIENT_ID = "kvalitet"
    settings.OIDC_KOPPLA_VIA_EPOST = True
    settings.OIDC_SKAPA_ANVANDARE = False
    return settings


def _claims(sub="sub-1", **extra):
    return {"iss": ISS, "sub": sub, **extra}


def test_oidc_email_equal_to_admin_does_not_log_in_as_admin(oidc, cast):
    cast.ada.email = "ada@kommun.example"
    cast.ada.save()
    # Utan intyg, och inte heller med intyg: ett adminkonto kopplas bara för hand.
    assert anvandare_for_claims(_claims(email="ada@kommun.example")) is None
    assert anvandare_for_claims(_claims(email="ADA@kommun.example", email_verified=True)) is None
    superanvandare = cast.kim
    superanvandare.email, superanvandare.is_superuser = "kim@kommun.example", True
    superanvandare.save()
    assert anvandare_for_claims(_claims(email="kim@kommun.example", email_verified=True)) is None
    assert not OidcIdentitet.objects.exists()


def test_unverified_email_never_links_an_account(oidc, cast):
    cast.erik.email = "erik@kommun.example"
    cast.erik.save()
    for intyg in (None, False, "false"):
        assert anvandare_for_claims(_claims(email="erik@kommun.example", email_verified=intyg)) is None
    assert not OidcIdentitet.objects.exists()


def test_verified_email_links_once_and_then_only_sub_matches(oidc, cast):
    cast.erik.email = "erik@kommun.example"
    cast.erik.save()
    assert anvandare_for_claims(_claims(email="erik@kommun.example", email_verified=True)) == cast.erik
    assert OidcIdentitet.objects.get(anvandare=cast.erik).subjekt == "sub-1"
    # Nästa gång räcker sub, vilken e-post IdP:n än skickar.
    assert anvandare_for_claims(_claims(email="annan@kommun.example")) == cast.erik
    # Ett annat konto hos IdP:n med samma intygade adress blir inte Erik.
    assert (
        anvandare_for_claims(_claims(sub="sub-2", email="erik@kommun.example", email_verified=True)) is None
    )


def test_same_sub_from_another_issuer_is_another_person(oidc, cast):
    OidcIdentitet.objects.create(anvandare=cast.erik, utfardare=ISS, subjekt="sub-1")
    assert anvandare_for_claims({"iss": "https://annan.example/", "sub": "sub-1"}) is None


def test_unknown_user_is_not_created_by_default(oidc, django_user_model):
    fore = django_user_model.objects.count()
    assert anvandare_for_claims(_claims(email="ny@kommun.example", email_verified=True)) is None
    assert django_user_model.objects.count() == fore


def test_automatic_creation_when_switched_on_links_the_new_user_to_sub(oidc, db):
    oidc.OIDC_SKAPA_ANVANDARE = True
    user = anvandare_for_claims(_claims(email="ny@kommun.example", email_verified=True))
    assert user is not None and user.email == "ny@kommun.example"
    assert anvandare_for_claims(_claims()) == user


def test_deactivated_user_cannot_log_in_with_oidc(oidc, cast):
    OidcIdentitet.objects.create(anvandare=cast.erik, utfardare=ISS, subjekt="sub-1")
    cast.erik.is_active = False
    cast.erik.save()
    assert anvandare_for_claims(_claims()) is None


@pytest.mark.parametrize(
    "andring",
    [{"iss": "https://login.example/annan-tenant/v2.0"}, {"aud": "annan-app"}, {"exp": 1000}, {"sub": ""}],
    ids=["annan-utfardare", "annan-mottagare", "utgangen", "utan-sub"],
)
def test_id_token_from_wrong_issuer_audience_or_time_is_refused(oidc, andring):
    giltig = {"iss": ISS, "aud": "kvalitet", "exp": time.time() + 300, "sub": "sub-1"}
    kontrollera_id_token(giltig)
    with pytest.raises(SuspiciousOperation):
        kontrollera_id_token({**giltig, **andring})


@pytest.fixture
def userinfo(oidc):
    """En riktig HTTP-server på localhost som svarar på userinfo-anropet med `innehall`."""
    import http.server
    import json
    import threading

    class Svar(http.server.BaseHTTPRequestHandler):
        innehall: dict = {}

        def do_GET(self):
            data = json.dumps(Svar.innehall).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Svar)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    bas = f"http://127.0.0.1:{server.server_port}"
    oidc.OIDC_OP_USER_ENDPOINT = f"{bas}/userinfo"
    oidc.OIDC_OP_TOKEN_ENDPOINT = f"{bas}/token"
    oidc.OIDC_OP_JWKS_ENDPOINT = f"{bas}/jwks"
    oidc.OIDC_RP_CLIENT_SECRET = "hemligt"
    oidc.OIDC_RP_SIGN_ALGO = "RS256"
    yield Svar
    server.shutdown()


def test_backend_matches_on_the_id_tokens_subject_not_the_userinfo_email(userinfo, cast):
    from kvalitet.oidc import KvalitetOIDCBackend

    cast.ada.email = "ada@kommun.example"
    cast.ada.save()
    OidcIdentitet.objects.create(anvandare=cast.erik, utfardare=ISS, subjekt="sub-erik")
    backend = KvalitetOIDCBackend()
    backend.request = None
    payload = {"iss": ISS, "sub": "sub-erik", "aud": "kvalitet", "exp": time.time() + 60}
    userinfo.innehall = {"sub": "sub-erik", "email": "ada@kommun.example", "email_verified": False}
    user = backend.get_or_create_user("at", "idt", payload)
    assert user == cast.erik
    cast.erik.refresh_from_db()
    assert cast.erik.email != "ada@kommun.example"  # en adress utan intyg sparas inte
    # Userinfo för ett annat subjekt än id-token godtas inte.
    userinfo.innehall = {"sub": "sub-ada", "email": "ada@kommun.example", "email_verified": True}
    with pytest.raises(SuspiciousOperation):
        backend.get_or_create_user("at", "idt", payload)
