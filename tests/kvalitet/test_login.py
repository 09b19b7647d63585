"""Inloggning: argon2, låsning efter upprepade fel per användarnamn och adress, rätt adress bakom proxy."""

import re
from pathlib import Path

from django.conf import settings as django_settings
from django.test import RequestFactory
from django.urls import reverse

from kvalitet.models import Atkomstlogg
from kvalitet.natverk import klientadress


def _forsok(client, username, losen, ip):
    return client.post(reverse("login"), {"username": username, "password": losen}, REMOTE_ADDR=ip)


def test_production_hasher_is_argon2():
    # conftest byter till en snabb hashare i testerna; inställningen i settings.py är argon2.
    from kvalitet import settings as projekt

    assert projekt.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert django_settings.SESSION_SAVE_EVERY_REQUEST is True


def test_login_works_and_lands_on_mina_uppgifter(cast, client):
    svar = _forsok(client, "erik", "losenord-for-test-123", "10.0.0.1")
    assert svar.status_code == 302 and svar.url == reverse("kvalitet:start")
    assert "Mina uppgifter" in client.get(svar.url).content.decode()


def test_wrong_password_shows_swedish_error(cast, client):
    html = _forsok(client, "erik", "fel", "10.0.0.1").content.decode()
    assert "Ange korrekt" in html or "korrekt användarnamn" in html


def test_repeated_failures_lock_that_user_from_that_address_only(cast, client):
    for _ in range(5):
        _forsok(client, "erik", "fel", "10.0.0.66")
    # Nu låst från angriparens adress, även med rätt lösenord.
    last = _forsok(client, "erik", "losenord-for-test-123", "10.0.0.66")
    assert last.status_code == 429
    assert "För många misslyckade inloggningar" in last.content.decode()
    # Erik själv från sin egen adress kommer in: en angripare kan inte låsa ute alla.
    assert _forsok(client, "erik", "losenord-for-test-123", "10.0.0.7").status_code == 302
    client.logout()
    # Och andra användare från angriparens adress är inte låsta.
    assert _forsok(client, "kim", "losenord-for-test-123", "10.0.0.66").status_code == 302


def test_forwarded_for_is_ignored_without_trusted_proxy(settings):
    settings.BETRODDA_PROXYER = 0
    req = RequestFactory().get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert klientadress(req) == "10.9.9.9"


def test_forwarded_for_uses_entry_left_of_trusted_proxies(settings):
    settings.BETRODDA_PROXYER = 1
    # Klienten förfalskar en första post; proxyn lägger till den riktiga adressen sist.
    req = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert klientadress(req) == "203.0.113.9"


def test_spoofed_forwarded_for_cannot_dodge_lockout(cast, client, settings):
    settings.BETRODDA_PROXYER = 1
    for i in range(5):
        client.post(
            reverse("login"),
            {"username": "erik", "password": "fel"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"9.9.9.{i}, 203.0.113.9",
        )
    svar = client.post(
        reverse("login"),
        {"username": "erik", "password": "losenord-for-test-123"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="9.9.9.99, 203.0.113.9",
    )
    assert svar.status_code == 429


def test_session_expires_after_inactivity(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def _levererat_varde(text: str, namn: str) -> str:
    """Värdet för `namn` i .env.example (`NAMN=värde  # kommentar`)."""
    for rad in text.splitlines():
        if rad.startswith(f"{namn}="):
            return rad.split("=", 1)[1].split("#", 1)[0].strip()
    raise AssertionError(f"{namn} saknas")


def test_shipped_default_records_real_address_despite_spoofed_forwarded_for(
    cast, brukare, logga_in, settings
):
    # Det som levereras (.env.example och docker-compose.yml) ska inte lita på X-Forwarded-For: appens
    # port nås utan proxy tills kommunen satt en framför och ändrat värdet.
    import yaml

    rot = Path(django_settings.BASE_DIR)
    fran_env = _levererat_varde((rot / ".env.example").read_text(encoding="utf-8"), "BETRODDA_PROXYER")
    compose = yaml.safe_load((rot / "docker-compose.yml").read_text(encoding="utf-8"))
    # Compose tar värdet ur .env med en standard: ${BETRODDA_PROXYER:-N}.
    fran_compose = str(compose["services"]["web"]["environment"]["BETRODDA_PROXYER"])
    standard = re.fullmatch(r"\$\{BETRODDA_PROXYER:-(\d+)\}", fran_compose)
    assert standard, fran_compose
    assert standard.group(1) == fran_env
    settings.BETRODDA_PROXYER = int(fran_env)

    klient = logga_in(cast.hanna)
    klient.get(
        reverse("kvalitet:brukare", args=[brukare.b1.pk]),
        REMOTE_ADDR="10.1.2.3",
        HTTP_X_FORWARDED_FOR="203.0.113.66",
    )
    assert Atkomstlogg.objects.get(brukare=brukare.b1).klientadress == "10.1.2.3"
