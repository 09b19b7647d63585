"""Versionslåset på klagomålets tema: en inaktuell sparning efter någon annans sparas inte och det valda
temat står kvar, en sparning utan version vägras och en aktuell går igenom."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from avvikelser import services
from avvikelser.models import Kategori, Klagomal
from tests.avvikelser.factories import KlagomalFactory

MEDDELANDE = "Dina ändringar är inte sparade"


@pytest.fixture
def teman(db):
    return (
        Kategori.objects.create(namn="Tema Alfa", aktiv=True),
        Kategori.objects.create(namn="Tema Beta", aktiv=True),
    )


def _klient(user) -> Client:
    klient = Client()
    klient.force_login(user)
    return klient


def _version(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html).group(1)


def _vald(html: str) -> str:
    return re.search(r'<option value="(\d+)" selected>', html).group(1)


def test_stale_theme_save_after_someone_elses_is_refused_and_keeps_the_chosen_theme(org, cast, teman):
    k = KlagomalFactory(enhet=org.e1)
    detalj, url = (
        reverse("avvikelser:klagomal_detalj", args=[k.pk]),
        reverse("avvikelser:klagomal_tema", args=[k.pk]),
    )
    erik, vera = _klient(cast.erik), _klient(cast.vera)
    v_erik, v_vera = _version(erik.get(detalj).content.decode()), _version(vera.get(detalj).content.decode())
    assert v_erik == v_vera == "0"
    assert erik.post(url, {"tema": teman[0].pk, "version": v_erik}).status_code == 302
    svar = vera.post(url, {"tema": teman[1].pk, "version": v_vera})
    html = svar.content.decode()
    assert svar.status_code == 400
    assert "Ärendet har ändrats av Erik" in html and MEDDELANDE in html
    assert _vald(html) == str(teman[1].pk)  # hennes val står kvar
    assert "Tema Alfa" in html  # det sparade temat visas
    k.refresh_from_db()
    assert (k.tema, k.version) == (teman[0], 1)
    assert _version(html) == "1"
    assert vera.post(url, {"tema": teman[1].pk, "version": "1"}).status_code == 302
    k.refresh_from_db()
    assert (k.tema, k.version) == (teman[1], 2)


def test_theme_save_without_version_is_refused(org, cast, teman):
    k = KlagomalFactory(enhet=org.e1)
    svar = _klient(cast.erik).post(reverse("avvikelser:klagomal_tema", args=[k.pk]), {"tema": teman[0].pk})
    html = svar.content.decode()
    assert svar.status_code == 400 and MEDDELANDE in html and _vald(html) == str(teman[0].pk)
    k.refresh_from_db()
    assert k.tema is None and k.version == 0


def test_fresh_theme_save_is_saved(org, cast, teman):
    k = KlagomalFactory(enhet=org.e1)
    svar = _klient(cast.erik).post(
        reverse("avvikelser:klagomal_tema", args=[k.pk]), {"tema": teman[0].pk, "version": "0"}
    )
    assert svar.status_code == 302
    k.refresh_from_db()
    assert (k.tema, k.version) == (teman[0], 1)


def test_closing_counts_the_version_so_an_open_theme_form_conflicts(org, cast, teman):
    k = KlagomalFactory(enhet=org.e1, anonym=True)
    services.klagomal_avsluta(klagomal=k, av=cast.vera)
    svar = _klient(cast.erik).post(
        reverse("avvikelser:klagomal_tema", args=[k.pk]), {"tema": teman[0].pk, "version": "0"}
    )
    assert svar.status_code == 400 and "Ärendet har ändrats av Vera" in svar.content.decode()
    assert Klagomal.objects.get(pk=k.pk).tema is None
