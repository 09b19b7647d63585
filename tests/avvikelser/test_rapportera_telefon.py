"""Rapportformuläret på telefonen: enheten ur länken, lagen ur enheten, ett foto redan vid rapporten,
sessionens förnyelse och utkastet som tas bort först när rapporten sparats."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from avvikelser.forms import ENHET_I_LANKEN_FEL
from avvikelser.models import Avvikelse, Bilaga
from kvalitet.queries import lag_per_enhet
from tests.avvikelser.factories import KategoriFactory
from tests.factories import InsatsFactory, insatstyp

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
FORM = reverse("avvikelser:rapportera")


@pytest.fixture
def kategori(db):
    return KategoriFactory(namn="Utebliven insats")


def _data(org, kategori, **andra):
    return {
        "enhet": org.e1.pk,
        "handelsetid": "2026-01-10T08:30",
        "lag": "SoL",
        "kategori": kategori.pk,
        "beskrivning": "Besöket kl 8 blev inte av.",
        **andra,
    }


def _vald_enhet(html: str) -> str | None:
    traff = re.search(r'<option value="(\d+)"[^>]*selected', html)
    return traff.group(1) if traff else None


def _vald_lag(html: str) -> str | None:
    traff = re.search(r'<input type="radio"[^>]*name="lag" value="(\w+)"[^>]*checked', html)
    return traff.group(1) if traff else None


# --- enheten ur länken --------------------------------------------------------------------------------


def test_link_with_unit_preselects_it(org, cast, logga_in, kategori):
    # Vera (verksamhetschef, A1) har två enheter; länken väljer den andra.
    html = logga_in(cast.vera).get(f"{FORM}?enhet={org.e2.pk}").content.decode()
    assert _vald_enhet(html) == str(org.e2.pk)
    assert ENHET_I_LANKEN_FEL not in html


@pytest.mark.parametrize("varde", ["e4", "okand", "abc", "-1", "99999999999999999999", "1.5"])
def test_foreign_or_unknown_unit_in_link_gives_swedish_message_not_500(org, cast, logga_in, kategori, varde):
    enhet = {"e4": org.e4.pk, "okand": 999999}.get(varde, varde)
    svar = logga_in(cast.pia).get(f"{FORM}?enhet={enhet}")
    html = svar.content.decode()
    assert svar.status_code == 200
    assert ENHET_I_LANKEN_FEL in html and 'role="alert"' in html
    # Formuläret står ändå där, med Pias egen enhet; E4 röjs inte.
    assert _vald_enhet(html) in (None, str(org.e1.pk)) and "Enhet E4" not in html


def test_foreign_unit_cannot_be_posted_either(org, cast, logga_in, kategori):
    svar = logga_in(cast.pia).post(FORM, _data(org, kategori, enhet=org.e4.pk))
    assert svar.status_code == 200 and not Avvikelse.objects.exists()
    assert "Välj ett giltigt alternativ" in svar.content.decode()


# --- lagen ur enheten ------------------------------------------------------------------------------


def test_law_rule_one_law_among_current_interventions(org, brukare):
    lss = insatstyp("Daglig verksamhet", "LSS")
    # E1: bara SoL (fixturen) → SoL. E2: bara LSS → LSS. E3: SoL och LSS → ingen. E4: en avslutad LSS-
    # insats räknas inte, den pågående SoL gör → SoL. En enhet utan insatser → ingen.
    InsatsFactory(brukare=brukare.b1, enhet=org.e2, typ=lss)
    InsatsFactory(brukare=brukare.b3, enhet=org.e3, typ=lss)
    InsatsFactory(
        brukare=brukare.b4, enhet=org.e4, typ=lss, slutdatum=timezone.localdate() - datetime.timedelta(days=1)
    )
    utan = org.a1.barn.create(typ="enhet", namn="Enhet tom", kod="ET", sokvag=org.a1.sokvag + "99/")
    lagar = lag_per_enhet([org.e1.pk, org.e2.pk, org.e3.pk, org.e4.pk, utan.pk])
    assert lagar == {org.e1.pk: "SoL", org.e2.pk: "LSS", org.e4.pk: "SoL"}


def test_form_prefills_law_of_the_unit_and_offers_the_map_for_other_units(org, cast, brukare, logga_in):
    InsatsFactory(brukare=brukare.b1, enhet=org.e2, typ=insatstyp("Daglig verksamhet", "LSS"))
    klient = logga_in(cast.vera)
    assert _vald_lag(klient.get(f"{FORM}?enhet={org.e2.pk}").content.decode()) == "LSS"
    html = klient.get(f"{FORM}?enhet={org.e1.pk}").content.decode()
    assert _vald_lag(html) == "SoL"
    # Skriptet byter lag när enheten byts: kartan står på enhetsvalet.
    assert (
        f'data-lag-per-enhet="{{&quot;{org.e1.pk}&quot;: &quot;SoL&quot;, &quot;{org.e2.pk}&quot;: &quot;LSS&quot;}}"'
        in html
    )


def test_no_law_is_prefilled_when_the_unit_has_both_laws(org, cast, brukare, logga_in):
    InsatsFactory(brukare=brukare.b1, enhet=org.e1, typ=insatstyp("Kontaktperson", "LSS"))
    assert _vald_lag(logga_in(cast.pia).get(FORM).content.decode()) is None


def test_report_form_page_query_count(org, cast, brukare, logga_in, django_assert_max_num_queries):
    klient = logga_in(cast.kim)
    with django_assert_max_num_queries(20):
        assert klient.get(f"{FORM}?enhet={org.e3.pk}").status_code == 200


# --- foto eller dokument vid rapporten -------------------------------------------------------------------


def test_photo_at_report_time_is_stored_privately_with_the_report(org, cast, logga_in, kategori):
    foto = SimpleUploadedFile("IMG_0001.png", PNG, "image/png")
    svar = logga_in(cast.pia).post(FORM, _data(org, kategori, fil=foto))
    assert svar.status_code == 302
    a = Avvikelse.objects.get()
    b = Bilaga.objects.get()
    assert b.avvikelse == a and (b.mime, b.filnamn, b.uppladdad_av) == ("image/png", "IMG_0001.png", cast.pia)
    assert Path(b.fil.path).is_relative_to(Path(settings.PRIVAT_MEDIA_ROOT)) and b.fil.read() == PNG
    assert a.handelser.filter(text__contains="IMG_0001.png").exists()


def test_the_file_input_offers_the_camera(org, cast, logga_in, kategori):
    html = logga_in(cast.pia).get(FORM).content.decode()
    assert re.search(r'<input type="file" name="fil"[^>]*accept="image/\*,application/pdf"', html)
    assert 'capture="environment"' in html and 'enctype="multipart/form-data"' in html


def test_wrong_file_type_is_refused_in_swedish_and_everything_typed_is_kept(org, cast, logga_in, kategori):
    program = SimpleUploadedFile("foto.png", b"MZ\x90\x00 ett program", "image/png")
    svar = logga_in(cast.pia).post(
        FORM, _data(org, kategori, fil=program, beskrivning="Dörren stod olåst hela natten.")
    )
    html = svar.content.decode()
    assert svar.status_code == 200 and not Avvikelse.objects.exists() and not Bilaga.objects.exists()
    assert "Filtypen går inte att bifoga" in html
    assert "Dörren stod olåst hela natten." in html
    assert _vald_lag(html) == "SoL"
    assert "Välj filen igen" in html


def test_other_error_says_the_file_must_be_chosen_again(org, cast, logga_in, kategori):
    foto = SimpleUploadedFile("IMG_0002.png", PNG, "image/png")
    svar = logga_in(cast.pia).post(FORM, _data(org, kategori, fil=foto, beskrivning="x"))
    html = svar.content.decode()
    assert "Beskriv kort vad som hände." in html
    assert "Filen du valde är inte sparad" in html and "Välj filen igen" in html
    assert not Bilaga.objects.exists()
    # Utan fil sägs ingenting om filen.
    assert (
        "Filen du valde"
        not in logga_in(cast.pia).post(FORM, _data(org, kategori, beskrivning="x")).content.decode()
    )


def test_double_submit_with_a_photo_gives_one_report_and_one_attachment(org, cast, logga_in, kategori):
    klient = logga_in(cast.pia)
    nyckel = "6f1c3e2a-1b7c-4c1e-9d0a-2d7b1f0c9a11"
    for _ in range(2):
        foto = SimpleUploadedFile("IMG.png", PNG, "image/png")
        assert klient.post(FORM, _data(org, kategori, fil=foto, inlamningsnyckel=nyckel)).status_code == 302
    assert Avvikelse.objects.count() == 1 and Bilaga.objects.count() == 1


# --- sessionen och utkastet ------------------------------------------------------------------------------


def test_keepalive_renews_the_session(cast, logga_in):
    klient = logga_in(cast.pia)
    nyckel = klient.session.session_key
    snart = timezone.now() + datetime.timedelta(seconds=30)
    Session.objects.filter(session_key=nyckel).update(expire_date=snart)
    svar = klient.post(reverse("kvalitet:session_fortsatt"))
    assert svar.status_code == 200 and svar.json() == {"sekunder": settings.SESSION_COOKIE_AGE}
    ny = Session.objects.get(session_key=nyckel).expire_date
    assert ny > snart + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 120)


def test_keepalive_is_post_only_and_an_expired_session_is_sent_to_login(cast, client, logga_in):
    assert client.post(reverse("kvalitet:session_fortsatt")).status_code == 302  # ingen session: inloggningen
    assert logga_in(cast.pia).get(reverse("kvalitet:session_fortsatt")).status_code == 405


def test_every_page_carries_the_warning_dialog_and_its_settings(cast, logga_in):
    html = logga_in(cast.pia).get(reverse("kvalitet:start")).content.decode()
    assert 'role="alertdialog"' in html and "Du loggas snart ut" in html and ">Fortsätt</button>" in html
    assert f'data-sekunder="{settings.SESSION_COOKIE_AGE}"' in html and 'data-varna-fore="120"' in html
    assert "/static/js/session.js" in html
    assert f'data-anvandare="{cast.pia.pk}"' in html


def test_draft_is_cleared_only_after_the_report_is_saved(org, cast, logga_in, kategori):
    klient = logga_in(cast.pia)
    # Ett fel: utkastet står kvar (inget att rensa), formuläret säger att det visas igen.
    html = klient.post(FORM, _data(org, kategori, beskrivning="x")).content.decode()
    assert 'data-rensa="[]"' in html and 'data-utkast="avvikelse-rapport"' in html
    assert 'data-utkast-lage="igen"' in html
    assert 'data-utkast-lage="ny"' in klient.get(FORM).content.decode()
    # Sparad: sidan efter omdirigeringen tar bort utkastet, en gång.
    svar = klient.post(FORM, _data(org, kategori), follow=True)
    assert "Tack! Avvikelsen har referensnummer" in svar.content.decode()
    assert 'data-rensa="[&quot;avvikelse-rapport&quot;]"' in svar.content.decode()
    assert 'data-rensa="[]"' in klient.get(reverse("kvalitet:start")).content.decode()


def test_staff_of_every_role_with_a_unit_gets_both_report_buttons(cast, logga_in):
    for user in (cast.pia, cast.erik, cast.vera, cast.hanna, cast.kim):
        html = logga_in(user).get(reverse("kvalitet:start")).content.decode()
        assert "Rapportera avvikelse" in html, user
        assert "Rapportera missförhållande – lex Sarah" in html, user


def test_lex_sarah_draft_is_kept_in_the_tab_and_cleared_after_the_report_is_saved(org, cast, logga_in):
    from tests.lexsarah.test_berorda import _rapportdata

    klient = logga_in(cast.pia)
    html = klient.get(reverse("lexsarah:rapportera")).content.decode()
    assert 'data-utkast="lexsarah-rapport"' in html and 'data-utkast-lage="ny"' in html
    svar = klient.post(reverse("lexsarah:rapportera"), _rapportdata(org), follow=True)
    assert "Tack! Rapporten har referensnummer" in svar.content.decode()
    assert 'data-rensa="[&quot;lexsarah-rapport&quot;]"' in svar.content.decode()
