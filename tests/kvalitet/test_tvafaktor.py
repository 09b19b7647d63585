"""Tvåfaktor krävs för kvalitetssamordnare och admin, är frivillig för andra och bindande när den slagits på."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

LOSEN = "losenord-for-test-123"


@pytest.fixture(autouse=True)
def _kravs(settings):
    settings.TVAFAKTOR_KRAVS = True


def _logga_in(client, user):
    return client.post(
        reverse("login"), {"username": user.username, "password": LOSEN}, REMOTE_ADDR="10.0.0.5"
    )


def _kod(enhet, forskjut=0):
    return f"{totp(enhet.bin_key, step=enhet.step, t0=enhet.t0, digits=enhet.digits, drift=forskjut):06d}"


def test_coordinator_must_set_up_totp_before_anything_else(cast, brukare, client):
    _logga_in(client, cast.kim)
    svar = client.get(reverse("kvalitet:brukare", args=[brukare.b1.pk]))
    assert svar.status_code == 302 and svar.url.startswith(reverse("tvafaktor"))
    html = client.get(svar.url).content.decode()
    assert "Skanna QR-koden" in html and "<svg" in html


def test_wrong_code_gives_swedish_error_and_no_access(cast, client):
    _logga_in(client, cast.kim)
    client.get(reverse("tvafaktor"))
    svar = client.post(reverse("tvafaktor"), {"kod": "000000"})
    assert "Koden stämmer inte" in svar.content.decode()
    assert client.get(reverse("kvalitet:start")).status_code == 302
    assert not TOTPDevice.objects.filter(user=cast.kim, confirmed=True).exists()


def test_correct_code_confirms_device_and_opens_the_app(cast, brukare, client):
    _logga_in(client, cast.kim)
    client.get(reverse("tvafaktor"))
    enhet = TOTPDevice.objects.get(user=cast.kim)
    nasta = reverse("kvalitet:brukare", args=[brukare.b1.pk])
    svar = client.post(f"{reverse('tvafaktor')}?next={nasta}", {"kod": _kod(enhet)})
    assert svar.status_code == 302 and svar.url == nasta
    assert client.get(nasta).status_code == 200
    enhet.refresh_from_db()
    assert enhet.confirmed


def test_next_login_asks_for_code_only(cast, client):
    enhet = TOTPDevice.objects.create(user=cast.kim, name="app", confirmed=True)
    _logga_in(client, cast.kim)
    html = client.get(reverse("tvafaktor")).content.decode()
    assert "Skanna" not in html and "Ange koden" in html
    assert client.post(reverse("tvafaktor"), {"kod": _kod(enhet)}).status_code == 302
    assert client.get(reverse("kvalitet:start")).status_code == 200


def test_admin_role_and_superuser_also_need_it(cast, client):
    _logga_in(client, cast.ada)
    assert client.get(reverse("kvalitet:start")).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 302


def test_other_roles_are_not_forced(cast, client):
    for user in (cast.pia, cast.erik, cast.hanna, cast.lars):
        client.logout()
        _logga_in(client, user)
        assert client.get(reverse("kvalitet:start")).status_code == 200


def test_a_user_who_opted_in_must_use_it(cast, client, settings):
    settings.TVAFAKTOR_KRAVS = False
    TOTPDevice.objects.create(user=cast.erik, name="app", confirmed=True)
    _logga_in(client, cast.erik)
    assert client.get(reverse("kvalitet:start")).status_code == 302


def test_open_redirect_after_verification_is_refused(cast, client):
    enhet = TOTPDevice.objects.create(user=cast.kim, name="app", confirmed=True)
    _logga_in(client, cast.kim)
    svar = client.post(f"{reverse('tvafaktor')}?next=https://ond.example/", {"kod": _kod(enhet)})
    assert svar.url == reverse("kvalitet:start")
