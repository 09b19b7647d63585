"""Tvåfaktor krävs för kvalitetssamordnare och admin, är frivillig för andra och bindande när den slagits på.
Registreringen kräver en registreringskod från admin; reservkoder gäller i stället för appens kod."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kvalitet.models import Registreringskod
from kvalitet.services_inloggning import registreringskod_skapa

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


def _ange_registreringskod(client, user, nasta=""):
    _, kod = registreringskod_skapa(anvandare=user)
    svar = client.post(reverse("tvafaktor") + nasta, {"kod": kod.lower()})
    assert svar.status_code == 302
    return TOTPDevice.objects.get(user=user, confirmed=False)


def test_password_only_login_cannot_enrol_without_code(cast, brukare, client):
    _logga_in(client, cast.kim)
    svar = client.get(reverse("kvalitet:brukare", args=[brukare.b1.pk]))
    assert svar.status_code == 302 and svar.url.startswith(reverse("tvafaktor"))
    html = client.get(svar.url).content.decode()
    assert "Registreringskod" in html
    assert "<svg" not in html and "Ange nyckeln" not in html
    # Ingen nyckel har ens skapats, och en gissad kod ger ett svenskt fel och ingen nyckel.
    assert not TOTPDevice.objects.filter(user=cast.kim).exists()
    fel = client.post(reverse("tvafaktor"), {"kod": "ABCD-EFGH-JKMN"}).content.decode()
    assert "Koden stämmer inte" in fel and "ABCD-EFGH-JKMN" in fel and "<svg" not in fel
    assert not TOTPDevice.objects.filter(user=cast.kim).exists()
    assert client.get(reverse("kvalitet:start")).status_code == 302


def test_enrolment_code_shows_the_qr_code(cast, client):
    _logga_in(client, cast.kim)
    _ange_registreringskod(client, cast.kim)
    html = client.get(reverse("tvafaktor")).content.decode()
    assert "Skanna QR-koden" in html and "<svg" in html


def test_another_users_expired_or_used_code_does_not_work(cast, client):
    _, annans = registreringskod_skapa(anvandare=cast.sofia)
    post, utgangen = registreringskod_skapa(anvandare=cast.kim)
    Registreringskod.objects.filter(pk=post.pk).update(giltig_till=timezone.now() - datetime.timedelta(1))
    _logga_in(client, cast.kim)
    for kod in (annans, utgangen):
        assert "Koden stämmer inte" in client.post(reverse("tvafaktor"), {"kod": kod}).content.decode()
    assert not TOTPDevice.objects.filter(user=cast.kim).exists()


def test_wrong_code_gives_swedish_error_and_no_access(cast, client):
    _logga_in(client, cast.kim)
    _ange_registreringskod(client, cast.kim)
    svar = client.post(reverse("tvafaktor"), {"kod": "000000"})
    assert "Koden stämmer inte" in svar.content.decode()
    assert client.get(reverse("kvalitet:start")).status_code == 302
    assert not TOTPDevice.objects.filter(user=cast.kim, confirmed=True).exists()


def test_correct_code_confirms_device_shows_recovery_codes_once_and_opens_the_app(cast, brukare, client):
    _logga_in(client, cast.kim)
    nasta = reverse("kvalitet:brukare", args=[brukare.b1.pk])
    enhet = _ange_registreringskod(client, cast.kim, f"?next={nasta}")
    svar = client.post(f"{reverse('tvafaktor')}?next={nasta}", {"kod": _kod(enhet)})
    assert svar.status_code == 302 and svar.url.startswith(reverse("tvafaktor_reservkoder"))
    html = client.get(svar.url).content.decode()
    koder = list(StaticToken.objects.filter(device__user=cast.kim).values_list("token", flat=True))
    assert len(koder) == 10 and all(k in html for k in koder)
    assert f'href="{nasta}"' in html
    # Koderna visas bara en gång.
    assert koder[0] not in client.get(reverse("tvafaktor_reservkoder")).content.decode()
    assert client.get(nasta).status_code == 200
    enhet.refresh_from_db()
    assert enhet.confirmed
    assert Registreringskod.objects.get(anvandare=cast.kim).anvand is not None


def test_enrolment_code_works_only_once(cast, client):
    _, kod = registreringskod_skapa(anvandare=cast.kim)
    _logga_in(client, cast.kim)
    client.post(reverse("tvafaktor"), {"kod": kod})
    client.post(reverse("tvafaktor"), {"kod": _kod(TOTPDevice.objects.get(user=cast.kim))})
    TOTPDevice.objects.filter(user=cast.kim).delete()  # tappad telefon: admin tar bort enheten
    client.logout()
    _logga_in(client, cast.kim)
    assert "Koden stämmer inte" in client.post(reverse("tvafaktor"), {"kod": kod}).content.decode()


def test_recovery_code_works_once_in_place_of_totp(cast, client):
    TOTPDevice.objects.create(user=cast.kim, name="app", confirmed=True)
    reserv = StaticDevice.objects.create(user=cast.kim, name="Reservkoder", confirmed=True)
    reserv.token_set.create(token="abcd2345")
    _logga_in(client, cast.kim)
    html = client.get(reverse("tvafaktor")).content.decode()
    assert "reservkod" in html
    assert client.post(reverse("tvafaktor"), {"kod": "ABCD 2345"}).status_code == 302
    assert client.get(reverse("kvalitet:start")).status_code == 200
    client.logout()
    _logga_in(client, cast.kim)
    assert "Koden stämmer inte" in client.post(reverse("tvafaktor"), {"kod": "abcd2345"}).content.decode()


def test_verified_user_can_replace_recovery_codes(cast, client):
    enhet = TOTPDevice.objects.create(user=cast.kim, name="app", confirmed=True)
    _logga_in(client, cast.kim)
    assert client.post(reverse("tvafaktor_reservkoder_nya")).status_code == 302
    assert not StaticDevice.objects.filter(user=cast.kim).exists()  # inte verifierad: inget skapas
    client.post(reverse("tvafaktor"), {"kod": _kod(enhet)})
    svar = client.post(reverse("tvafaktor_reservkoder_nya"))
    assert svar.url == reverse("tvafaktor_reservkoder")
    koder = list(StaticToken.objects.filter(device__user=cast.kim).values_list("token", flat=True))
    assert len(koder) == 10 and koder[0] in client.get(svar.url).content.decode()


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


def test_admin_issues_enrolment_code_shown_once_and_stored_hashed(cast, client, settings):
    settings.TVAFAKTOR_KRAVS = False  # admin själv utan tvåfaktor i det här testet
    root = get_user_model().objects.create_superuser("root", "root@example.se", "x")
    client.force_login(root)
    svar = client.post(
        reverse("admin:kvalitet_registreringskod_add"), {"anvandare": cast.kim.pk}, follow=True
    )
    meddelande = next(str(m) for m in svar.context["messages"])
    kod = meddelande.split(": ", 1)[1].split(" ", 1)[0]
    post = Registreringskod.objects.get(anvandare=cast.kim)
    assert post.skapad_av == root and kod not in post.kod_hash
    assert kod not in client.get(reverse("admin:kvalitet_registreringskod_changelist")).content.decode()
    client.logout()
    settings.TVAFAKTOR_KRAVS = True
    _logga_in(client, cast.kim)
    assert client.post(reverse("tvafaktor"), {"kod": kod}).status_code == 302
    assert TOTPDevice.objects.filter(user=cast.kim, confirmed=False).exists()


def test_admin_cannot_read_totp_keys_or_recovery_codes(cast, client, settings):
    settings.TVAFAKTOR_KRAVS = False
    enhet = TOTPDevice.objects.create(user=cast.kim, name="app", confirmed=True)
    reserv = StaticDevice.objects.create(user=cast.kim, name="Reservkoder", confirmed=True)
    reserv.token_set.create(token="abcd2345")
    root = get_user_model().objects.create_superuser("root", "root@example.se", "x")
    client.force_login(root)
    for sida in (
        "/admin/otp_totp/totpdevice/",
        f"/admin/otp_totp/totpdevice/{enhet.pk}/change/",
        "/admin/otp_static/staticdevice/",
        f"/admin/otp_static/staticdevice/{reserv.pk}/change/",
    ):
        svar = client.get(sida)
        html = svar.content.decode()
        assert svar.status_code == 200, sida
        assert enhet.key not in html and "abcd2345" not in html, sida
    assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 403
    # Borttagning (tappad telefon) går.
    client.post(f"/admin/otp_totp/totpdevice/{enhet.pk}/delete/", {"post": "yes"})
    assert not TOTPDevice.objects.filter(pk=enhet.pk).exists()


def test_tvafaktor_kod_command_prints_a_working_code(cast, client):
    ut = io.StringIO()
    call_command("tvafaktor_kod", "ada", stdout=ut, stderr=io.StringIO())
    _logga_in(client, cast.ada)
    assert client.post(reverse("tvafaktor"), {"kod": ut.getvalue().strip()}).status_code == 302
