"""Inloggning: argon2, låsning efter upprepade fel per användarnamn och adress, rätt adress bakom proxy."""

from django.conf import settings as django_settings
from django.test import RequestFactory
from django.urls import reverse

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
