"""Ett dubbelklick på Skicka (eller samma formulär skickat igen) ger en avvikelse, inte två."""

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from avvikelser.models import Avvikelse
from tests.api.factories import token_klient
from tests.avvikelser.factories import KategoriFactory


def _formular(klient, org) -> dict:
    html = klient.get(reverse("avvikelser:rapportera")).content.decode()
    nyckel = re.search(r'name="inlamningsnyckel" value="([0-9a-f-]{36})"', html).group(1)
    return {
        "inlamningsnyckel": nyckel,
        "enhet": org.e1.pk,
        "handelsetid": "2026-01-10T08:30",
        "lag": "SoL",
        "kategori": KategoriFactory(namn="Omsorg").pk,
        "beskrivning": "Besöket blev inte av.",
    }


def test_the_same_form_posted_twice_creates_one_deviation(org, cast, logga_in):
    klient = logga_in(cast.pia)
    data = _formular(klient, org)
    forsta = klient.post(reverse("avvikelser:rapportera"), data, follow=True)
    andra = klient.post(reverse("avvikelser:rapportera"), data, follow=True)
    assert Avvikelse.objects.count() == 1
    a = Avvikelse.objects.get()
    assert a.handelser.count() == 1  # en "rapporterades", inte två
    for svar in (forsta, andra):
        assert svar.redirect_chain[-1][0] == reverse("avvikelser:mina")
        assert f"Avvikelsen har referensnummer {a.referensnummer}" in svar.content.decode()


def test_two_forms_opened_separately_create_two_deviations(org, cast, logga_in):
    klient = logga_in(cast.pia)
    for data in (_formular(klient, org), _formular(klient, org)):
        assert klient.post(reverse("avvikelser:rapportera"), data).status_code == 302
    assert Avvikelse.objects.count() == 2


def test_an_invalid_post_keeps_the_key_so_the_corrected_post_is_still_one(org, cast, logga_in):
    klient = logga_in(cast.pia)
    data = _formular(klient, org)
    svar = klient.post(reverse("avvikelser:rapportera"), {**data, "beskrivning": "x"})
    assert svar.status_code == 200 and data["inlamningsnyckel"] in svar.content.decode()
    klient.post(reverse("avvikelser:rapportera"), data)
    klient.post(reverse("avvikelser:rapportera"), data)
    assert Avvikelse.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_double_click_creates_one_deviation(postgres, org, cast):
    klient = Client()
    klient.force_login(cast.pia)
    data = _formular(klient, org)
    start = threading.Barrier(2)
    svar = []

    def skicka():
        try:
            egen = Client()
            egen.force_login(cast.pia)
            start.wait(timeout=10)
            svar.append(egen.post(reverse("avvikelser:rapportera"), data).status_code)
        finally:
            connection.close()

    tradar = [threading.Thread(target=skicka) for _ in range(2)]
    for t in tradar:
        t.start()
    for t in tradar:
        t.join(timeout=30)
    assert svar == [302, 302]
    assert Avvikelse.objects.count() == 1


def test_api_post_with_the_same_idempotency_key_creates_one_deviation(org, cast):
    api = token_klient(cast.pia)
    data = {
        "enhet": org.e1.pk,
        "handelsetid": "2026-01-10T08:30:00+01:00",
        "lag": "SoL",
        "kategori": KategoriFactory(namn="Omsorg").pk,
        "beskrivning": "Besöket blev inte av.",
    }
    forsta = api.post("/api/v1/avvikelser/", data, format="json", HTTP_IDEMPOTENCY_KEY="integration-4711")
    andra = api.post("/api/v1/avvikelser/", data, format="json", HTTP_IDEMPOTENCY_KEY="integration-4711")
    assert forsta.status_code == andra.status_code == 201, andra.content
    assert forsta.json()["id"] == andra.json()["id"]
    assert Avvikelse.objects.count() == 1
    # Utan nyckel är varje anrop en ny rapport, som förut.
    assert api.post("/api/v1/avvikelser/", data, format="json").status_code == 201
    assert Avvikelse.objects.count() == 2
