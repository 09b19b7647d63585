"""Gruppers översättning till roller vid inloggning med kommunens konto (OIDC)."""

import os
import subprocess
import sys
from pathlib import Path

from kvalitet import access
from kvalitet.models import Rolltilldelning
from kvalitet.oidc import roller_fran_grupper, synka_roller

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
